"""The page message a refusal becomes."""

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.errors import Conflict
from core.messages import report_error


def _reported(exc):
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    report_error(request, exc)
    return [(m.level, m.message) for m in request._messages]


def test_a_conflict_is_an_error_with_its_message():
    assert _reported(Conflict("Already taken.")) == [(messages.ERROR, "Already taken.")]


def test_a_validation_error_is_one_error_with_all_its_messages():
    exc = ValidationError({"reason": "Say why.", "to": "Choose someone."})
    assert _reported(exc) == [(messages.ERROR, "Say why. Choose someone.")]
