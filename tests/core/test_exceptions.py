"""The API's exception handler, called as DRF calls it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.errors import Conflict, DomainError
from core.exceptions import exception_handler
from policies.classify import NoPublishedVersion


def test_a_conflict_is_409_with_its_message():
    response = exception_handler(Conflict("Already taken."), {})
    assert response.status_code == 409
    assert response.data == {"detail": "Already taken."}


def test_an_error_raised_bare_tells_its_default_message():
    response = exception_handler(NoPublishedVersion(), {})
    assert response.status_code == 409
    assert response.data == {"detail": "No policy version is published yet."}


def test_a_domain_error_is_400_unless_it_says_otherwise():
    response = exception_handler(DomainError("Not like this."), {})
    assert response.status_code == 400
    assert response.data == {"detail": "Not like this."}


def test_a_validation_error_is_400_by_field_or_for_the_whole():
    by_field = exception_handler(ValidationError({"reason": "Say why."}), {})
    assert by_field.status_code == 400
    assert by_field.data == {"reason": ["Say why."]}
    whole = exception_handler(ValidationError("Not now."), {})
    assert whole.status_code == 400
    assert whole.data == {"non_field_errors": ["Not now."]}


def test_django_refusals_keep_drf_answers():
    refused = exception_handler(PermissionDenied("Managers only."), {})
    assert (refused.status_code, refused.data) == (403, {"detail": "Managers only."})
    assert exception_handler(Http404(), {}).status_code == 404


def test_anything_else_is_left_to_fail():
    assert exception_handler(KeyError("x"), {}) is None
