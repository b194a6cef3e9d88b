"""Domain errors: each carries a message that can be shown to the person as it is."""

from __future__ import annotations


class CoachingError(Exception):
    """Something the person asked for cannot be done; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CoachingError):
    """No such reflection (or none for this person)."""


class NotYours(CoachingError):
    """The reflection belongs to someone else."""


class AlreadyFinished(CoachingError):
    """The reflection is completed or was replaced by a newer one."""


class InvalidInput(CoachingError):
    """A rating out of range, an unknown attribute or domain, or similar."""


class StaleAction(CoachingError):
    """An action on a step that is no longer the current one (an old button)."""


class ConcurrentUpdate(CoachingError):
    """Someone saved the same reflection at the same time; the later save was refused."""


class StorageUnavailable(CoachingError):
    """The database could not be reached; nothing was changed and the person can try again."""


class PatientDataWarning(CoachingError):
    """The text looks like it holds patient details; nothing was saved.

    The caller shows `message` with `redacted` (the text with each finding replaced by a label)
    and offers: save the redacted text (patient_data="redact"), edit the text and send it
    again, or keep it as written (patient_data="keep") when it is not patient data.
    """

    def __init__(self, message: str, *, kinds: list[str], redacted: str) -> None:
        super().__init__(message)
        self.kinds = kinds
        self.redacted = redacted


class UnfinishedReflection(CoachingError):
    """A new reflection was asked for while one is unfinished; the person is asked first.

    `message` asks "Resume it, or start a new one?"; starting anyway sets the unfinished one
    aside, where it can be reopened.
    """

    def __init__(self, message: str, *, reflection_id: str, scope: str) -> None:
        super().__init__(message)
        self.reflection_id = reflection_id
        self.scope = scope
