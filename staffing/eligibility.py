"""Who may answer a channel's comments in a language at an instant.

The one rule that coverage, gap alerts, routing and the SLA's "on duty" all
ask, so that a night cannot look covered while its comments go unrouted:

- the person triages comments (the ``triage`` capability, account active);
- serves the channel (``channels`` empty means every channel);
- answers in the comment's language (``languages`` empty means every one);
- is on shift at the instant (``start <= at < end``).

Whether the answer then goes out at once (an active delegation) or through
an approver is the delegation core's decision (``staffing.delegation``); it
ranks the candidates, it does not make anyone a candidate. Pure Python, no
ORM: plain facts in, so a property test can hold every caller to it.
"""

from dataclasses import dataclass

from staffing import intervals


@dataclass(frozen=True)
class Person:
    """What the rule needs to know about someone, read once from the database."""

    id: int
    triages: bool
    channels: frozenset = frozenset()
    languages: frozenset = frozenset()


@dataclass(frozen=True)
class Need:
    """A channel (``None``: any) whose comments in ``language`` (``None``: any)
    someone must be able to answer."""

    channel: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Gap:
    start: object
    end: object
    need: Need


def serves(person, need):
    """Return whether ``person`` may answer the comments of ``need`` when on shift."""
    return (
        person.triages
        and (
            need.channel is None
            or not person.channels
            or need.channel in person.channels
        )
        and (
            need.language is None
            or not person.languages
            or need.language in person.languages
        )
    )


def may_answer(shifts, need, at):
    """Return the ids of the people who may answer ``need`` at the instant ``at``.

    ``shifts``: ``(person, start, end)`` triples, in any order.
    """
    return sorted(
        {
            person.id
            for person, start, end in shifts
            if start <= at < end and serves(person, need)
        }
    )


def covered(shifts, need):
    """Return the sorted, disjoint intervals when someone may answer ``need``."""
    return intervals.merge(
        (start, end) for person, start, end in shifts if serves(person, need)
    )


def gaps(required, shifts, needs):
    """Return the ``Gap`` of each need: ``required`` intervals nobody may answer.

    Sorted by start, then by channel and language: a bilingual channel's night
    with an English-only responder is a French gap, whatever the English side.
    """
    result = [
        Gap(start, end, need)
        for need in needs
        for start, end in intervals.subtract(required, covered(shifts, need))
    ]
    return sorted(
        result,
        key=lambda g: (g.start, g.end, g.need.channel or "", g.need.language or ""),
    )


def needs_of(channels):
    """Return the needs of ``(slug, languages)`` pairs: one per language, or one
    for any language when a channel declares none."""
    return [
        Need(slug, language)
        for slug, languages in channels
        for language in (sorted(set(languages)) or [None])
    ]
