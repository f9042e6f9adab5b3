"""State changes of training: the default program kept in step with the
rulebook, lessons read, exam attempts, calibration decisions."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_queue_each
from core.permissions import require
from core.roles import Capability
from policies import selectors as policy_selectors
from policies.models import Notice, Pattern, localized
from staffing.models import Accreditation, TrainingProgram
from staffing.services.grants import _add_months
from training import content
from training.models import (
    Attempt,
    CalibrationRound,
    CalibrationVote,
    Choice,
    Exam,
    Lesson,
    LessonRead,
    Question,
)

# A submission this late after the deadline still counts: the network, not
# the responder, took the last seconds.
GRACE = datetime.timedelta(seconds=30)
EXAMPLES_PER_LANGUAGE = 3


class TrainingError(ValidationError):
    """An exam or lesson action that cannot be taken, with a message for the user."""


def rule_facts(version):
    """Return the rules of ``version`` as plain dicts for ``training.content``."""
    rules = policy_selectors.rules_for(version).prefetch_related("patterns")
    facts = []
    for rule in rules:
        examples = {"fr": [], "en": []}
        for pattern in rule.patterns.all():
            if pattern.kind != Pattern.Kind.PHRASE or not pattern.enabled:
                continue
            for code in examples:
                if pattern.language in (code, "any") and (
                    len(examples[code]) < EXAMPLES_PER_LANGUAGE
                ):
                    examples[code].append(pattern.expression)
        facts.append(
            {
                "slug": rule.slug,
                "name_fr": rule.name_fr,
                "name_en": rule.name_en,
                "description_fr": rule.description_fr,
                "description_en": rule.description_en,
                "guidance_fr": rule.guidance_fr,
                "guidance_en": rule.guidance_en,
                "action": rule.action,
                "severity": rule.severity,
                "requires_approval": rule.requires_approval,
                "legal": [
                    (ref.title_fr, ref.title_en, ref.url)
                    for ref in rule.legal_references.all()
                ],
                "examples": examples,
                # Example comments, never the exceptions' expressions: a
                # responder learns from "Au pire, je repasse demain", not
                # from "(putain|merde) (que|qu|c est)".
                "look_alikes": {
                    code: rule.exception_example_list(code) for code in ("fr", "en")
                },
            }
        )
    return facts


def _default_program():
    data = content.DEFAULT_PROGRAM
    program, _created = TrainingProgram.objects.get_or_create(
        slug=data["slug"], defaults={k: v for k, v in data.items() if k != "slug"}
    )
    Exam.objects.get_or_create(program=program)
    return program


_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'",  # typographic apostrophe
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',  # « »
        "\u00bb": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2011": "-",  # non-breaking hyphen
        "\u2026": "...",
    }
)


def lesson_substance(text):
    """Return ``text`` stripped of what typography alone changes: curly
    quotes and apostrophes, dashes, ellipses, and every kind of space
    (no-break ones included), so that two texts compare equal when a reader
    would learn nothing new from the second."""
    text = (text or "").translate(_TYPOGRAPHY)
    return "".join(text.split())


def program_sync(*, now=None):
    """Write the default program from the published rulebook; return the
    lessons this call changed.

    Generated lessons are rewritten when their text differs, and marked with
    the version that changed them, so that readers see them as unread again,
    but only when the change is one of substance: a rewrite of typography or
    spacing alone is saved quietly, marks nothing and sends no e-mail.
    Default questions are added where missing and never overwritten: managers
    edit the bank in the admin.
    """
    now = now or timezone.now()
    version = policy_selectors.current_version()
    if version is None:
        return []
    rules = rule_facts(version)
    notices = {}
    for notice in Notice.objects.filter(
        published=True, platform=Notice.ALL_PLATFORMS
    ).order_by("kind", "language"):
        notices.setdefault(notice.kind, {})[notice.language] = {
            "title": notice.title,
            "body": notice.body,
        }
    lessons = [content.rule_lesson(rule) for rule in rules]
    lessons += [{**p, "kind": "procedure", "rule_slug": ""} for p in content.PROCEDURES]
    lessons += [content.notice_lesson(kind, texts) for kind, texts in notices.items()]
    changed = []
    with transaction.atomic():
        program = _default_program()
        existing = {
            lesson.slug: lesson
            for lesson in Lesson.objects.select_for_update().filter(program=program)
        }
        for position, data in enumerate(lessons):
            lesson = existing.get(data["slug"])
            if lesson is None:
                Lesson.objects.create(
                    program=program,
                    position=position,
                    generated=True,
                    changed_at=now,
                    changed_in_version=version.number,
                    **data,
                )
                continue
            if not lesson.generated:
                continue
            fields = ["title_fr", "title_en", "body_fr", "body_en"]
            if all(getattr(lesson, f) == data[f] for f in fields):
                continue
            in_substance = any(
                lesson_substance(getattr(lesson, f)) != lesson_substance(data[f])
                for f in fields
            )
            for field in fields:
                setattr(lesson, field, data[field])
            lesson.position = position
            if not in_substance:
                # Typography or spacing only: write the new text quietly,
                # nobody has anything new to read.
                lesson.save(update_fields=[*fields, "position"])
                continue
            lesson.changed_at = now
            lesson.changed_in_version = version.number
            lesson.save()
            changed.append(lesson)
        _bank_seed(program, content.bank(rules))
        if changed:
            lessons_changed_notify(
                program=program, lessons=changed, version=version.number, now=now
            )
    return changed


def lessons_changed_notify(*, program, lessons, version, now=None):
    """Ask the responders accredited in ``program`` to read ``lessons`` again,
    each in their language, with a link to each lesson; return the mails.

    Call it in the transaction that changed the lessons: the e-mails leave
    after it commits, and not at all if it rolls back.
    """
    now = now or timezone.now()
    people = (
        get_user_model()
        .objects.filter(
            is_active=True,
            accreditations__program=program,
            accreditations__granted_at__lte=now,
            accreditations__expires_at__gt=now,
        )
        .filter(
            Q(accreditations__revoked_at__isnull=True)
            | Q(accreditations__revoked_at__gt=now)
        )
        .exclude(email="")
        .distinct()
    )
    lessons = sorted(lessons, key=lambda lesson: (lesson.position, lesson.slug))

    def compose(language):
        subject = ngettext(
            "Rulebook version %(version)d: %(count)d lesson to read again",
            "Rulebook version %(version)d: %(count)d lessons to read again",
            len(lessons),
        ) % {"version": version, "count": len(lessons)}
        lines = [
            _("- %(lesson)s: %(path)s")
            % {
                "lesson": localized(lesson, "title", language),
                "path": reverse("training:lesson", args=[lesson.pk]),
            }
            for lesson in lessons
        ]
        body = (
            _(
                "Version %(version)d of the rulebook changed what these lessons of "
                "%(program)s teach. You are accredited in it: read them again "
                "before you next answer."
            )
            % {"version": version, "program": localized(program, "name", language)}
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + _("They are marked to read in My training: %(path)s")
            % {"path": reverse("training:mine")}
        )
        return subject, body

    return mail_queue_each(
        kind="lessons_changed", people=people, compose=compose, now=now
    )


def _bank_seed(program, questions):
    known = set(Question.objects.filter(program=program).values_list("slug", flat=True))
    for data in questions:
        if data["slug"] in known:
            continue
        question = Question.objects.create(
            program=program,
            **{key: value for key, value in data.items() if key != "choices"},
        )
        Choice.objects.bulk_create(
            Choice(question=question, text_fr=fr, text_en=en, correct=correct)
            for fr, en, correct in data["choices"]
        )


def lesson_read(*, user, lesson, now=None):
    """Record that ``user`` read ``lesson`` (again) at ``now``."""
    now = now or timezone.now()
    LessonRead.objects.update_or_create(
        user=user, lesson=lesson, defaults={"read_at": now}
    )


def _valid_accreditation(*, user, program, now):
    """Return ``user``'s valid accreditation in ``program`` that lasts longest."""
    return (
        Accreditation.objects.filter(
            responder=user, program=program, granted_at__lte=now, expires_at__gt=now
        )
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
        .order_by("-expires_at")
        .first()
    )


def retry_at(*, user, program, exam):
    """Return when ``user`` may sit the exam again, or ``None`` for now."""
    failed = (
        Attempt.objects.filter(user=user, program=program, passed=False)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    if failed is None:
        return None
    return failed + datetime.timedelta(hours=exam.cooldown_hours)


def attempt_start(*, user, program, now=None, rng=None):
    """Start an exam for ``user`` (or return the one already open).

    Sat while accredited, it is a refresher: its pass renews the accreditation.
    Questions are drawn at random among the active ones and each question's
    options shuffled; the draw is stored, so the page shows the same exam on
    reload and the check uses what was shown.
    """
    require(user, Capability.TRIAGE, _("Only responders sit the exam."))
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    exam = Exam.objects.get(program=program)
    with transaction.atomic():
        open_attempt = (
            Attempt.objects.select_for_update()
            .filter(user=user, program=program, submitted_at__isnull=True)
            .first()
        )
        if open_attempt is not None:
            if now <= open_attempt.deadline + GRACE:
                return open_attempt
            # Abandoned past its deadline: it fails, and that failure stays
            # recorded even when the cool-down then refuses a new start.
            _grade(open_attempt, answers={}, now=now, timed_out=True)
    wait = retry_at(user=user, program=program, exam=exam)
    if wait is not None and now < wait:
        raise TrainingError(
            _("After a failed attempt, wait until %(time)s to try again.")
            % {"time": timezone.localtime(wait).strftime("%Y-%m-%d %H:%M")},
            code="cooldown",
        )
    with transaction.atomic():
        pool = list(
            Question.objects.filter(program=program, active=True).prefetch_related(
                "choices"
            )
        )
        if not pool:
            raise TrainingError(_("This program has no exam questions yet."))
        drawn = rng.sample(pool, min(exam.question_count, len(pool)))
        draw = []
        for question in drawn:
            choices = [c.pk for c in question.choices.all()]
            rng.shuffle(choices)
            draw.append({"question": question.pk, "choices": choices})
        try:
            with transaction.atomic():
                held = _valid_accreditation(user=user, program=program, now=now)
                return Attempt.objects.create(
                    user=user,
                    program=program,
                    kind=Attempt.Kind.REFRESHER if held else Attempt.Kind.EXAM,
                    started_at=now,
                    deadline=now + datetime.timedelta(minutes=exam.time_limit_minutes),
                    draw=draw,
                )
        except IntegrityError:  # a second tab started one at the same moment
            return Attempt.objects.get(
                user=user, program=program, submitted_at__isnull=True
            )


def attempt_submit(*, attempt, user, answers, now=None):
    """Check ``answers`` ({question id: choice id}) on the server; grade, and
    accredit at once when the pass mark is reached.

    Past the deadline (and its grace) the answers are ignored and the attempt
    fails as timed out.
    """
    if attempt.user_id != user.pk:
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise TrainingError(_("This attempt was already submitted."), code="done")
        late = now > locked.deadline + GRACE
        return _grade(locked, answers={} if late else answers, now=now, timed_out=late)


def _grade(attempt, *, answers, now, timed_out):
    exam = Exam.objects.get(program_id=attempt.program_id)
    shown = {str(item["question"]): set(item["choices"]) for item in attempt.draw}
    kept = {}
    for question, choice in answers.items():
        # Only an option shown for that question counts; anything else is dropped.
        if str(question) in shown and choice in shown[str(question)]:
            kept[str(question)] = choice
    correct = set(
        Choice.objects.filter(pk__in=kept.values(), correct=True).values_list(
            "pk", flat=True
        )
    )
    right = sum(1 for choice in kept.values() if choice in correct)
    score = round(100 * right / len(shown)) if shown else 0
    attempt.answers = kept
    attempt.submitted_at = now
    attempt.timed_out = timed_out
    attempt.score_percent = score
    attempt.passed = not timed_out and score >= exam.pass_percent
    if attempt.passed:
        level = Accreditation.Level.BASIC
        if score >= exam.expert_percent:
            level = Accreditation.Level.EXPERT
        elif score >= exam.advanced_percent:
            level = Accreditation.Level.ADVANCED
        program = attempt.program
        renewed_from = now
        if attempt.kind == Attempt.Kind.REFRESHER:
            # Renewing early loses nothing: the new validity runs from the
            # end of the accreditation held, if it still runs.
            held = _valid_accreditation(user=attempt.user, program=program, now=now)
            if held is not None:
                renewed_from = max(now, held.expires_at)
        accreditation = Accreditation(
            responder=attempt.user,
            program=program,
            level=level,
            granted_at=now,
            expires_at=_add_months(renewed_from, program.validity_months),
        )
        accreditation._change_reason = (
            "refresher passed"
            if attempt.kind == Attempt.Kind.REFRESHER
            else "exam passed"
        )
        accreditation.save()
        attempt.accreditation = accreditation
    attempt.save()
    return attempt


def calibration_start(*, actor, name, comments, responders, now=None):
    """Start a round: ``responders`` each decide every one of ``comments``."""
    require(
        actor, Capability.MANAGE_STAFF, _("Only managers start calibration rounds.")
    )
    if not name.strip():
        raise ValidationError({"name": _("Name the round.")})
    if len(responders) < 2:
        raise ValidationError(
            {"responders": _("A round needs at least two responders.")}
        )
    if not comments:
        raise ValidationError({"comments": _("Choose at least one comment.")})
    with transaction.atomic():
        round_ = CalibrationRound.objects.create(
            name=name.strip(), created_by=actor, created_at=now or timezone.now()
        )
        round_.comments.set(comments)
        round_.responders.set(responders)
    return round_


def calibration_vote(*, round_, responder, comment, rule_slug, valid_slugs, now=None):
    """Record ``responder``'s decision on ``comment``; a second one is refused."""
    if not round_.responders.filter(pk=responder.pk).exists():
        raise PermissionDenied
    if not round_.comments.filter(pk=comment.pk).exists():
        raise ValidationError({"comment": _("This comment is not in the round.")})
    if rule_slug not in valid_slugs:
        raise ValidationError({"rule": _("Choose a rule of the rulebook.")})
    try:
        with transaction.atomic():
            return CalibrationVote.objects.create(
                round=round_,
                responder=responder,
                comment=comment,
                rule_slug=rule_slug,
                voted_at=now or timezone.now(),
            )
    except IntegrityError:
        raise TrainingError(
            _("You already decided this comment in this round."), code="voted"
        ) from None
