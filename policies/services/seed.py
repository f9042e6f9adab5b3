"""Seed the default framework: legal references, notices, the first rulebook."""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from policies.models import (
    AnswerTemplate,
    LegalReference,
    Notice,
    Pattern,
    PolicyVersion,
    Rule,
)
from policies.services.rulebook import policy_version_publish


def framework_seed(*, today=None):
    """Load the default framework where it is missing; return what was created.

    Idempotent, and never overwrites: legal references and notices are created
    only when absent, and the default rulebook only when no version exists yet,
    as version 1, published at once.
    """
    from policies.framework.legal import LEGAL_REFERENCES
    from policies.framework.notices import NOTICES
    from policies.framework.rules import RULES

    today = today or timezone.localdate()
    created = {"legal_references": 0, "notices": 0, "rules": 0, "patterns": 0}
    with transaction.atomic():
        for data in LEGAL_REFERENCES:
            _reference, made = LegalReference.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    **{key: value for key, value in data.items() if key != "slug"},
                    "review_status": LegalReference.ReviewStatus.AWAITING,
                    # Counsel has not read it yet: the review is due now.
                    "next_review_due": today,
                },
            )
            created["legal_references"] += made
        for data in NOTICES:
            _notice, made = Notice.objects.get_or_create(
                kind=data["kind"],
                platform=Notice.ALL_PLATFORMS,
                language=data["language"],
                defaults={
                    "title": data["title"],
                    "body": data["body"],
                    "published": True,
                },
            )
            created["notices"] += made
        if not PolicyVersion.objects.exists():
            version = PolicyVersion.objects.create(
                number=1, note="Default framework from the governance guide."
            )
            references = {ref.slug: ref for ref in LegalReference.objects.all()}
            for position, data in enumerate(RULES):
                created["patterns"] += _seed_rule(version, position, data, references)
                created["rules"] += 1
            policy_version_publish(version=version, actor=None)
    return created


def _seed_rule(version, position, data, references):
    fields = [
        "slug",
        "category",
        "severity",
        "action",
        "requires_approval",
        "name_fr",
        "name_en",
        "description_fr",
        "description_en",
        "guidance_fr",
        "guidance_en",
        "exceptions",
    ]
    rule = Rule.objects.create(
        version=version,
        position=position,
        disclosure_markers=data.get("disclosure_markers", ""),
        **{
            f"exception_examples_{language}": "\n".join(examples)
            for language, examples in data.get("exception_examples", {}).items()
        },
        **{field: data[field] for field in fields},
    )
    rule.legal_references.set([references[slug] for slug in data["legal"]])
    kinds = (
        (Pattern.Kind.KEYWORD, "keywords", str.split),
        (Pattern.Kind.WILDCARD, "wildcards", str.split),
        (Pattern.Kind.PHRASE, "phrases", list),
        (Pattern.Kind.REGEX, "regexes", list),
        (Pattern.Kind.GRAMMAR, "grammars", list),
    )
    patterns = []
    for kind, key, split in kinds:
        for language, expressions in data.get(key, {}).items():
            patterns += [
                Pattern(rule=rule, kind=kind, language=language, expression=expression)
                for expression in split(expressions)
            ]
    patterns += [
        Pattern(rule=rule, kind=Pattern.Kind.DETECTOR, expression=name)
        for name in data.get("detectors", [])
    ]
    for pattern in patterns:
        pattern.clean()  # the default lexicon obeys the same rules as managers
    bulk_create_with_history(patterns, Pattern)
    for language, (title, body) in data["templates"].items():
        AnswerTemplate.objects.create(
            rule=rule, language=language, title=title, body=body
        )
    return len(patterns)
