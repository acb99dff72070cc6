"""A Telegram bot that plays a patient Python interviewer."""
