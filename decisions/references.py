"""References of statements and notices, and the secret of a statement's link."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O or 1/I/L: a reference is read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(prefix):
    """Return a fresh reference such as ``D-7KQ4-M2XA``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def link_secret(reference):
    """Return the secret of a statement's link: derived, so never stored, and
    given again on request by whoever may see the comment."""
    return salted_hmac("decisions.statement", reference).hexdigest()[:32]


def secret_matches(reference, secret):
    return constant_time_compare(link_secret(reference), secret or "")
