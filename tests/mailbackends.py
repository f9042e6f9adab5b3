"""Mail backends for tests: one that refuses, one that fails inside a transaction."""

from django.core.mail.backends.locmem import EmailBackend
from django.db import connection


class RefusingBackend(EmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class OutsideTransactionsBackend(EmailBackend):
    """Like locmem, but fails if called while a database transaction is open."""

    def send_messages(self, messages):
        if connection.in_atomic_block:
            raise AssertionError("an e-mail was sent inside a database transaction")
        return super().send_messages(messages)
