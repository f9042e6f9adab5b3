"""API tokens: named, expiring, revocable credentials for the REST API."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A named, expiring, revocable credential for the REST API.

    Only the SHA-256 digest of the secret is stored: the secret is shown once,
    when the token is created, and nobody (managers included) can read it
    again. The secret holds 256 random bits, so a fast digest is enough; a slow
    password hash would only slow every request down.
    """

    # Characters of the secret kept in clear to tell tokens apart in lists.
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        "staffing.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the connector that uses it."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        "staffing.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Authentication looks a presented secret up by its digest.
            models.UniqueConstraint(fields=["digest"], name="staffing_token_digest"),
            models.CheckConstraint(
                condition=~Q(name=""), name="staffing_token_name_required"
            ),
        ]
        indexes = [
            # A user's own list on the API tokens page.
            models.Index(fields=["user", "-created_at"], name="staffing_token_user"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
