"""Compile the published rulebook into a matcher and classify texts with it.

Each process keeps the compiled matcher of the current version in memory. It
checks which version is current at most every ``MATCHER_RECHECK_SECONDS`` (and at
once in the process that publishes, through ``policy_version_published``), so a
new version reaches every web and worker process within seconds without a query
per comment.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core.errors import Conflict
from policies.matcher import Matcher, PatternSpec, RuleSpec
from policies.models import Disclosure, DisclosureHandle, PolicyVersion, Rule
from policies.services.rulebook import policy_version_published


class NoPublishedVersion(Conflict):
    """Raised when texts are classified before any version is published."""

    default_message = "No policy version is published yet."


@dataclass(frozen=True)
class Classification:
    policy_version: int
    language: str
    matches: list


def rule_specs(version, *, rules=None):
    """Return the ``RuleSpec`` of each rule of ``version`` (or of ``rules``)."""
    queryset = Rule.objects.filter(version=version) if rules is None else rules
    queryset = queryset.prefetch_related("patterns").order_by("position", "slug")
    specs = []
    for rule in queryset:
        patterns = tuple(
            PatternSpec(kind=p.kind, expression=p.expression, language=p.language)
            for p in rule.patterns.all()
            if p.enabled
        )
        specs.append(
            RuleSpec(
                slug=rule.slug,
                category=rule.category,
                severity=rule.severity,
                patterns=patterns,
                exceptions=tuple(rule.exception_list),
                disclosure_markers=tuple(rule.disclosure_marker_list),
            )
        )
    return specs


def ties_registry(on=None):
    """Return ``{platform: {handle}}`` of published disclosures in force ``on``."""
    on = on or timezone.localdate()
    registry = {}
    handles = DisclosureHandle.objects.filter(
        disclosure__published=True, disclosure__starts_on__lte=on
    ).exclude(disclosure__ends_on__lt=on)
    for platform, handle in handles.values_list("platform", "handle"):
        registry.setdefault(platform, set()).add(handle)
    return registry


def build_matcher(version=None, *, rules=None):
    """Compile a matcher for ``version`` (or a queryset of ``rules``)."""
    return Matcher(
        rule_specs(version, rules=rules),
        ties=ties_registry(),
        default_language=settings.LANGUAGE_CODE[:2],
    )


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.key = None
        self.version_number = None
        self.matcher = None
        self.checked_at = 0.0

    def clear(self):
        with self.lock:
            self.checked_at = 0.0
            self.key = None

    def current(self):
        now = time.monotonic()
        recheck = getattr(settings, "MATCHER_RECHECK_SECONDS", 5)
        if self.matcher is not None and now - self.checked_at < recheck:
            return self.version_number, self.matcher
        with self.lock:
            key = _stamp()
            if key[0] is None:
                raise NoPublishedVersion
            if key != self.key:
                version = PolicyVersion.objects.get(pk=key[0])
                self.matcher = build_matcher(version)
                self.version_number = version.number
                self.key = key
            self.checked_at = now
            return self.version_number, self.matcher


def _stamp():
    """Return what the compiled matcher depends on, in three small queries."""
    version_id = (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )
    changed = Disclosure.objects.aggregate(changed=Max("updated_at"))["changed"]
    handles = DisclosureHandle.objects.aggregate(count=Count("pk"), last=Max("pk"))
    # The date: disclosures start and end on days.
    return (
        version_id,
        changed,
        handles["count"],
        handles["last"],
        timezone.localdate(),
    )


_cache = _Cache()


def current_matcher():
    """Return ``(version number, matcher)`` of the published version."""
    return _cache.current()


def classify_text(*, text, language=None, platform=None, author=None):
    """Return the ``Classification`` of ``text`` by the published rulebook."""
    number, matcher = current_matcher()
    result = matcher.classify(text, language=language, platform=platform, author=author)
    return Classification(number, result.language, result.matches)


@receiver(policy_version_published)
def _version_published(sender, **kwargs):
    _cache.clear()


@receiver(post_save, sender=Disclosure)
@receiver(post_delete, sender=Disclosure)
@receiver(post_save, sender=DisclosureHandle)
@receiver(post_delete, sender=DisclosureHandle)
def _registry_changed(sender, **kwargs):
    _cache.clear()
