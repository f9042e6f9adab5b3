"""Choices the rulebook shares with other apps: platforms, categories, severities."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PatternLanguage(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")
    ANY = "any", _("Any language")


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    WEBSITE = "website", _("Website")


class Category(models.TextChoices):
    OFFENSIVE = "offensive", _("Offensive content")
    DENIGRATION = "denigration", _("Denigration")
    DEFAMATION = "defamation", _("Calumny or defamation")
    SEXUAL = "sexual", _("Sexual content")
    SOLICITATION = "solicitation", _("Commercial solicitation")
    THREAT = "threat", _("Threats")
    ILLEGAL = "illegal", _("Potentially illegal activity")
    COPYRIGHT = "copyright", _("Copyright violation")
    EMPLOYEE_INFO = "employee_info", _("Information about employees")
    CONFIDENTIAL_INFO = (
        "confidential_info",
        _("Financial, confidential or health information"),
    )
    UNDISCLOSED_TIE = "undisclosed_tie", _("Undisclosed tie")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class Action(models.TextChoices):
    ANSWER = "answer", _("Answer")
    HIDE = "hide", _("Hide")
    # Removed from the platform for good, once a manager confirms it.
    DELETE = "delete", _("Delete, once a manager confirms")
    ESCALATE_LEGAL = "escalate_legal", _("Escalate to legal counsel")
    ESCALATE_MANAGER = "escalate_manager", _("Escalate to a manager")
    NO_ACTION = "no_action", _("No action")


class Confidence(models.TextChoices):
    """How sure a match is (``policies.matcher``): orders the inbox, hides nothing."""

    HIGH = "high", _("sure: aimed at someone")
    MEDIUM = "medium", _("likely: a word of the lexicon")
    LOW = "low", _("unsure: quoted or reported")
