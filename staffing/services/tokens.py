"""State changes of API tokens: create, revoke, record a use."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Capability
from staffing.models import ApiToken

# Lifetimes offered when a token is created; none lives longer than a year.
TOKEN_LIFETIME_DAYS = (7, 30, 90, 365)
TOKEN_MAX_DAYS = 365
# A token's last use is written at most this often, not on every request.
TOKEN_TOUCH_EVERY = datetime.timedelta(minutes=1)


def api_token_digest(secret):
    """Return the stored form of ``secret``: its SHA-256, in hexadecimal."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name, days, now=None):
    """Create a token for ``user``; return it with its secret, shown only once.

    Raise ``ValidationError`` (with field messages) for an empty name or a
    lifetime outside 1 to 365 days, or when the user is inactive.
    """
    now = now or timezone.now()
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the token after what will use it.")
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = _("Use at most 100 characters.")
    if not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = _("Choose a lifetime between 1 and 365 days.")
    if not user.is_active:
        errors["user"] = _("An inactive user cannot hold API tokens.")
    if errors:
        raise ValidationError(errors)
    # 256 random bits: the digest lookup stays unguessable without a slow hash.
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        digest=api_token_digest(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return token, secret


def api_token_revoke(*, actor, token, now=None):
    """Revoke ``token``; return whether this call revoked it.

    Its owner may revoke it, and so may whoever manages staff.
    """
    if actor.pk != token.user_id and not actor.can(Capability.MANAGE_STAFF):
        raise PermissionDenied(_("Only its owner or a manager revokes a token."))
    now = now or timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    return bool(revoked)


def api_token_touch(*, token, now):
    """Record that ``token`` was used at ``now``, at most once a minute."""
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_EVERY:
        return
    # Conditional: concurrent requests with the same token write once.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
