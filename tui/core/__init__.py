"""Back end: Twilio access, polling, actions, validation, audit, config. No Textual imports."""
