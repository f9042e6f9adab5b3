"""Template tags for pages of other apps that show statements of reasons."""

from django import template

from decisions.services.statements import statement_url

register = template.Library()


@register.simple_tag
def statement_link(statement):
    """Return the statement's address with the secret that allows an appeal,
    for staff to give the author on request or with the answer."""
    return statement_url(statement)
