"""Refusals of the domain, and the answer each of them gets.

A service raises one when it will not make a change. The API's exception
handler (``core.exceptions``) answers it with its ``status_code`` and the body
``{"detail": message}``; ``core.messages.report_error`` shows it on the next
page at its ``level``. Django's ``ValidationError`` (400) and
``PermissionDenied`` (403) keep their own meaning beside these.
"""

from django.contrib.messages import constants


class DomainError(Exception):
    """A change the domain refuses; ``str()`` tells the user why."""

    status_code = 400
    level = constants.ERROR
    # Told when the error is raised without a message of its own.
    default_message = ""

    @property
    def message(self):
        """Return what to tell the user."""
        return str(self) or str(self.default_message)


class Conflict(DomainError):
    """The change does not apply to the current state (taken, moved on, gone)."""

    status_code = 409
