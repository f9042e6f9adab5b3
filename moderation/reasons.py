"""Why an answer needs approval, as a sentence people read.

The services store reasons as codes (``rule:defamation; category_out_of_scope``)
so that they stay stable whatever the language; pages, the API and the history
turn them into words here, in the reader's language. Pure Python: the caller
passes the rules' names.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffing import delegation

# Said to the responder about to send ("your delegation ...").
TO_YOU = {
    delegation.NO_GRANT: gettext_lazy("you have no delegation to answer on your own"),
    delegation.CHANNEL_OUT_OF_SCOPE: gettext_lazy(
        "your delegation does not cover this channel"
    ),
    delegation.CATEGORY_OUT_OF_SCOPE: gettext_lazy(
        "your delegation does not cover this category"
    ),
    delegation.SEVERITY_TOO_HIGH: gettext_lazy(
        "your delegation does not cover comments this severe"
    ),
    delegation.ACCREDITATION_MISSING: gettext_lazy(
        "your delegation needs an accreditation you do not hold"
    ),
    delegation.ACCREDITATION_EXPIRED: gettext_lazy(
        "the accreditation your delegation needs has expired"
    ),
}

# Said about the answer's author (approvals page, history, API).
ABOUT_AUTHOR = {
    delegation.NO_GRANT: gettext_lazy(
        "its author has no delegation to answer on their own"
    ),
    delegation.CHANNEL_OUT_OF_SCOPE: gettext_lazy(
        "its author's delegation does not cover this channel"
    ),
    delegation.CATEGORY_OUT_OF_SCOPE: gettext_lazy(
        "its author's delegation does not cover this category"
    ),
    delegation.SEVERITY_TOO_HIGH: gettext_lazy(
        "its author's delegation does not cover comments this severe"
    ),
    delegation.ACCREDITATION_MISSING: gettext_lazy(
        "its author's delegation needs an accreditation they do not hold"
    ),
    delegation.ACCREDITATION_EXPIRED: gettext_lazy(
        "the accreditation its author's delegation needs has expired"
    ),
}


def codes_of(stored):
    """Return the codes of a stored reason (``"rule:a,b; no_grant"``)."""
    return [code.strip() for code in (stored or "").split(";") if code.strip()]


def clauses(codes, *, rule_names=None, to_you=False):
    """Return one clause per code, in the current language.

    ``rule_names`` maps rule slugs to their names; a slug without one is
    shown as it is, as is a code this version does not know.
    """
    rule_names = rule_names or {}
    words = TO_YOU if to_you else ABOUT_AUTHOR
    found = []
    for code in codes:
        if code.startswith("rule:"):
            slugs = [slug for slug in code[len("rule:") :].split(",") if slug]
            names = [str(rule_names.get(slug, slug)) for slug in slugs]
            found.append(
                _("answers to %(rules)s need approval")
                % {"rules": get_text_list(names, _("and"))}
            )
        elif code in words:
            found.append(str(words[code]))
        else:
            found.append(code)
    return found


def sentence(stored, *, rule_names=None, to_you=False):
    """Return "Approval is needed because ..." for a stored reason, or ""."""
    found = clauses(codes_of(stored), rule_names=rule_names, to_you=to_you)
    if not found:
        return ""
    return _("Approval is needed because %(why)s.") % {
        "why": get_text_list(found, _("and"))
    }


def rule_slugs(stored_reasons):
    """Return the rule slugs the stored reasons name."""
    slugs = set()
    for stored in stored_reasons:
        for code in codes_of(stored):
            if code.startswith("rule:"):
                slugs.update(s for s in code[len("rule:") :].split(",") if s)
    return slugs


# Reasons the product itself writes into the audit trail, stored in English
# (stable, whatever the language of the moment) and read in the reader's.
SYSTEM_REASONS = {
    "nobody on shift may answer this comment": gettext_lazy(
        "nobody on shift may answer this comment"
    ),
    "the assignee's account was deleted": gettext_lazy(
        "the assignee's account was deleted"
    ),
}


def event_reason(action, stored, *, rule_names=None, action_label=None):
    """Return an audit event's reason as people read it: an approval's codes
    in words, an undo by what it undid (``action_label`` of the stored
    action), the product's own reasons translated, people's as written."""
    if action == "answer_submitted":
        return sentence(stored, rule_names=rule_names)
    if action == "undone" and action_label is not None:
        return str(action_label(stored))
    if stored in SYSTEM_REASONS:
        return str(SYSTEM_REASONS[stored])
    return stored
