"""The SevenfoldError family: every refusal sevenfold makes to a user.

Messages name the file, the entry and the field where there is one. The CLI turns any
``SevenfoldError`` into a one-line (or one-line-per-problem) message and ``exit_code``;
anything else escaping is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class SevenfoldError(Exception):
    """Base class: a clear refusal, never a crash. ``exit_code`` 2 = bad input or usage."""

    exit_code = 2


class InputError(SevenfoldError):
    """A file or argument cannot be read or does not have the expected shape."""


class LimitExceeded(InputError):
    """Hostile or oversized input refused before it costs memory or time; names the limit."""

    def __init__(self, limit: str, value: object, maximum: object, where: str = "") -> None:
        self.limit, self.value, self.maximum, self.where = limit, value, maximum, where
        loc = f"{where}: " if where else ""
        super().__init__(
            f"{loc}refused: {limit} is {value}, above the limit of {maximum} "
            f"(raise it with SEVENFOLD_LIMIT_{limit.upper().replace(' ', '_').replace('-', '_')})"
        )


@dataclass(frozen=True)
class Problem:
    """One problem in a case file: file, entry kind and id, field, message."""

    file: str
    kind: str  # 'case', 'sources', 'reports', ... ('' for the file as a whole)
    entry: str  # entry id, or '#<index>' when the entry has no usable id
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.kind:
            where += f": {self.kind}"
            if self.entry:
                where += f"[{self.entry}]"
        if self.field:
            where += f".{self.field}" if self.kind else f": {self.field}"
        return f"{where}: {self.message}"


class CaseValidationError(InputError):
    """A case file is invalid; ``problems`` lists every problem found (one message each)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(SevenfoldError):
    """A case, source, report or other entry named by the user does not exist."""


class StoreError(SevenfoldError):
    """The store cannot be opened, migrated or written; nothing was changed."""

    exit_code = 2


class Conflict(SevenfoldError):
    """A concurrent change won; the caller should reload and retry."""


class AssessmentError(SevenfoldError):
    """The case cannot be assessed as given (e.g. likelihoods outside (0, 1])."""
