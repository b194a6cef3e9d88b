"""Follow-up after a reflection: check-ins on the priorities, reminders and re-reflection."""
