"""Channels: the organisation's accounts whose comments come in, and their webhooks."""

import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import encryption, outbound
from moderation import registry
from moderation.models.sla import SlaPolicy
from policies.models import Platform
from staffing.models import BusinessCalendar


def new_webhook_secret():
    return secrets.token_urlsafe(32)


class Channel(models.Model):
    """An account of the organisation on a platform, whose comments come in."""

    slug = models.SlugField(_("slug"), unique=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("coverage calendar"),
        on_delete=models.PROTECT,
        related_name="channels",
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
        help_text=_("Without one, the default targets apply on the coverage calendar."),
    )
    # The secret that signs the channel's webhooks both ways, encrypted like
    # the credentials (core.encryption); read and set as ``webhook_secret``.
    webhook_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    connector = models.CharField(
        _("connector"),
        max_length=20,
        # The registered connectors (the connectors app), read when validating.
        choices=registry.choices,
        default="outbox",
    )
    publish_url = models.URLField(
        _("publishing URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"]), outbound.validate_url],
        help_text=_(
            "Where the signed webhook connector POSTs published answers, signed "
            "with the webhook secret. A public address, without credentials."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    poll_interval = models.PositiveIntegerField(
        _("poll interval (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(3600)],
        help_text=_(
            "How often a polling connector reads new comments, from 5 seconds to "
            "an hour. Empty: the deployment's default."
        ),
    )
    # Ciphertext only (core.encryption): read and written through
    # get_credentials() and set_credentials(), never shown back.
    credentials_encrypted = models.TextField(blank=True, default="", editable=False)
    credentials_set_at = models.DateTimeField(
        _("credentials set at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["slug"]

    def __str__(self):
        return f"{self.get_platform_display()} @{self.handle}"

    def save(self, *args, **kwargs):
        if not self.webhook_secret_encrypted:
            self.webhook_secret = new_webhook_secret()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "webhook_secret_encrypted",
                }
        super().save(*args, **kwargs)

    @property
    def webhook_secret(self):
        """The webhook secret, decrypted (``core.encryption.UnreadableSecret``
        when no configured key can read it)."""
        if not self.webhook_secret_encrypted:
            return ""
        return encryption.decrypt(self.webhook_secret_encrypted)

    @webhook_secret.setter
    def webhook_secret(self, secret):
        self.webhook_secret_encrypted = encryption.encrypt(secret) if secret else ""

    def poll_seconds(self):
        """Return the poll interval in seconds (the channel's or the default)."""
        return self.poll_interval or settings.CONNECTOR_POLL_INTERVAL

    def get_credentials(self) -> dict:
        """Return the decrypted credentials ({} when none are set).

        Raise ``core.encryption.UnreadableSecret`` when no configured key can
        decrypt them.
        """
        if not self.credentials_encrypted:
            return {}
        return json.loads(encryption.decrypt(self.credentials_encrypted))

    def set_credentials(self, credentials: dict):
        """Replace the credentials with ``credentials``, encrypted (save after)."""
        self.credentials_encrypted = encryption.encrypt(json.dumps(credentials))
        self.credentials_set_at = timezone.now()

    def clean(self):
        super().clean()
        if registry.needs_publish_url(self.connector) and not self.publish_url:
            raise ValidationError(
                {"publish_url": _("The signed webhook connector needs a URL.")}
            )


class WebhookDelivery(models.Model):
    """A signed webhook request already accepted, so that a replay is refused."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    signature = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "signature"], name="moderation_webhook_once"
            ),
        ]
        indexes = [
            # Deliveries older than the signature window can be purged by date.
            models.Index(fields=["received_at"], name="moderation_delivery_age_idx"),
        ]

    def __str__(self):
        return f"{self.channel.slug} {self.received_at:%Y-%m-%d %H:%M:%S}"


class ChannelState(models.Model):
    """A channel's polling schedule and health, apart from the channel's row.

    The poller and the outbox write here many times a minute; the channel's
    row is what people edit, and a save there never overwrites a cursor.
    ``poll_due_at`` is the due-time column the poller reads; ``lease_until``
    keeps two workers from polling the same channel; ``cursor`` moves only in
    the transaction that stores the comments it read past.
    """

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    poll_due_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    cursor = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(
        _("last successful poll"), null=True, blank=True
    )
    last_delivery_at = models.DateTimeField(
        _("last successful delivery"), null=True, blank=True
    )
    # A generic msgid (translated where shown); the details go to the log.
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    newest_item_at = models.DateTimeField(_("newest item seen"), null=True, blank=True)
    rate_limit = models.JSONField(_("rate limit"), default=dict, blank=True)
    account = models.JSONField(_("account"), default=dict, blank=True)
    # When managers were told that the platform refused the channel's
    # credentials; cleared when new credentials are saved, so that they are
    # told once per refusal, not once per poll.
    credentials_alerted_at = models.DateTimeField(
        _("managers told of refused credentials"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("channel state")
        verbose_name_plural = _("channel states")
        indexes = [
            models.Index(fields=["poll_due_at"], name="moderation_poll_due_idx"),
        ]

    def __str__(self):
        return str(self.channel)

    def error_message(self):
        """Return the last error, translated ("" when the last call succeeded)."""
        return gettext(self.last_error) if self.last_error else ""
