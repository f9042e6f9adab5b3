from django import template

from policies.markdown import render_safe
from policies.models.choices import Confidence

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown ``text`` as sanitised HTML."""
    return render_safe(text)


@register.filter
def confidence_label(value):
    """Return the label people read for a match's confidence."""
    return dict(Confidence.choices).get(value, value)
