"""The message catalogues as compiled: English is the language the messages are
written in, so its catalogue must give every message back as written (a fuzzy
match accepted by mistake would show an unrelated text)."""

import gettext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_english_catalogue_says_what_the_code_says():
    catalogue = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with catalogue.open("rb") as compiled:
        messages = gettext.GNUTranslations(compiled)._catalog
    wrong = {
        key: text
        for key, text in messages.items()
        if key  # the header
        # A message with a context is keyed "context\x04message".
        and (key[0] if isinstance(key, tuple) else key).split("\x04")[-1] != text
        and not (isinstance(key, tuple) and key[1] > 0)
    }
    assert len(messages) > 500
    assert wrong == {}
