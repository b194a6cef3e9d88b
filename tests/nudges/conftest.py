from tests.nudges.fixtures import (  # noqa: F401 (pytest finds fixtures by name)
    clock,
    coach,
    dispatcher,
    engine,
    followup,
    sender,
    sleeps,
    store,
)
