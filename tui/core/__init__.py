"""Back-end layer: Twilio access, polling, actions, validation, audit, config. No Textual imports."""
