from django import template

from policies.markdown import render_safe

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown ``text`` as sanitised HTML."""
    return render_safe(text)
