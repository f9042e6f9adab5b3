"""Render notices from Markdown to HTML that is safe to show anywhere."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p",
    "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render(text):
    """Return sanitised HTML for Markdown ``text``: unsafe markup is removed."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_safe(text):
    """Return ``render(text)`` marked safe for templates (it is sanitised)."""
    return mark_safe(render(text))  # noqa: S308 - nh3 removed everything unsafe


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self._add(f"<{tag}>")
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self._add(f"<{tag} {name}>")
            elif name == "href" and not _safe_url(value or ""):
                self._add(f"<{tag} href={(value or '')[:40]}>")

    def _add(self, item):
        if item not in self.found:
            self.found.append(item)


def _safe_url(url):
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme == "" or scheme in ALLOWED_URL_SCHEMES


def disallowed_html(text):
    """Return the disallowed elements, attributes and links in Markdown ``text``."""
    inspector = _Inspector()
    inspector.feed(markdown_lib.markdown(text or "", extensions=["sane_lists"]))
    inspector.close()
    return inspector.found
