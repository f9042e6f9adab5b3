"""Read a field kept in both languages, in the reader's language first."""

from django.utils.translation import get_language

from core.languages import CODES


def localized(obj, field, language=None):
    """Return ``obj.<field>_<language>``, falling back to the other language."""
    language = (language or get_language() or "fr")[:2]
    order = [language] + [code for code in CODES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
