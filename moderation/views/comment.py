"""The comment page and what is done from it: claim, escalate, answer..."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from moderation import masking, presence, reasons, registry, selectors
from moderation.durations import elapsed
from moderation.forms import AnswerForm, AuthorActionForm
from moderation.models import Answer, Comment, Event, Macro
from moderation.services.answers import answer_submit
from moderation.services.authors import author_act, author_actions_of
from moderation.services.collab import mentions_read, notes_of
from moderation.services.deletion import deletion_offered
from moderation.services.escalation import (
    comment_escalate,
    comment_send_back,
    comment_take,
)
from moderation.services.transitions import may_act_on
from moderation.services.triage import (
    UNDO_SECONDS,
    comment_claim,
    comment_close,
    comment_hide,
    comment_publish,
    comment_reassign,
    comment_undo,
    comment_unhide,
    undoable_event,
)
from moderation.views.common import form_errors, posted_reason, require_worker
from policies.matcher import Match, segments, stored_confidence
from policies.models import AnswerTemplate
from policies.selectors import grammar_patterns


@login_required
def comment_page(request, pk):
    """One comment: the highlighted evidence, guidance, templates, answer, history."""
    require_worker(request.user)
    try:
        comment = selectors.comment_detail(pk, user=request.user)
    except Comment.DoesNotExist:
        raise Http404 from None
    user = request.user
    escalated = comment.status == Comment.Status.ESCALATED
    handles = comment.escalated_to_user(user) or user.can(Capability.PLAN_COVERAGE)
    view = masking.comment_view_for(user, comment)
    holder_id = comment.escalated_to_id if escalated else comment.assignee_id
    holds = holder_id == user.pk
    stored = list(comment.matches.all())
    grammars = grammar_patterns(comment.policy_version, {m.rule for m in stored})
    matches = [
        Match(
            m.rule,
            m.category,
            m.severity,
            m.pattern,
            "",
            m.start,
            m.end,
            view.excerpts[m.pk],
            stored_confidence(
                grammar_pattern=(m.rule, m.pattern) in grammars,
                text=comment.text,
                start=m.start,
            ),
        )
        for m in stored
    ]
    platform = _context_of(comment, user)
    now = timezone.now()
    rules = list(selectors.rules_of(comment))
    can_answer = (
        comment.assignee_id == user.pk and comment.status == Comment.Status.ASSIGNED
    ) or comment.escalated_to_user(user)
    context = {
        "comment": comment,
        "pieces": segments(view.text, matches),
        "matches": matches,
        "rules": rules,
        "history": selectors.author_history(comment, user=request.user),
        "now": now,
        "can_answer": can_answer,
        **_editor_context(request, comment, rules, can_answer=can_answer, now=now),
        "can_act": may_act_on(comment, user),
        "can_escalate": user.can(Capability.TRIAGE) and not escalated,
        "can_take": escalated and handles,
        "can_reassign_escalation": escalated and user.can(Capability.PLAN_COVERAGE),
        "escalatees": selectors.escalatees()
        if escalated and user.can(Capability.PLAN_COVERAGE)
        else [],
        "perms_approve": user.can(Capability.APPROVE),
        "held": bool((comment.platform_data or {}).get("held")),
        "can_unhide": comment.status == Comment.Status.HIDDEN
        and user.can(Capability.PLAN_COVERAGE),
        **platform,
        "author_actions": author_actions_of(comment.channel, user)
        if user.can(Capability.PLAN_COVERAGE) or holds
        else [],
        "hide_note": platform["connector"].hide_note if platform["connector"] else "",
        "can_delete": deletion_offered(comment, user),
    }
    context |= {
        "notes": notes_of(comment),
        "present": sorted(
            presence.presence_here(
                comment.pk, user_id=user.pk, name=user.get_username()
            ).values()
        ),
        "poll_seconds": presence.POLL_SECONDS,
    }
    # Opened, the comment's notes that mention you are read.
    mentions_read(user=user, comment=comment, now=now)
    return render(request, "moderation/comment.html", context)


def _editor_context(request, comment, rules, *, can_answer, now):
    """Return what the answer editor shows: the templates filled in for this
    comment (in its language), what sending does, the answer sent back."""
    names = {rule.slug: rule.name for rule in rules}
    # The history says why an answer went to approval in words, not codes.
    for event in comment.events.all():
        event.reason_text = reasons.event_reason(
            event.action,
            event.reason,
            rule_names=names,
            action_label=lambda action: Event(action=action).action_label,
        )
    undo = undoable_event(comment, actor=request.user, now=now)
    context = {
        "undo": undo,
        "undo_seconds": UNDO_SECONDS
        - int((now - undo.at).total_seconds() if undo else 0),
        "outcome": _outcome(comment),
        "next_comment": selectors.next_comment(comment, user=request.user),
    }
    if not can_answer:
        return context
    links = {
        kind: request.build_absolute_uri(reverse("policies:notice-detail", args=[kind]))
        for kind in ("netiquette", "privacy", "disclaimer", "terms")
    }
    publishes, preview = selectors.answer_preview(
        comment=comment, actor=request.user, now=now, rule_names=names
    )
    macros = _macros_for(comment, rules, links=links, preview=preview)
    # A macro named as a template takes its place: sending it does what the
    # template's words say ("your comment was hidden").
    replaced = {(macro.rule, name) for macro, _body, name, _said in macros}
    templates = []
    # Filled in the comment's language: the rule's name as its author reads it.
    with translation.override(comment.language):
        for rule in rules:
            variables = selectors.template_variables(comment, rule=rule, links=links)
            for template in rule.answer_templates.all():
                if template.language != comment.language:
                    continue
                if {(rule.slug, template.title), ("", template.title)} & replaced:
                    continue
                body = selectors.fill_template(template.body, variables)
                templates.append((template, body))
    return context | {
        "templates": templates,
        "macros": macros,
        "publishes": publishes,
        "preview": preview,
        "sent_back": selectors.sent_back_answer(comment),
    }


def _macros_for(comment, rules, *, links, preview):
    """Return ``(macro, text, name, what sending it does)`` for the macros
    offered on ``comment``: those of no rule, or of a rule it hit."""
    by_slug = {rule.slug: rule for rule in rules}
    offered = []
    for macro in Macro.objects.filter(active=True):
        if macro.rule and macro.rule not in by_slug:
            continue
        rule = by_slug.get(macro.rule) or (rules[0] if rules else None)
        with translation.override(comment.language):
            variables = selectors.template_variables(comment, rule=rule, links=links)
        text = selectors.fill_template(macro.body_in(comment.language), variables)
        if macro.then == Macro.Then.CLOSE:
            said = _(
                "Sending closes the comment without an answer; the text is kept "
                "as the reason."
            )
        elif macro.then == Macro.Then.HIDE:
            said = " ".join(
                [
                    str(preview),
                    _("Once the answer is published, the comment is hidden."),
                ]
            )
        else:
            said = preview
        offered.append((macro, text, macro.name_in(comment.language), said))
    return offered


def _outcome(comment):
    """Return "Answered in 3 min, target met." once the comment is answered."""
    if comment.first_responded_at is None or comment.response_minutes is None:
        return ""
    took = elapsed(datetime.timedelta(minutes=comment.response_minutes))
    if comment.sla_met is False:
        return _("Answered in %(time)s, target missed.") % {"time": took}
    if comment.sla_met:
        return _("Answered in %(time)s, target met.") % {"time": took}
    return _("Answered in %(time)s.") % {"time": took}


def _context_of(comment, user):
    """Return the thread around the comment (its post and the comment it
    replies to) and what its connector can do on the platform."""
    parent = selectors.parent_of(comment, user=user)
    try:
        connector = registry.get(comment.channel.connector)
    except registry.UnknownConnector:
        connector = None
    return {
        "parent": parent,
        # Masked as for the comment itself: a parent is evidence too.
        "parent_text": masking.comment_view_for(user, parent).text if parent else "",
        "connector": connector,
        "can_hide_there": bool(connector and connector.can(registry.Ability.HIDE)),
    }


def _visible_comment(request, pk):
    """Return the comment ``pk`` if the signed-in person may see it, else 404
    (403 for those who do not work on comments at all)."""
    require_worker(request.user)
    return get_object_or_404(selectors.comments_visible_to(request.user), pk=pk)


def _act(request, pk, service, success, **arguments):
    comment = _visible_comment(request, pk)
    if "reason" in arguments and arguments["reason"] is None:
        return redirect("moderation:comment", pk=pk)
    try:
        service(comment=comment, actor=request.user, **arguments)
    except REFUSALS as exc:
        report_error(request, exc)
    else:
        messages.success(request, success)
    return redirect("moderation:comment", pk=pk)


@login_required
@require_POST
def claim(request, pk):
    return _act(request, pk, comment_claim, _("The comment is yours."))


@login_required
@require_POST
def escalate(request, pk):
    return _act(
        request, pk, comment_escalate, _("Escalated."),
        reason=posted_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def hide(request, pk):
    comment = _visible_comment(request, pk)
    connector = registry.get(comment.channel.connector)
    if connector.can(registry.Ability.HIDE):
        success = _("Hidden here; the platform is being asked to hide it too.")
    else:
        # Said plainly: the comment is still visible on the platform.
        success = " ".join(
            [_("Hidden here only: it is still visible on the platform."),
             str(connector.hide_note)]
        ).strip()  # fmt: skip
    return _act(
        request, pk, comment_hide, success,
        reason=posted_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def publish(request, pk):
    """Publish a comment the platform held for review."""
    return _act(
        request, pk, comment_publish,
        _("Published: the platform is being asked to show it."),
    )  # fmt: skip


@login_required
@require_POST
def unhide(request, pk):
    return _act(
        request, pk, comment_unhide, _("Shown again."),
        reason=posted_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def close(request, pk):
    return _act(
        request, pk, comment_close, _("Closed."),
        reason=posted_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def undo(request, pk):
    return _act(request, pk, comment_undo, _("Undone."))


@login_required
@require_POST
def take(request, pk):
    return _act(request, pk, comment_take, _("The comment is yours."))


@login_required
@require_POST
def send_back(request, pk):
    return _act(
        request, pk, comment_send_back, _("Sent back to the queue."),
        reason=posted_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def reassign(request, pk):
    require(request.user, Capability.PLAN_COVERAGE)
    chosen = request.POST.get("to", "")
    to = selectors.escalatees().filter(pk=chosen).first() if chosen.isdigit() else None
    if to is None:
        messages.error(request, _("Choose who the comment goes to."))
        return redirect("moderation:comment", pk=pk)
    return _act(request, pk, comment_reassign, _("Reassigned."), to=to)


@login_required
@require_POST
def answer(request, pk):
    comment = _visible_comment(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("moderation:comment", pk=pk)
    body = form.cleaned_data["body"]
    macro = None
    if chosen := form.cleaned_data["macro"]:
        macro = Macro.objects.filter(pk=chosen, active=True).first()
    if macro is not None and macro.then == Macro.Then.CLOSE:
        # A closing macro's text is the reason: nothing is published.
        return _act(request, pk, comment_close, _("Closed."), reason=body)
    template = None
    if chosen := form.cleaned_data["template"]:
        # Only a template of a rule this comment hit is recorded with it.
        template = AnswerTemplate.objects.filter(
            pk=chosen,
            rule__in=selectors.rules_of(comment),
            language=comment.language,
        ).first()
    try:
        result = answer_submit(
            comment=comment,
            actor=request.user,
            body=body,
            template=template,
            macro=macro,
        )
    except REFUSALS as exc:
        report_error(request, exc)
        return redirect("moderation:comment", pk=pk)
    if result.status == Answer.Status.PUBLISHED and result.then:
        messages.success(request, _("Answer published; the comment is hidden."))
    elif result.status == Answer.Status.PUBLISHED:
        messages.success(request, _("Answer published."))
    else:
        messages.success(request, _("Answer sent for approval."))
    # On to the next comment to answer, as the inbox orders them.
    following = selectors.next_comment(comment, user=request.user)
    return redirect("moderation:comment", pk=following.pk if following else pk)


@login_required
@require_POST
def author_action(request, pk):
    """Mute, block or report the comment's author on the platform."""
    comment = _visible_comment(request, pk)
    form = AuthorActionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("moderation:comment", pk=pk)
    action = registry.AuthorAction(form.cleaned_data["action"])
    try:
        author_act(
            comment=comment,
            actor=request.user,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except REFUSALS as exc:
        report_error(request, exc)
    else:
        messages.success(
            request,
            _("Done: %(action)s. It is sent to the platform now.")
            % {"action": action.label},
        )
    return redirect("moderation:comment", pk=pk)
