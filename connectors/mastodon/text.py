"""A status's HTML ``content`` as the plain text the inbox stores.

Mastodon sends a status as sanitised HTML (paragraphs, line breaks, links,
mentions, hashtags); another server may send anything. The inbox stores text
only and escapes it on display, so the HTML is read, never kept: paragraphs
become blank lines, ``<br>`` a line break, a link its text (Mastodon hides
``https://`` and the end of long links in ``<span class="invisible">``, which
is still text and comes back whole), a mention ``@user@domain`` from the
status's ``mentions``, and what a ``<script>`` or ``<style>`` holds is
dropped. Each link's place in the text is kept (``links``: start, end, href),
so that a page can show it as a link again without parsing anything.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3"}
HIDDEN = {"script", "style", "template", "head", "title"}
MAX_LINKS = 50


@dataclass
class Text:
    text: str
    links: list = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, mentions):
        super().__init__(convert_charrefs=True)
        self.mentions = mentions
        self.parts = []
        self.size = 0
        self.hidden = 0
        self.links = []
        self.link = None  # (start, href, mention acct or None)
        self.skip_link_text = False

    def _write(self, text):
        if text:
            self.parts.append(text)
            self.size += len(text)

    def _break(self, newlines):
        # Never more than one blank line, never at the start.
        if not self.parts:
            return
        tail = "".join(self.parts[-2:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < newlines:
            self._write("\n" * (newlines - have))

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self._write("\n")
        elif tag in BLOCKS:
            self._break(2)
        elif tag == "a" and self.link is None:
            href = dict(attrs).get("href") or ""
            acct = self.mentions.get(href)
            self.link = (self.size, href, acct)
            if acct:
                # A mention's text is "@user" alone: write the full address.
                self._write(f"@{acct}")
                self.skip_link_text = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        if tag in BLOCKS:
            self._break(2)
        elif tag == "a" and self.link is not None:
            start, href, _acct = self.link
            if href and self.size > start and len(self.links) < MAX_LINKS:
                self.links.append([start, self.size, href])
            self.link = None
            self.skip_link_text = False

    def handle_data(self, data):
        if self.hidden or self.skip_link_text:
            return
        # HTML whitespace collapses; line breaks come from tags only.
        self._write(re.sub(r"\s+", " ", data))


def html_to_text(html, *, mentions=None):
    """Return the plain ``Text`` of a status's HTML.

    ``mentions`` maps a mentioned account's profile URL to its ``acct``
    (the status's ``mentions``), so that a mention reads ``@user@domain``.
    """
    reader = _Reader(mentions or {})
    reader.feed(html or "")
    reader.close()
    raw = "".join(reader.parts)
    # Trim the text and its lines' ends, moving the links' offsets with it.
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    links = [
        [start - lead, end - lead, href]
        for start, end, href in reader.links
        if start >= lead and end - lead <= len(text)
    ]
    return Text(text=text, links=links)


def status_text(status):
    """Return the ``Text`` of a status: its content warning, if any, as a
    first paragraph ("CW: ..."), then its content."""
    mentions = {
        m.get("url"): m.get("acct")
        for m in status.get("mentions") or []
        if m.get("url") and m.get("acct")
    }
    body = html_to_text(status.get("content") or "", mentions=mentions)
    warning = re.sub(r"\s+", " ", status.get("spoiler_text") or "").strip()
    if not warning:
        return body
    prefix = f"CW: {warning}\n\n"
    shift = len(prefix)
    return Text(
        text=prefix + body.text,
        links=[[start + shift, end + shift, href] for start, end, href in body.links],
    )
