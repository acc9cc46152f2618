"""Domain errors with stable codes and Chinese messages (pure: no Django).

Every rejection a user can meet carries a stable ``code`` (``case.transition_not_allowed``),
a Simplified-Chinese ``message`` and, when the problem is in one input, the ``field``.
The web, the API and the CLI all render the same three values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DomainError(Exception):
    code: str
    message: str
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.code}: {self.message}" + (f" ({self.field})" if self.field else "")


class NotFound(DomainError):
    """Raised for objects that do not exist *or* lie outside the actor's jurisdiction."""

    def __init__(self, what: str = "对象") -> None:
        super().__init__("not_found", f"{what}不存在或不在您的辖区内")


class PermissionDenied(DomainError):
    pass


class ConflictError(DomainError):
    """Optimistic-locking conflict: somebody else changed the object first."""
