"""No page or API response reveals an exam's correct answers before submission.

While an attempt is open, every GET route of the site (and each training page
with an id) is fetched as the examinee; then the right option of every drawn
question is moved to another option and all is fetched again: no response may
change, so none depends on which answer is right. The explanations carry a
token that no response may show.
"""

import re

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from training.models import Attempt, Choice, Lesson, Question

pytestmark = pytest.mark.django_db
TOKEN = "SECRET-EXPLANATION-"
# Values that differ from one request to the next whatever the data.
VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|nonce="|csrf_token": ")[^"]*')


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _plain(route):
    """Return the route as a path, or None when it takes a parameter."""
    if "<" in route or "(" in route or "\\" in route:
        return None
    return "/" + route.lstrip("^").rstrip("$")


def _fetch_all(client, paths):
    seen = {}
    for path in sorted(paths):
        for suffix in ("", "?format=json"):
            response = client.get(
                path + suffix, HTTP_ACCEPT="text/html, application/json"
            )
            body = b"".join(response) if response.streaming else response.content
            assert TOKEN.encode() not in body, path
            seen[path + suffix] = (response.status_code, VOLATILE.sub(b"", body))
    return seen


@time_machine.travel("2026-03-02 14:00Z", tick=False)
def test_no_response_reveals_the_correct_answers(client, program, responder):
    for question in Question.objects.all():
        question.explanation_fr = f"{TOKEN}{question.pk}"
        question.explanation_en = f"{TOKEN}{question.pk}"
        question.save()
    client.force_login(responder)
    response = client.post(reverse("training:exam-start", args=[program.slug]))
    attempt = Attempt.objects.get(user=responder)
    assert response.url == reverse("training:attempt", args=[attempt.pk])

    paths = {_plain(route) for route in _routes(get_resolver().url_patterns)}
    paths.discard(None)
    paths.discard("/accounts/logout/")
    paths |= {
        reverse("training:attempt", args=[attempt.pk]),
        *(
            reverse("training:lesson", args=[pk])
            for pk in Lesson.objects.values_list("pk", flat=True)
        ),
        reverse("accreditation-status"),
    }
    before = _fetch_all(client, paths)
    assert sum(status == 200 for status, _body in before.values()) > 20
    for item in attempt.draw:
        right = Choice.objects.get(question_id=item["question"], correct=True)
        other = Choice.objects.filter(question_id=item["question"], correct=False)[0]
        Choice.objects.filter(pk=right.pk).update(correct=False)
        Choice.objects.filter(pk=other.pk).update(correct=True)
    after = _fetch_all(client, paths)
    for path, seen in before.items():
        assert after[path] == seen, path

    # The exam page shows every drawn option.
    page = client.get(reverse("training:attempt", args=[attempt.pk])).content.decode()
    shown = [c for i in attempt.draw for c in i["choices"]]
    assert all(f'value="{pk}"' in page for pk in shown)
    # After submission the result shows the right answers and explanations.
    client.post(reverse("training:attempt-submit", args=[attempt.pk]), {})
    result = client.get(reverse("training:attempt", args=[attempt.pk]))
    assert TOKEN in result.content.decode()
