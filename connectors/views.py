"""The *Channels* page and *Connect a channel*, for managers."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import forms, services
from core.permissions import require
from core.roles import Capability
from moderation import registry
from moderation.health import channels_health
from moderation.models import Channel


def _manager(request):
    require(request.user, Capability.PLAN_COVERAGE)


@login_required
def channels(request):
    """List the channels with their health: is each one reading and sending?"""
    _manager(request)
    now = timezone.now()
    labels = dict(registry.choices())
    rows = [
        (health, labels.get(health.channel.connector, health.channel.connector))
        for health in channels_health(
            Channel.objects.select_related("state").order_by("slug"), now=now
        )
    ]
    return render(request, "connectors/channels.html", {"rows": rows, "now": now})


@login_required
def connect(request):
    """Connect a new channel: pick the connector, then fill in its form."""
    _manager(request)
    return _connect_or_edit(request, Channel())


@login_required
def edit(request, pk):
    """Change a channel: its settings, its credentials or its connector."""
    _manager(request)
    return _connect_or_edit(request, get_object_or_404(Channel, pk=pk))


def _connect_or_edit(request, channel):
    name = request.POST.get("connector") or request.GET.get("connector")
    if channel.pk and not name and "pick" not in request.GET:
        name = channel.connector
    if not name:
        return _pick(request, channel)
    try:
        connector = registry.get(name)
    except registry.UnknownConnector:
        messages.error(request, _("Choose one of the connectors below."))
        return _pick(request, channel, status=400)
    return _channel_form(request, channel, connector)


def _pick(request, channel, status=200):
    choices = []
    for name, label in registry.choices():
        connector = registry.get(name)
        abilities = [a.label for a in registry.Ability if connector.can(a)]
        choices.append((name, label, abilities, connector))
    return render(
        request,
        "connectors/connect_pick.html",
        {"channel": channel, "choices": choices},
        status=status,
    )


def _channel_form(request, channel, connector):
    # The stored credentials are kept only for the connector they belong to.
    may_keep = bool(
        channel.pk
        and channel.credentials_encrypted
        and channel.connector == connector.name
    )
    context = {
        "channel": channel,
        "connector": connector,
        "may_keep": may_keep,
        "can_check": callable(getattr(connector, "check", None)),
        "sign_in_url": _sign_in_url(connector, channel),
        "abilities": [a.label for a in registry.Ability if connector.can(a)],
    }
    if request.method != "POST":
        context["form"] = forms.ChannelForm(instance=channel, connector=connector)
        context["credentials"] = forms.credentials_form(connector)
        return render(request, "connectors/channel_form.html", context)

    form = forms.ChannelForm(request.POST, instance=channel, connector=connector)
    secrets = forms.credentials_form(connector, request.POST)
    context.update(form=form, credentials=secrets)
    if secrets is None or (may_keep and not forms.typed(secrets)):
        typed, secrets_valid = None, True
    else:
        secrets_valid = secrets.is_valid()
        typed = secrets.cleaned_data if secrets_valid else None
    valid = form.is_valid()

    if request.POST.get("action") == "test":
        if secrets_valid and context["can_check"]:
            context["check"] = _check(form.instance, typed)
        return render(request, "connectors/channel_form.html", context)

    if valid and secrets_valid:
        try:
            saved = services.channel_save(
                channel=form.instance, credentials=typed, actor=request.user
            )
        except IntegrityError:  # another manager took the slug meanwhile
            form.add_error("slug", _("A channel with this slug already exists."))
        else:
            messages.success(request, _("Channel saved."))
            if _sign_in_url(connector, saved):
                messages.info(request, _("Sign the channel in on the platform."))
                return redirect("connectors:channel-edit", pk=saved.pk)
            return redirect("connectors:channels")
    return render(request, "connectors/channel_form.html", context, status=400)


def _check(channel, credentials):
    """Sign in with ``credentials`` (else the stored ones) on a copy of
    ``channel``, never saved; return ``(ok, text to show)``."""
    probe = copy.copy(channel)
    if credentials is not None:
        probe.set_credentials(credentials)
    try:
        account = services.channel_check(channel=probe, remember=False)
    except registry.ConnectorError as exc:
        return False, _(str(exc.public))
    if account.name:
        return True, _("Signed in as %(handle)s (%(name)s).") % {
            "handle": account.handle,
            "name": account.name,
        }
    return True, _("Signed in as %(handle)s.") % {"handle": account.handle}


def _sign_in_url(connector, channel):
    if not (connector.sign_in_url_name and channel.pk):
        return ""
    try:
        return reverse(connector.sign_in_url_name, args=[channel.pk])
    except NoReverseMatch:
        return ""
