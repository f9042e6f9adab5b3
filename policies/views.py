"""Public pages: the notices and the registry of ties, no sign-in needed."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from policies import selectors
from policies.models import Notice, Platform


def notices(request):
    """Show the published disclaimer, privacy notice and netiquette."""
    platform = request.GET.get("platform") or None
    if platform and platform not in Platform.values:
        raise Http404
    language = get_language()[:2]
    context = {
        "notices": selectors.notices_published(language=language, platform=platform),
        "platform": platform,
        "platforms": Platform.choices,
    }
    return render(request, "policies/notices.html", context)


def notice_detail(request, kind):
    """Show one published notice, e.g. the netiquette to link from a profile."""
    if kind not in Notice.Kind.values:
        raise Http404
    platform = request.GET.get("platform") or None
    if platform and platform not in Platform.values:
        raise Http404
    found = selectors.notices_published(
        language=get_language()[:2], platform=platform, kind=kind
    )
    if not found:
        raise Http404
    return render(request, "policies/notice_detail.html", {"notice": found[0]})


def disclosures(request):
    """Show the registry of the organisation's ties with third parties."""
    return render(
        request,
        "policies/disclosures.html",
        {"disclosures": selectors.disclosures_published()},
    )
