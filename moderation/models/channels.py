"""Channels: the organisation's accounts whose comments come in, and their webhooks."""

import json
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
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
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=100, default=new_webhook_secret
    )
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
