"""Managers edit programs, lessons, exams and the question bank in the admin;
the role's permissions come from the groups kept in step after migrate."""

import pytest
from django.urls import reverse

from training.models import Attempt, Choice, Lesson, Question

pytestmark = pytest.mark.django_db

EDITABLE = [
    "staffing_trainingprogram",
    "training_lesson",
    "training_question",
    "training_exam",
]


@pytest.mark.parametrize("admin_list", EDITABLE)
def test_managers_may_add_and_change_training_in_the_admin(
    client, program, personas, admin_list
):
    manager = personas["manager"]
    assert not manager.is_superuser
    client.force_login(manager)
    assert client.get(reverse(f"admin:{admin_list}_changelist")).status_code == 200
    if admin_list != "training_exam":  # one exam per program, made with it
        assert client.get(reverse(f"admin:{admin_list}_add")).status_code == 200
    for persona in ("responder", "approver", "api_reader", "outsider"):
        client.force_login(personas[persona])
        response = client.get(reverse(f"admin:{admin_list}_changelist"))
        assert response.status_code == 302  # to the admin's sign-in


def test_a_manager_edits_a_question_and_its_options(client, program, manager):
    question = Question.objects.filter(program=program).first()
    choices = list(question.choices.all())
    client.force_login(manager)
    url = reverse("admin:training_question_change", args=[question.pk])
    assert client.get(url).status_code == 200
    data = {
        "program": program.pk,
        "slug": question.slug,
        "kind": question.kind,
        "topic": question.topic,
        "rule_slug": question.rule_slug,
        "prompt_fr": "Question revue par la gestionnaire ?",
        "prompt_en": "Question reviewed by the manager?",
        "explanation_fr": question.explanation_fr,
        "explanation_en": question.explanation_en,
        "active": "on",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 2,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-text_fr": choice.text_fr,
            f"choices-{index}-text_en": f"Option {index}",
        }
        if index == 0:
            data[f"choices-{index}-correct"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.prompt_en == "Question reviewed by the manager?"
    assert list(
        Choice.objects.filter(question=question).values_list("text_en", "correct")
    ) == [(f"Option {i}", i == 0) for i in range(len(choices))]


def test_a_lesson_a_manager_unticks_stays_as_written(client, program, manager):
    lesson = Lesson.objects.get(program=program, slug="procedure-approval")
    client.force_login(manager)
    url = reverse("admin:training_lesson_change", args=[lesson.pk])
    response = client.post(
        url,
        {
            "program": program.pk,
            "slug": lesson.slug,
            "kind": lesson.kind,
            "rule_slug": "",
            "title_fr": lesson.title_fr,
            "title_en": lesson.title_en,
            "body_fr": "Notre procédure.",
            "body_en": "Our procedure.",
            "position": lesson.position,
            "changed_at_0": "2026-03-02",
            "changed_at_1": "14:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    assert lesson.body_en == "Our procedure." and not lesson.generated


def test_attempts_are_read_only_even_for_managers(client, program, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:training_attempt_changelist")).status_code == 200
    assert client.get(reverse("admin:training_attempt_add")).status_code == 403
    assert not Attempt.objects.exists()
