"""The rulebook: what may not be published, why, how to answer, what is published.

Rules, their patterns and answer templates belong to a ``PolicyVersion``. A
published version is immutable: managers change a draft copied from it, then
publish the draft, which retires the previous version in the same transaction.
Legal references, notices and disclosures stand outside versions and keep their
own history.

Each subject has its module; every name is re-exported here, so callers import
from ``policies.models``.
"""

from policies.models.bilingual import localized
from policies.models.choices import (
    SEVERITY_RANK,
    Action,
    Category,
    Confidence,
    PatternLanguage,
    Platform,
    Severity,
)
from policies.models.disclosures import Disclosure, DisclosureHandle, normalize_handle
from policies.models.legal import LegalReference, LegalReferenceQuerySet
from policies.models.notices import Notice
from policies.models.rules import AnswerTemplate, Pattern, Rule, validate_expression
from policies.models.versions import (
    PolicyVersion,
    PolicyVersionQuerySet,
    PublishedVersionError,
    VersionedContent,
    VersionedQuerySet,
)

__all__ = [
    "SEVERITY_RANK",
    "Action",
    "AnswerTemplate",
    "Category",
    "Confidence",
    "Disclosure",
    "DisclosureHandle",
    "LegalReference",
    "LegalReferenceQuerySet",
    "Notice",
    "Pattern",
    "PatternLanguage",
    "Platform",
    "PolicyVersion",
    "PolicyVersionQuerySet",
    "PublishedVersionError",
    "Rule",
    "Severity",
    "VersionedContent",
    "VersionedQuerySet",
    "localized",
    "normalize_handle",
    "validate_expression",
]
