"""Pages of training: My training, lessons, the exam, practice, the team
matrix and calibration rounds. Views are thin: services write, selectors read."""

import random

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.permissions import require
from core.roles import Capability
from moderation.masking import masked_text
from moderation.models import Comment
from policies import selectors as policy_selectors
from policies.markdown import render_safe
from policies.models import localized
from training import kappa, selectors, services
from training.content import ACTIONS
from training.models import (
    Attempt,
    CalibrationRound,
    CalibrationVote,
    Choice,
    Lesson,
    Question,
)

DECIDED = {
    Comment.Status.ANSWERED: "answer",
    Comment.Status.HIDDEN: "hide",
    Comment.Status.CLOSED: "no_action",
}


# A round's comments, picked among the latest decided ones.
PICKABLE = 50
PICKED_EXCERPT = 160


def _ids(values):
    """Return the values that are whole numbers, as ints (the rest dropped)."""
    return [int(value) for value in values if value.isdigit() and len(value) < 19]


def _learner(request):
    require(request.user, Capability.TRIAGE)
    return request.user


def _action_label(key):
    fr, en = ACTIONS[key]
    return fr if (get_language() or "fr")[:2] == "fr" else en


@login_required
@never_cache
def my_training(request):
    """List programs with their lessons, status, expiry and the exam."""
    user = _learner(request)
    return render(
        request,
        "training/my_training.html",
        {"statuses": selectors.my_training(user=user), "now": timezone.now()},
    )


@login_required
def lesson_detail(request, pk):
    """Show a lesson, sanitised; opening it records it as read."""
    user = _learner(request)
    lesson = get_object_or_404(Lesson.objects.select_related("program"), pk=pk)
    services.lesson_read(user=user, lesson=lesson)
    siblings = list(
        Lesson.objects.filter(program=lesson.program).values_list("pk", flat=True)
    )
    index = siblings.index(lesson.pk)
    return render(
        request,
        "training/lesson.html",
        {
            "lesson": lesson,
            "title": localized(lesson, "title"),
            "body": render_safe(localized(lesson, "body")),
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )


@login_required
@require_POST
def exam_start(request, slug):
    """Start (or resume) the exam of a program."""
    user = _learner(request)
    program = get_object_or_404(selectors.programs(), slug=slug)
    try:
        attempt = services.attempt_start(user=user, program=program)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training:mine")
    return redirect("training:attempt", pk=attempt.pk)


def _own_attempt(request, pk):
    # Another person's attempt is 404, as if it did not exist.
    return get_object_or_404(
        Attempt.objects.select_related("program"), pk=pk, user=request.user
    )


def _drawn(attempt):
    """Return the attempt's questions with their options in the order drawn."""
    questions = Question.objects.in_bulk([item["question"] for item in attempt.draw])
    choices = Choice.objects.in_bulk(
        [choice for item in attempt.draw for choice in item["choices"]]
    )
    drawn = []
    for item in attempt.draw:
        question = questions.get(item["question"])
        if question is None:
            continue
        drawn.append(
            {
                "question": question,
                "prompt": localized(question, "prompt"),
                "explanation": localized(question, "explanation"),
                "choices": [
                    {
                        "pk": pk,
                        "text": localized(choices[pk], "text"),
                        "correct": choices[pk].correct,
                        "chosen": attempt.answers.get(str(question.pk)) == pk,
                    }
                    for pk in item["choices"]
                    if pk in choices
                ],
            }
        )
    return drawn


@login_required
@never_cache
def attempt(request, pk):
    """Show an open attempt's questions (never which option is right), or its
    result with explanations once submitted."""
    _learner(request)
    attempt = _own_attempt(request, pk)
    drawn = _drawn(attempt)
    if attempt.submitted_at is None:
        for item in drawn:
            for choice in item["choices"]:
                del choice["correct"]  # the template cannot show what it lacks
            del item["explanation"]
        template = "training/exam.html"
    else:
        template = "training/result.html"
    return render(
        request,
        template,
        {"attempt": attempt, "drawn": drawn, "now": timezone.now()},
    )


@login_required
@require_POST
def attempt_submit(request, pk):
    """Check the answers on the server and show the result."""
    user = _learner(request)
    attempt = _own_attempt(request, pk)
    answers = {}
    for item in attempt.draw:
        raw = request.POST.get(f"q{item['question']}", "")
        if raw.isdigit():
            answers[str(item["question"])] = int(raw)
    try:
        graded = services.attempt_submit(attempt=attempt, user=user, answers=answers)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training:attempt", pk=attempt.pk)
    if graded.passed:
        messages.success(request, _("Passed: your accreditation is active now."))
    elif graded.timed_out:
        messages.error(request, _("Time was up: the attempt failed."))
    else:
        messages.error(request, _("Not passed this time."))
    return redirect("training:attempt", pk=attempt.pk)


@login_required
@never_cache
def practice(request):
    """Show a past decided comment, masked; after a choice, what was decided."""
    _learner(request)
    decided = Comment.objects.filter(status__in=list(DECIDED)).prefetch_related(
        "matches"
    )
    options = [(key, _action_label(key)) for key in ("answer", "hide", "no_action")]
    if request.method == "POST":
        comment = get_object_or_404(decided, pk=request.POST.get("comment") or 0)
        chosen = request.POST.get("choice", "")
        if chosen not in DECIDED.values():
            chosen = ""
        decided_key = DECIDED[comment.status]
        version = policy_selectors.current_version()
        rules = (
            policy_selectors.rules_for(version).filter(category__in=comment.categories)
            if version
            else []
        )
        context = {
            "comment": comment,
            "text": masked_text(comment),
            "options": options,
            "chosen": chosen,
            "decided": _action_label(decided_key),
            "right": chosen == decided_key,
            "rules": [
                (localized(rule, "name"), localized(rule, "guidance")) for rule in rules
            ],
        }
        return render(
            request, "training/practice.html", context, status=200 if chosen else 400
        )
    pks = list(decided.values_list("pk", flat=True)[:500])
    comment = decided.get(pk=random.SystemRandom().choice(pks)) if pks else None
    return render(
        request,
        "training/practice.html",
        {
            "comment": comment,
            "text": masked_text(comment) if comment else "",
            "options": options,
        },
    )


@login_required
def team(request):
    """Who is accredited for what, who expires soon, who failed twice: two
    failed attempts at the same program's exam since they last passed it."""
    require(request.user, Capability.MANAGE_STAFF)
    now = timezone.now()
    programs, people = selectors.team_matrix(now=now)
    rows = []
    for person in people:
        held = {a.program_id: a for a in person.valid_accreditations}
        rows.append(
            {
                "person": person,
                "cells": [
                    {
                        "accreditation": held.get(program.pk),
                        "failed": person.failures[program.pk],
                    }
                    for program in programs
                ],
            }
        )
    return render(
        request,
        "training/team.html",
        {
            "programs": programs,
            "rows": rows,
            "soon": now + selectors.EXPIRING_SOON,
        },
    )


def _rule_choices():
    version = policy_selectors.current_version()
    rules = list(policy_selectors.rules_for(version)) if version else []
    choices = [(rule.slug, localized(rule, "name")) for rule in rules]
    return choices + [(CalibrationVote.NO_RULE, _("No rule applies"))]


@login_required
def calibration_list(request):
    """Rounds the user takes part in; managers start rounds here."""
    user = _learner(request)
    manager = user.can(Capability.MANAGE_STAFF)
    errors = {}
    User = get_user_model()
    responders = User.objects.with_capability(Capability.TRIAGE).order_by("username")
    decided = Comment.objects.filter(status__in=list(DECIDED)).order_by("-received_at")
    if request.method == "POST":
        require(user, Capability.MANAGE_STAFF)
        chosen = responders.filter(pk__in=_ids(request.POST.getlist("responders")))
        picked = request.POST.getlist("comments")
        if picked:
            # Hand-picked: only decided comments, every one of them.
            ids = _ids(picked)
            comments = list(decided.filter(pk__in=ids))
            if len(comments) != len(set(picked)) or len(ids) != len(picked):
                errors["comments"] = [_("Choose comments among the decided ones.")]
        else:
            try:
                count = int(request.POST.get("count", "10"))
            except ValueError:
                count = 0
            comments = list(decided[: max(0, min(count, PICKABLE))])
        if not errors:
            try:
                round_ = services.calibration_start(
                    actor=user,
                    name=request.POST.get("name", ""),
                    comments=comments,
                    responders=list(chosen),
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                return redirect("training:calibration", pk=round_.pk)
    rounds = (
        CalibrationRound.objects.all()
        if manager
        else CalibrationRound.objects.filter(responders=user)
    )
    return render(
        request,
        "training/calibration_list.html",
        {
            "rounds": rounds,
            "manager": manager,
            "responders": responders,
            # Personal data masked: the round's raters see the same.
            "pickable": [
                (c, masked_text(c)[:PICKED_EXCERPT])
                for c in decided.select_related("channel").prefetch_related("matches")[
                    :PICKABLE
                ]
            ]
            if manager
            else [],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def calibration(request, pk):
    """Decide the round's comments; managers see the report (kappa per rule)."""
    user = _learner(request)
    manager = user.can(Capability.MANAGE_STAFF)
    rounds = CalibrationRound.objects.all()
    if not manager:
        rounds = rounds.filter(responders=user)
    round_ = get_object_or_404(rounds, pk=pk)
    rule_choices = _rule_choices()
    status = 200
    if request.method == "POST":
        comment = get_object_or_404(
            round_.comments.all(), pk=request.POST.get("comment") or 0
        )
        try:
            services.calibration_vote(
                round_=round_,
                responder=user,
                comment=comment,
                rule_slug=request.POST.get("rule", ""),
                valid_slugs={slug for slug, _label in rule_choices},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            return redirect("training:calibration", pk=round_.pk)
    comments = list(round_.comments.prefetch_related("matches").order_by("pk"))
    mine = set(
        CalibrationVote.objects.filter(round=round_, responder=user).values_list(
            "comment_id", flat=True
        )
    )
    context = {
        "round": round_,
        "todo": [(c, masked_text(c)) for c in comments if c.pk not in mine],
        "rule_choices": rule_choices,
        "manager": manager,
    }
    if manager:
        context["report"] = _report(round_, comments, rule_choices)
    return render(request, "training/calibration.html", context, status=status)


def _report(round_, comments, rule_choices):
    """Return kappa per rule over the comments every responder decided."""
    votes = {}
    for vote in CalibrationVote.objects.filter(round=round_):
        votes.setdefault(vote.comment_id, []).append(vote.rule_slug)
    raters = round_.responders.count()
    complete = [c for c in comments if len(votes.get(c.pk, [])) == raters]
    slugs = [slug for slug, _label in rule_choices]
    labels = dict(rule_choices)
    lessons = dict(
        Lesson.objects.filter(kind=Lesson.Kind.RULE).values_list("rule_slug", "pk")
    )
    if raters < 2 or not complete:
        return {
            "complete": len(complete),
            "raters": raters,
            "rules": [],
            "overall": None,
        }
    table = [[votes[c.pk].count(slug) for slug in slugs] for c in complete]
    per_rule = kappa.category_kappas(table)
    rules = [
        {
            "slug": slug,
            "label": labels[slug],
            "kappa": value,
            "lesson": lessons.get(slug),
        }
        for slug, value in zip(slugs, per_rule, strict=True)
        if value is not None
    ]
    disagreements = [
        {
            "comment": c,
            "text": masked_text(c),
            "votes": [
                {
                    "label": labels.get(s, s),
                    "count": votes[c.pk].count(s),
                    "lesson": lessons.get(s),
                }
                for s in sorted(set(votes[c.pk]))
            ],
        }
        for c in complete
        if len(set(votes[c.pk])) > 1
    ]
    return {
        "complete": len(complete),
        "raters": raters,
        "overall": kappa.fleiss_kappa(table),
        "rules": rules,
        "disagreements": disagreements,
    }
