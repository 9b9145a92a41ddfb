"""Errors a user can cause or fix. Their message is French and shown as is."""


class HospiDeskError(Exception):
    """A failure explained to the user in one French sentence (no traceback)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(HospiDeskError):
    """Bad input from the user: a field, an option, a file."""

    exit_code = 2


class ModelError(HospiDeskError):
    """A model that is missing, not approved, corrupted or too big for this machine."""

    exit_code = 3


class EngineError(HospiDeskError):
    """The inference engine failed (crash, load failure, generation error)."""

    exit_code = 4


class Cancelled(HospiDeskError):
    """The user stopped the generation."""

    exit_code = 130

    def __init__(self, message: str = "Génération interrompue.") -> None:
        super().__init__(message)
