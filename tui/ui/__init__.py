"""UI layer: the Textual app, its screens, widgets and styles."""
