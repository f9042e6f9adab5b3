"""Error pages and reports show no personal data, DEBUG on or off."""

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

# Built, so that the source lines the page shows do not hold it.
SIN = " ".join(["046", "454", "286"])


def fail_with_personal_data():
    excerpt = SIN  # noqa: F841 (what the error page would show)
    raise TypeError("'<' not supported between instances of 'Match' and 'Match'")


@pytest.mark.parametrize("debug", [True, False])
def test_the_error_page_names_variables_without_their_values(settings, debug):
    settings.DEBUG = debug
    request = RequestFactory().post("/inbox/1/answer/", {"body": f"Votre NAS {SIN}"})
    try:
        fail_with_personal_data()
    except TypeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    html = reporter.get_traceback_html()
    text = reporter.get_traceback_text()
    assert "excerpt" in html
    assert "fail_with_personal_data" in text
    assert SIN not in html
    assert SIN not in text
