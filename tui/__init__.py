"""Callboard: a terminal console for supervising live Twilio calls."""
