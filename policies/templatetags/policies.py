from django import template
from django.utils.translation import gettext as _

from policies.markdown import render_safe
from policies.models import Pattern, Severity
from policies.models.choices import Confidence

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown ``text`` as sanitised HTML."""
    return render_safe(text)


@register.filter
def severity_label(value):
    """A severity's name in the page's language (the value if unknown)."""
    return Severity(value).label if value in Severity.values else value


@register.filter
def pattern_kind_label(value):
    """What kind of pattern matched, in the page's language."""
    if value == "registry":
        return _("Registry of ties")
    return Pattern.Kind(value).label if value in Pattern.Kind.values else value


@register.filter
def confidence_label(value):
    """Return the label people read for a match's confidence."""
    return dict(Confidence.choices).get(value, value)
