"""Reads of the rulebook shared by pages, the API and other apps."""

from django.db.models import Prefetch
from django.utils import timezone

from policies.models import (
    Disclosure,
    DisclosureHandle,
    Notice,
    Pattern,
    PolicyVersion,
    Rule,
)


def current_version():
    """Return the published policy version, or ``None``."""
    return PolicyVersion.objects.current()


def rules_for(version):
    """Return the rules of ``version`` with what the API and pages show of them."""
    return (
        Rule.objects.filter(version=version)
        .select_related("version")
        .prefetch_related("legal_references")
        .order_by("position", "slug")
    )


def notices_published(*, language, platform=None, kind=None):
    """Return the published notices to show on ``platform`` in ``language``.

    A notice written for the platform replaces the one for all platforms of the
    same kind.
    """
    queryset = Notice.objects.filter(published=True, language=language)
    if kind:
        queryset = queryset.filter(kind=kind)
    if platform and platform != Notice.ALL_PLATFORMS:
        queryset = queryset.filter(platform__in=[platform, Notice.ALL_PLATFORMS])
        chosen = {}
        for notice in queryset:
            if notice.kind not in chosen or notice.platform == platform:
                chosen[notice.kind] = notice
        return sorted(chosen.values(), key=lambda n: _KIND_ORDER.index(n.kind))
    queryset = queryset.filter(platform=Notice.ALL_PLATFORMS)
    return sorted(queryset, key=lambda n: _KIND_ORDER.index(n.kind))


_KIND_ORDER = list(Notice.Kind.values)


def disclosures_published(*, on=None):
    """Return published disclosures in force on ``on`` (today), with handles."""
    on = on or timezone.localdate()
    return (
        Disclosure.objects.filter(published=True, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .prefetch_related(
            Prefetch("handles", queryset=DisclosureHandle.objects.order_by("platform"))
        )
        .order_by("party")
    )


def grammar_patterns(version_number, rule_slugs):
    """Return ``{(rule slug, expression as a match stores it)}`` of the grammar
    patterns of those rules in version ``version_number``, in one query: a
    stored match of one of them found its structure (high confidence)."""
    if not rule_slugs:
        return set()
    rows = Pattern.objects.filter(
        rule__version__number=version_number,
        rule__slug__in=rule_slugs,
        kind=Pattern.Kind.GRAMMAR,
    ).values_list("rule__slug", "expression")
    return {(slug, expression[:500]) for slug, expression in rows}
