import pytest

from staffing.models import TrainingProgram
from training.content import DEFAULT_PROGRAM
from training.models import Choice


@pytest.fixture
def program(framework):
    """The default program, written from the published rulebook at seeding."""
    return TrainingProgram.objects.get(slug=DEFAULT_PROGRAM["slug"])


def right_answers(attempt):
    """Return the answers that are all correct for ``attempt``."""
    correct = dict(
        Choice.objects.filter(
            question_id__in=[i["question"] for i in attempt.draw], correct=True
        ).values_list("question_id", "pk")
    )
    return {str(i["question"]): correct[i["question"]] for i in attempt.draw}


def wrong_answers(attempt):
    wrong = {}
    for item in attempt.draw:
        wrong[str(item["question"])] = (
            Choice.objects.filter(question_id=item["question"], correct=False)
            .values_list("pk", flat=True)
            .first()
        )
    return wrong
