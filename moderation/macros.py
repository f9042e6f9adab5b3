"""The default macros: each answer template of the default rulebook that says
the comment was hidden becomes a macro that hides it, under the template's
own title so that it takes the template's place in the answer editor."""

from moderation.models import Macro
from policies.framework.rules import RULES

# "Votre commentaire a été masqué": the templates whose sending must hide.
_HIDING_RULES = (
    "offensive-content",
    "sexual-content",
    "commercial-solicitation",
    "illegal-activity",
    "employee-information",
    "confidential-information",
)

CLOSE_OFF_TOPIC = {
    "name_fr": "Hors sujet : fermer sans réponse",
    "name_en": "Off topic: close without an answer",
    "body_fr": "Hors sujet, aucune réponse ni action n’est nécessaire.",
    "body_en": "Off topic: it needs neither an answer nor an action.",
    "then": "close",
}


def default_macros():
    """Return the default macros as field dictionaries."""
    macros = []
    for position, rule in enumerate(RULES):
        if rule["slug"] not in _HIDING_RULES:
            continue
        (name_fr, body_fr), (name_en, body_en) = (
            rule["templates"]["fr"],
            rule["templates"]["en"],
        )
        macros.append(
            {
                "name_fr": name_fr,
                "name_en": name_en,
                "body_fr": body_fr,
                "body_en": body_en,
                "then": "hide",
                "rule": rule["slug"],
                "position": position,
            }
        )
    return [*macros, CLOSE_OFF_TOPIC | {"position": 100}]


def macros_seed():
    """Create the default macros in a database that has none; return how
    many were created. Once there is one, managers' choices are kept: a
    default macro deleted stays deleted."""
    if Macro.objects.exists():
        return 0
    return len(
        Macro.objects.bulk_create(Macro(**fields) for fields in default_macros())
    )
