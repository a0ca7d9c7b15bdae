"""The floor in the console: the Where column, the queues and conference screens, floor keys."""
