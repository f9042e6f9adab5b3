"""Encrypt secrets at rest with the keys of ``settings.CONNECTOR_KEYS``.

The first key encrypts, every key decrypts (``MultiFernet``), so keys rotate by
putting a new one first, re-encrypting with :func:`rotate`, then dropping the old.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableSecret(Exception):
    """A stored secret that none of the configured keys can decrypt."""

    def __init__(self):
        super().__init__(
            "A stored secret cannot be decrypted with any key of CONNECTOR_KEYS: "
            "the key that encrypted it was removed or changed."
        )


@functools.lru_cache(maxsize=4)
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def _current():
    # Keyed on the keys themselves: tests that override the setting get theirs.
    return _fernet(tuple(settings.CONNECTOR_KEYS))


def encrypt(text: str) -> str:
    """Return ``text`` encrypted with the first key, as ASCII."""
    return _current().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Return the text of ``token``, or raise :class:`UnreadableSecret`."""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret from None


def rotate(token: str) -> str:
    """Return ``token`` encrypted again with the first key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret from None
