"""What the Slack app says around follow-up check-ins (the coach's own sentences, such as the
check-in question and the acknowledgements, live in prompts/followup.yaml)."""

from __future__ import annotations

# -- the check-in message -----------------------------------------------------------------
CHECK_IN_HEADER = "Check-in: {attribute_id} {short_name}"
REMINDER_HEADER = "Reminder: {attribute_id} {short_name}"
ASK_NOW_HEADER = "Check-in on your priority areas"
ANSWER_LABEL = "Answer {label} for this check-in"
NOTE = "Answer with a note…"
NOTE_LABEL = "Answer this check-in with a note, in a form"
SNOOZE = {1: "Snooze a day", 7: "Snooze a week"}
SNOOZE_LABEL = {1: "Ask me again tomorrow", 7: "Ask me again in a week"}
SETTINGS = "Settings"
SETTINGS_LABEL = "Change when and how often I check in, pause or stop"
STOP = "Stop check-ins"
STOP_LABEL = "Stop all check-ins; your priorities and progress are kept"
STOP_CONFIRM_TITLE = "Stop check-ins?"
STOP_CONFIRM_TEXT = (
    "I won't send any more check-ins, reminders or invitations to reflect again. Your "
    "priorities, goals and progress are kept: you can start again from Settings or my Home tab."
)
STOP_CONFIRM_YES = "Stop them"
STOP_CONFIRM_NO = "Keep them"
CHECK_IN_HINT = (
    "One click is enough. Snooze if now isn't a good time; Settings changes the day, the time "
    "and how often, or pauses check-ins while you're on leave."
)
ASK_NOW_PRIORITIES = "*Your priority areas*"
ASK_NOW_PRIORITY = "• *{attribute_id} {short_name}*"
ASK_NOW_GOAL = " (your goal: {goal})"
ASK_NOW_QUESTION = "*What have you tried since {since}?*"
ASK_NOW_QUESTION_NEW = "*What have you tried on these so far?*"
ASK_NOW_TEXT = "Check-in on your priority areas: what have you tried since {since}?"

# -- after a click ------------------------------------------------------------------------
ANSWERED = "You answered *{label}*."
ANSWERED_WITH_NOTE = "You answered *{label}*, with a note."
ALREADY_ANSWERED = (
    "You've already answered this check-in. Your next one comes as planned; "
    "`/lif-reflect checkin` adds another answer now."
)
SNOOZED = ":alarm_clock: {text}"
STOPPED = "Check-ins are stopped."
RESUME = "Start check-ins again"
RESUME_LABEL = "Start the check-ins again"
RELATED_CONTEXT = ">{text}"
NOT_A_CHECK_IN = "That check-in is from an earlier set of priorities; I've kept your answer."

# -- the schedule -------------------------------------------------------------------------
CHANGE_THIS = "Change this"
CHANGE_THIS_LABEL = "Change the day, time or how often I check in"
NO_CHECK_INS = "Check-ins start when you confirm your priority areas: finish a reflection first."

# -- reflecting again ---------------------------------------------------------------------
RE_REFLECTION_HEADER = "Time to reflect again?"
REFLECT_PRIORITIES = "Reflect on my priority areas"
REFLECT_PRIORITIES_LABEL = "Reflect again on your priority areas"
REFLECT_ALL = "Reflect on everything"
REFLECT_ALL_LABEL = "Reflect again on all three domains"
REFLECTING_AGAIN = (
    "Reflecting again on {scope}. When you confirm your priority areas, I'll show you how your "
    "self-ratings have moved since {since}."
)

# -- ratings and comparison ---------------------------------------------------------------
RATINGS_TITLE = "Your self-ratings"
MOVED_TITLE = "How your self-ratings moved"
COMPARED = "Your ratings on {after}, compared with {before}:"
HIGHER = "*Rated higher:* {items}"
LOWER = "*Rated lower:* {items}"
UNCHANGED = "{count} unchanged."
RATED_ONCE = "{count} rated in only one of the two."
NO_CHANGE = "No rating moved."
CHANGE_ITEM = "{attribute_id} {short_name} ({before} → {after})"
CHART_TITLE = "Self-ratings by attribute"
CHART_ON_HOME = "The chart is on my Home tab too, with your check-ins."
CHART_MISSING = "I couldn't attach the chart just now. What it shows: {alt}"

# -- Home ---------------------------------------------------------------------------------
HOME_CHECK_INS = "*Check-ins*\n{message}"
HOME_TIMELINE = "*Your progress*"
HOME_TIMELINE_EMPTY = "No check-ins yet: your answers will appear here."
HOME_TIMELINE_LINE = "*{day}* · {attribute}*{label}*"
HOME_TIMELINE_MORE = "…and {count} earlier check-ins."
HOME_RATINGS = "*Your self-ratings*"
CHECK_IN_NOW = "Check in now"
CHECK_IN_NOW_LABEL = "Answer a check-in on your priority areas now"
REFLECT_AGAIN = "Reflect again"
REFLECT_AGAIN_LABEL = "Reflect again on your priority areas and compare your ratings"

# -- the modals ---------------------------------------------------------------------------
NOTE_TITLE = "Check-in"
NOTE_RESPONSE_LABEL = "How did it go?"
NOTE_INPUT_LABEL = "What did you try, and what happened?"
NOTE_PLACEHOLDER = "Only you can see this note."
SETTINGS_TITLE = "Check-in settings"
CADENCE_LABEL = "How often"
WEEKDAY_LABEL = "On which day"
TIME_LABEL = "Around what time"
WINDOW_START_LABEL = "Never before"
WINDOW_END_LABEL = "Never after"
WINDOW_HINT = "A late check-in (after a pause, say) waits for a time between these."
DAYS_LABEL = "Your working days"
PAUSE_LABEL = "Pause until (leave, nights)"
PAUSE_HINT = "No check-ins before this date. Clear it to carry on now."
STOP_LABEL_INPUT = "Stop"
STOP_OPTION = "Stop all check-ins"
ZONE_NOTE = "Times are in your Slack time zone, {zone}."
WINDOW_ORDER = "Choose a time later than 'Never before'."
CHOOSE_RESPONSE = "Choose how it went."
CHOOSE_TIME = "Choose a time."
SAVE = "Save"
CANCEL = "Cancel"

# -- sub-commands -------------------------------------------------------------------------
ACK_CHECK_IN = "Your check-in is in our direct message."
ACK_SETTINGS = "Your check-in settings are in our direct message."
ACK_AGAIN = (
    "Starting a fresh reflection in our direct message. When you confirm it, I'll show you how "
    "your self-ratings moved."
)
HELP_CHECK_IN = "`/lif-reflect checkin`: answer a check-in on your priority areas now"
HELP_SETTINGS = "`/lif-reflect settings`: when and how often I check in; pause or stop"
HELP_AGAIN = (
    "`/lif-reflect again [all | leadership | improvement | care]`: reflect again on your "
    "priority areas (or the domains named) and see how your ratings moved"
)
