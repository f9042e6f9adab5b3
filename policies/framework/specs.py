"""The default rulebook as matcher specs, without the database: what
``seed_framework`` would store, for the quality benchmark and its floors."""

from policies.framework.rules import RULES
from policies.matcher import PatternSpec, RuleSpec

_KINDS = (
    ("keyword", "keywords", str.split),
    ("wildcard", "wildcards", str.split),
    ("phrase", "phrases", list),
    ("regex", "regexes", list),
    ("grammar", "grammars", list),
)


def framework_specs():
    """Return the ``RuleSpec`` of each rule of the default rulebook."""
    specs = []
    for rule in RULES:
        patterns = []
        for kind, key, split in _KINDS:
            for language, expressions in rule.get(key, {}).items():
                patterns += [
                    PatternSpec(kind, expression, language)
                    for expression in split(expressions)
                ]
        patterns += [
            PatternSpec("detector", name) for name in rule.get("detectors", [])
        ]
        specs.append(
            RuleSpec(
                slug=rule["slug"],
                category=rule["category"],
                severity=rule["severity"],
                patterns=tuple(patterns),
                exceptions=tuple(
                    line.strip()
                    for line in rule.get("exceptions", "").splitlines()
                    if line.strip()
                ),
                disclosure_markers=tuple(
                    line.strip()
                    for line in rule.get("disclosure_markers", "").splitlines()
                    if line.strip()
                ),
            )
        )
    return specs
