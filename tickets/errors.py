"""Domain errors. Each carries an Indonesian message fit to show an agent."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is Indonesian and user-facing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(DomainError):
    pass


class NotFound(DomainError):
    pass


class InvalidInput(DomainError):
    """A field value is wrong; ``field`` names it so a form can show it beside the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(DomainError):
    pass


class StaleTicket(DomainError):
    """Someone changed the ticket since the form was opened; nothing was written."""
