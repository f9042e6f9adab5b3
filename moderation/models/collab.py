"""Working together: macros managers define, internal notes and their mentions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment

NOTE_LENGTH = 2000


class Macro(models.Model):
    """An answer and what sending it does, applied in one click.

    The text may use the answer templates' variables (``{author}``,
    ``{channel}``, ``{rule}``, ``{netiquette}``...). A macro named as one of
    the rulebook's answer templates takes that template's place in the
    answer editor, so that the netiquette reminder saying "your comment was
    hidden" hides it.
    """

    class Then(models.TextChoices):
        NOTHING = "", _("Publish the answer only")
        HIDE = "hide", _("Publish the answer, then hide the comment")
        CLOSE = "close", _("Close the comment, no answer (the text is the reason)")

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"))
    then = models.CharField(
        _("what sending does"), max_length=10, choices=Then.choices, blank=True
    )
    rule = models.SlugField(
        _("rule"),
        max_length=100,
        blank=True,
        help_text=_(
            "The slug of the rule whose comments it is offered on; empty: on "
            "every comment."
        ),
    )
    active = models.BooleanField(_("offered to responders"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_in(get_language())

    def name_in(self, language):
        return self.name_en if (language or "").startswith("en") else self.name_fr

    def body_in(self, language):
        return self.body_en if (language or "").startswith("en") else self.body_fr


class Note(models.Model):
    """An internal note on a comment, seen only by those who see the comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("note"), max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Mention",
        related_name="mentioned_in_notes",
        verbose_name=_("people mentioned"),
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["comment", "created_at", "pk"]
        indexes = [
            # Retention: the notes written before a cut-off date.
            models.Index(fields=["created_at"], name="moderation_note_created_idx"),
        ]

    def __str__(self):
        return f"{self.comment} · {self.created_at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    """Someone named ``@username`` in a note; unread until they open it."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["note", "user"], name="moderation_mention_once"
            ),
        ]
        indexes = [
            # The navigation's "Mentions (2)": a person's unread mentions.
            models.Index(
                fields=["user"],
                name="moderation_mention_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"@{self.user} · {self.note}"
