"""Every sentence the Slack app says that isn't the framework's or the coach's own text."""

from __future__ import annotations

COMMAND = "/lif-reflect"

HELP = (
    f"*{COMMAND}* reflects with you on the Leading Improvement Framework, in a direct message.\n"
    f"• `{COMMAND}`: what it is, then start all three domains or one\n"
    f"• `{COMMAND} leadership`, `{COMMAND} improvement` or `{COMMAND} care`: start one domain\n"
    f"• `{COMMAND} resume`: carry on where you left off\n"
    f"• `{COMMAND} summary`: your priority areas and goals\n"
    f"• `{COMMAND} help`: this message"
)
ACK_INTRO = "I've sent you a direct message: let's reflect there."
ACK_START = "Starting {scope} in our direct message."
ACK_RESUME = "Picking up your reflection in our direct message."
ACK_SUMMARY = "Your priority areas are in our direct message."

INTRO_CHOOSE = "*Where would you like to start?*"
START_ALL = "All three domains ({count})"
START_DOMAIN = "{name} ({count})"
START_LABEL = "Start a reflection on {what}, {count} attributes"
RESUME = "Resume"
RESUME_LABEL = "Resume your unfinished reflection"
VIEW_SUMMARY = "View my priority areas"
VIEW_SUMMARY_LABEL = "Show the priority areas of your last reflection"

STEP_OVERALL = "Step {number} of {total} overall"
STEP_REPLY_HINT = (
    "Reply here with your thoughts (as many messages as you like) or use *Add a reflection*, "
    "then choose a rating."
)
EARLIER_RATING = "Earlier you rated this *{rating}* ({label})."
EARLIER_TEXT = "Earlier you wrote:"
RATE_LABEL = "Rate {rating} of 5: {label}"
WRITE = "Add a reflection"
WRITE_LABEL = "Write a reflection on {attribute_id} in a form"
SKIP = "Skip"
SKIP_LABEL = "Skip {attribute_id} without a rating"
BACK = "Back"
BACK_LABEL = "Go back to the step before"
PAUSE = "Pause"
PAUSE_LABEL = "Pause; everything so far is saved"

RATED = "You rated this *{rating}* ({label})."
SKIPPED = "You skipped this one."
WENT_BACK = "You went back to the step before."
PAUSED = (
    "Paused. Everything so far is saved: {message} Type `/lif-reflect resume` or use the "
    "button when you're ready."
)
STEP_DONE_TEXT = "{heading}: {outcome}"

SAVED = "Saved your reflection on *{attribute_id} {short_name}*."
SAVED_MORE = "Added to what you wrote on *{attribute_id} {short_name}*."
SAVED_TEXT = "Saved your reflection on {attribute_id}."
AT_SUMMARY = (
    "Your reflection has reached its priority areas, so there is no step to add that to. "
    "Use *Back* on the summary to change an earlier answer."
)

SUMMARY_TITLE = "Your priority areas"
SUMMARY_CONFIRMED_TITLE = "Your confirmed priority areas"
SUMMARY_TEXT = "Your priority areas: {names}"
SUMMARY_NONE_TEXT = "No priority areas yet."
PRIORITY_LINE = "*{rank}. {attribute_id} {short_name}* ({domain})"
GOAL_LINE = "*Your goal:* {goal}"
NO_GOAL = "_No goal yet._"
MORE_PRIORITIES = "…and {count} more priority areas (cut to fit Slack)."
ADD_GOAL = "Add a goal"
CHANGE_GOAL = "Change the goal"
GOAL_LABEL = "Add or change your goal for {attribute_id}"
DROP = "Drop"
DROP_LABEL = "Drop {attribute_id} from your priority areas"
SWAP = "Swap for…"
SWAP_OPTION = "{attribute_id} {short_name}"
ADD_PRIORITY = "Add a priority area…"
RETURN = "Go back to {attribute_id}"
RETURN_LABEL = "Go back to {attribute_id} {short_name} to rate it"
WENT_BACK_TO = "You went back to *{attribute_id} {short_name}*."
CONFIRM = "Confirm these priorities"
CONFIRM_LABEL = "Confirm your priority areas"
SUMMARY_BACK_LABEL = "Go back to the last step to change an answer"
SUMMARY_HINT = "Swap or drop until these feel right, then confirm. Goals can be added any time."
SUMMARY_CONFIRMED_HINT = "Confirmed. You'll find these, with your goals, on my Home tab."

GOAL_TITLE = "Your goal"
GOAL_INTRO = "*{attribute_id} {short_name}*\n{statement}"
GOAL_INPUT_LABEL = "What will you do, and by when?"
GOAL_PLACEHOLDER = "For example: ask two colleagues for feedback on my next huddle by March"
WRITE_TITLE = "Your reflection"
WRITE_INPUT_LABEL = "Your thoughts (added to anything you wrote before on this attribute)"
WRITE_TOO_LONG = (
    "Your text is longer than this form can hold, so it starts empty: nothing was saved. "
    "Reply in our direct message instead: a message can hold 40,000 characters."
)
SAVE = "Save"
CANCEL = "Cancel"

HOME_TITLE = "LIF Coach"
HOME_IN_PROGRESS = "*Your reflection in progress*\n{message}"
HOME_PRIORITIES = "*Your priority areas* (confirmed {date})"
HOME_NO_PRIORITIES = "You haven't confirmed any priority areas yet."
HOME_START = "*Start a new reflection*"
HOME_CONTINUES = "Reflections happen in the Messages tab of this app."
HOME_UNAVAILABLE = "I can't load your reflections just now. {message}"

STORAGE_DOWN = (
    "{message} Your reflection will continue from where you were: type `/lif-reflect resume` "
    "when you're ready."
)
POST_FAILED = (
    "Slack didn't let me post my reply. Anything you answered is saved: "
    "type `/lif-reflect resume` to carry on."
)
UNEXPECTED = (
    "Something went wrong on my side. Nothing you entered before is lost: type "
    "`/lif-reflect resume` to carry on."
)
NO_SUMMARY = "You have no priority areas yet. Finish a reflection to see them here."
STILL_IN_PROGRESS = (
    "Your reflection is still in progress: {message} Type `/lif-reflect resume` to carry on."
)

# The optional AI coach (LIF_LLM_MODEL): placeholders, follow-ups, the role question.
THINKING = "_One moment: the coach is working on your next step…_"
THINKING_TEXT = "One moment: the coach is working on your next step."
LOOKING_UP = "_Looking that up in the framework…_"
LOOKING_UP_TEXT = "Looking that up in the framework."
LOADING_TITLE = "One moment"
LOADING = "_Getting your step ready…_"
FOLLOW_UP_HINT = "Reply here to add to your reflection on *{attribute_id}*, or choose a rating."
FOLLOW_UP_TEXT = "A follow-up question on {attribute_id}: {question}"
ROLE_PROMPT = (
    "*One optional question for the AI coach:* what is your role, for example "
    '"ward manager" or "practice nurse"? It helps me word the questions for you. '
    "Please don't include names."
)
ROLE_PROMPT_TEXT = "Optional: tell the AI coach your role, so it can word questions for you."
ROLE_BUTTON = "Tell the coach your role"
ROLE_BUTTON_LABEL = "Tell the AI coach your role in a form"
ROLE_SKIP = "Skip"
ROLE_SKIP_LABEL = "Don't tell the coach your role; it won't ask again"
ROLE_TITLE = "Your role"
ROLE_INPUT_LABEL = "Your role (no names, please)"
ROLE_PLACEHOLDER = "For example: ward manager"
ROLE_SAVED = "Thanks: I'll word the questions with your role in mind."
ROLE_SKIPPED = "No problem: I won't ask about your role again."

# The patient-data warning: the text waits until the person chooses what to do with it.
PATIENT_DATA_PREVIEW = "*With those details removed, it would read:*\n>{preview}"
SAVE_REDACTED = "Save redacted"
SAVE_REDACTED_LABEL = "Save the text with the patient details removed"
KEEP_AS_WRITTEN = "Keep as written"
KEEP_AS_WRITTEN_LABEL = "Save the text as written: it is not patient data"
EDIT = "Edit"
EDIT_REPLY_LABEL = "Don't save it; send a corrected text instead"
EDIT_FORM_LABEL = "Go back to the form to edit the text"
PATIENT_DATA_TITLE = "Check your text"
SAVED_REDACTED = "Saved with the patient details removed."
SAVED_AS_WRITTEN = "Saved as you wrote it."
EDIT_REPLY = (
    "Nothing was saved. Send the corrected text here as a new message, or use "
    "*Add a reflection* on the step."
)
PENDING_GONE = (
    "That text has already been dealt with (or waited more than a day), so nothing more was done."
)
MOVED_ON = (
    "You've moved on from {attribute_id} since, so that text wasn't saved. Use *Back* to "
    "return to it and send it again."
)
SAVED_TITLE = "Saved"
CLOSE = "Close"

# Questions about the framework.
ASK_TITLE = "About the framework"
ASK_CITED = "From the framework: {citations}"
ASK_HOW_TO_START = "To start a reflection, type `/lif-reflect`."
ACK_ASK = "I'll answer in our direct message."
ASK_HELP = (
    f"`{COMMAND} ask` and a question: ask about the framework (or send me a question in our "
    "direct message, starting with ?)"
)
PROBLEM_TITLE = "Nothing changed"
