"""The languages the product speaks: French first, then English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


# The codes alone, in the order a missing translation falls back.
CODES = tuple(Language.values)
