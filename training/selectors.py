"""Reads of training shared by pages and the API."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.roles import Capability
from staffing.models import Accreditation, TrainingProgram
from training.models import Attempt, Lesson, LessonRead
from training.services import retry_at

EXPIRING_SOON = datetime.timedelta(days=30)


def programs():
    """Return the programs that have an exam, by slug."""
    return TrainingProgram.objects.filter(exam__isnull=False).select_related("exam")


def lessons_for(*, user, program):
    """Return ``program``'s lessons, each with ``unread`` set for ``user``:
    never read, or changed since read."""
    reads = LessonRead.objects.filter(
        user=user, lesson=OuterRef("pk"), read_at__gte=OuterRef("changed_at")
    )
    return Lesson.objects.filter(program=program).annotate(read=Exists(reads))


def current_accreditation(*, user, program, now):
    """Return ``user``'s valid accreditation in ``program`` that lasts longest."""
    return (
        Accreditation.objects.filter(
            responder=user, program=program, granted_at__lte=now, expires_at__gt=now
        )
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
        .order_by("-level", "-expires_at")
        .first()
    )


@dataclass
class ProgramStatus:
    program: TrainingProgram
    accreditation: Accreditation | None
    lessons: list
    unread: int
    attempts: list
    open_attempt: Attempt | None
    retry_at: datetime.datetime | None
    expiring_soon: bool = False
    extra: dict = field(default_factory=dict)


def my_training(*, user, now=None):
    """Return a ``ProgramStatus`` per program for the *My training* page."""
    now = now or timezone.now()
    statuses = []
    for program in programs():
        lessons = list(lessons_for(user=user, program=program))
        attempts = list(
            Attempt.objects.filter(user=user, program=program).order_by("-started_at")[
                :10
            ]
        )
        accreditation = current_accreditation(user=user, program=program, now=now)
        wait = retry_at(user=user, program=program, exam=program.exam)
        statuses.append(
            ProgramStatus(
                program=program,
                accreditation=accreditation,
                lessons=lessons,
                unread=sum(1 for lesson in lessons if not lesson.read),
                attempts=attempts,
                open_attempt=next(
                    (
                        a
                        for a in attempts
                        if a.submitted_at is None and a.deadline >= now
                    ),
                    None,
                ),
                retry_at=wait if wait and wait > now else None,
                expiring_soon=bool(
                    accreditation and accreditation.expires_at <= now + EXPIRING_SOON
                ),
            )
        )
    return statuses


def failures_since_pass(*, program):
    """Return a subquery of the outer user's failed attempts at ``program``'s
    exam (first sittings and refreshers alike) since their last pass of it,
    or since their first attempt if they never passed: what *failed twice*
    on the team matrix counts."""
    last_pass = (
        Attempt.objects.filter(user=OuterRef("user"), program=program, passed=True)
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    failures = (
        Attempt.objects.filter(user=OuterRef("pk"), program=program, passed=False)
        .annotate(last_pass=Subquery(last_pass))
        .filter(Q(last_pass__isnull=True) | Q(started_at__gt=F("last_pass")))
        .values("user")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(failures), Value(0))


def team_matrix(*, now=None):
    """Return the programs, and the responders with their valid
    accreditations and, per program, ``failures[program.pk]``: their failed
    attempts at its exam since they last passed it. A fixed number of
    queries, whatever the number of responders."""
    now = now or timezone.now()
    valid = Accreditation.objects.filter(
        granted_at__lte=now, expires_at__gt=now
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
    exams = list(programs())
    people = (
        get_user_model()
        .objects.with_capability(Capability.TRIAGE)
        .filter(is_active=True)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "accreditations",
                queryset=valid.select_related("program"),
                to_attr="valid_accreditations",
            )
        )
        # One correlated count per program, in the same query: a subquery,
        # not a join, so a person holding two roles counts each failure once.
        .annotate(
            **{
                f"failures_{program.pk}": failures_since_pass(program=program)
                for program in exams
            }
        )
    )
    people = list(people)
    for person in people:
        person.failures = {
            program.pk: getattr(person, f"failures_{program.pk}") for program in exams
        }
    return exams, people


def accreditation_status(*, user, now=None):
    """Return, per program, whether ``user`` is accredited, at which level, and
    until when."""
    now = now or timezone.now()
    rows = []
    for program in programs():
        accreditation = current_accreditation(user=user, program=program, now=now)
        wait = retry_at(user=user, program=program, exam=program.exam)
        rows.append(
            {
                "program": program.slug,
                "accredited": accreditation is not None,
                "level": accreditation.level if accreditation else None,
                "expires_at": accreditation.expires_at if accreditation else None,
                "retry_at": wait if wait and wait > now else None,
            }
        )
    return rows
