"""What a draft changes against the published rulebook: rules, patterns,
answer templates and legal references added, removed or changed.

Rules are matched by slug, patterns by what they match (kind, language,
expression), templates by language and title; the diff is read before
publishing, so it says what the public will meet, not how rows were edited.
"""

import dataclasses

from policies.models import Rule

# The rule fields a reader of the diff cares about, in the order shown.
RULE_FIELDS = (
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
    "exception_examples_fr",
    "exception_examples_en",
    "disclosure_markers",
)


@dataclasses.dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclasses.dataclass
class RuleChange:
    """One rule's difference; ``status`` is added, removed or changed."""

    slug: str
    status: str
    rule: Rule
    fields: list = dataclasses.field(default_factory=list)
    patterns_added: list = dataclasses.field(default_factory=list)
    patterns_removed: list = dataclasses.field(default_factory=list)
    patterns_switched: list = dataclasses.field(default_factory=list)
    templates_added: list = dataclasses.field(default_factory=list)
    templates_removed: list = dataclasses.field(default_factory=list)
    templates_changed: list = dataclasses.field(default_factory=list)
    legal_added: list = dataclasses.field(default_factory=list)
    legal_removed: list = dataclasses.field(default_factory=list)

    @property
    def empty(self):
        return self.status == "changed" and not any(
            getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("slug", "status", "rule")
        )


@dataclasses.dataclass
class VersionDiff:
    base: object
    version: object
    rules: list

    @property
    def counts(self):
        """How many rules are added, removed and changed."""
        tally = {"added": 0, "removed": 0, "changed": 0}
        for change in self.rules:
            tally[change.status] += 1
        return tally


def _rules(version):
    if version is None:
        return {}
    return {
        rule.slug: rule
        for rule in Rule.objects.filter(version=version)
        .prefetch_related("patterns", "answer_templates", "legal_references")
        .order_by("position", "slug")
    }


def _display(rule, name):
    field = Rule._meta.get_field(name)
    value = getattr(rule, name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def version_diff(*, version, base):
    """Return the ``VersionDiff`` of ``version`` against ``base`` (or None:
    everything is added). Six queries, whatever the size of the rulebook."""
    before, after = _rules(base), _rules(version)
    changes = []
    for slug, rule in after.items():
        old = before.get(slug)
        if old is None:
            changes.append(RuleChange(slug, "added", rule))
            continue
        change = RuleChange(slug, "changed", rule)
        for name in RULE_FIELDS:
            if getattr(old, name) != getattr(rule, name):
                change.fields.append(
                    FieldChange(
                        str(Rule._meta.get_field(name).verbose_name),
                        _display(old, name),
                        _display(rule, name),
                    )
                )
        _patterns(change, old, rule)
        _templates(change, old, rule)
        old_refs = {str(ref) for ref in old.legal_references.all()}
        new_refs = {str(ref) for ref in rule.legal_references.all()}
        change.legal_added = sorted(new_refs - old_refs)
        change.legal_removed = sorted(old_refs - new_refs)
        if not change.empty:
            changes.append(change)
    changes += [
        RuleChange(slug, "removed", rule)
        for slug, rule in before.items()
        if slug not in after
    ]
    return VersionDiff(base=base, version=version, rules=changes)


def _patterns(change, old, rule):
    def keyed(r):
        return {(p.kind, p.language, p.expression): p for p in r.patterns.all()}

    was, now = keyed(old), keyed(rule)
    change.patterns_added = [now[key] for key in now.keys() - was.keys()]
    change.patterns_removed = [was[key] for key in was.keys() - now.keys()]
    change.patterns_switched = [
        now[key]
        for key in now.keys() & was.keys()
        if now[key].enabled != was[key].enabled
    ]
    for name in ("patterns_added", "patterns_removed", "patterns_switched"):
        getattr(change, name).sort(key=lambda p: (p.kind, p.language, p.expression))


def _templates(change, old, rule):
    def keyed(r):
        return {(t.language, t.title): t for t in r.answer_templates.all()}

    was, now = keyed(old), keyed(rule)
    change.templates_added = sorted(
        (now[key] for key in now.keys() - was.keys()), key=lambda t: t.title
    )
    change.templates_removed = sorted(
        (was[key] for key in was.keys() - now.keys()), key=lambda t: t.title
    )
    change.templates_changed = sorted(
        (
            FieldChange(
                f"{now[key].title} ({now[key].language})", was[key].body, now[key].body
            )
            for key in now.keys() & was.keys()
            if now[key].body != was[key].body
        ),
        key=lambda c: c.label,
    )
