"""Refuse an action to whoever lacks the capability it needs.

Capabilities are named by the caller; this module imports no app.
"""

from django.core.exceptions import PermissionDenied


def _denied(message):
    # A bare PermissionDenied, as views raise it, keeps an empty text on the 403.
    return PermissionDenied() if message is None else PermissionDenied(message)


def require(actor, capability, message=None):
    """Raise ``PermissionDenied(message)`` unless ``actor`` has ``capability``.

    ``actor`` ``None`` is the system (the default framework, a command) and
    may do anything.
    """
    if actor is not None and not actor.can(capability):
        raise _denied(message)


def require_any(actor, capabilities, message=None):
    """Raise ``PermissionDenied(message)`` unless ``actor`` has one of
    ``capabilities``."""
    if not any(actor.can(capability) for capability in capabilities):
        raise _denied(message)
