"""Who may answer without approval: the decision table, to the minute."""

import datetime

import pytest

from staffing.delegation import (
    ACCREDITATION_EXPIRED,
    ACCREDITATION_MISSING,
    ALLOWED,
    CATEGORY_OUT_OF_SCOPE,
    CHANNEL_OUT_OF_SCOPE,
    NO_GRANT,
    SEVERITY_TOO_HIGH,
    AccreditationFacts,
    GrantFacts,
    decide,
)

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = datetime.timedelta(minutes=1)
PROGRAM = 1


def grant(**changes):
    facts = {
        "channels": ("facebook-main",),
        "categories": ("offensive", "denigration"),
        "max_severity": "high",
        "required_program": PROGRAM,
        "required_level": 1,
        "valid_from": NOW - datetime.timedelta(days=30),
        "valid_until": None,
        "revoked_at": None,
        "id": 7,
    }
    facts.update(changes)
    return GrantFacts(**facts)


def accreditation(**changes):
    facts = {
        "program": PROGRAM,
        "level": 1,
        "granted_at": NOW - datetime.timedelta(days=300),
        "expires_at": NOW + datetime.timedelta(days=65),
        "revoked_at": None,
    }
    facts.update(changes)
    return AccreditationFacts(**facts)


COMMENT = {
    "channel": "facebook-main",
    "categories": ["offensive"],
    "severity": "medium",
}


@pytest.mark.parametrize(
    ("grants", "accreditations", "comment", "reason"),
    [
        ([grant()], [accreditation()], {}, ALLOWED),
        ([], [accreditation()], {}, NO_GRANT),
        ([grant(valid_from=NOW + MINUTE)], [accreditation()], {}, NO_GRANT),
        ([grant(valid_until=NOW)], [accreditation()], {}, NO_GRANT),
        ([grant(revoked_at=NOW - MINUTE)], [accreditation()], {}, NO_GRANT),
        ([grant()], [accreditation()], {"channel": "x-main"}, CHANNEL_OUT_OF_SCOPE),
        ([grant(channels=())], [accreditation()], {"channel": "x-main"}, ALLOWED),
        (
            [grant()],
            [accreditation()],
            {"categories": ["threat"]},
            CATEGORY_OUT_OF_SCOPE,
        ),
        (
            [grant()],
            [accreditation()],
            {"categories": ["offensive", "threat"]},
            CATEGORY_OUT_OF_SCOPE,
        ),
        (
            [grant(categories=())],
            [accreditation()],
            {"categories": ["threat"]},
            ALLOWED,
        ),
        ([grant()], [accreditation()], {"categories": []}, ALLOWED),
        ([grant()], [accreditation()], {"severity": "critical"}, SEVERITY_TOO_HIGH),
        ([grant()], [accreditation()], {"severity": "high"}, ALLOWED),
        ([grant(max_severity="low")], [accreditation()], {}, SEVERITY_TOO_HIGH),
        ([grant()], [], {}, ACCREDITATION_MISSING),
        ([grant()], [accreditation(program=2)], {}, ACCREDITATION_MISSING),
        (
            [grant(required_level=2)],
            [accreditation(level=1)],
            {},
            ACCREDITATION_MISSING,
        ),
        ([grant(required_level=2)], [accreditation(level=3)], {}, ALLOWED),
        (
            [grant()],
            [accreditation(granted_at=NOW + MINUTE)],
            {},
            ACCREDITATION_MISSING,
        ),
        (
            [grant()],
            [accreditation(expires_at=NOW - MINUTE)],
            {},
            ACCREDITATION_EXPIRED,
        ),
        (
            [grant()],
            [accreditation(revoked_at=NOW - MINUTE)],
            {},
            ACCREDITATION_EXPIRED,
        ),
        (
            [grant()],
            [accreditation(expires_at=NOW - MINUTE), accreditation()],
            {},
            ALLOWED,
        ),
        # Of two grants, one out of scope and one with an expired accreditation,
        # the closer reason is reported.
        (
            [grant(channels=("x-main",)), grant(required_program=2)],
            [accreditation(), accreditation(program=2, expires_at=NOW - MINUTE)],
            {},
            ACCREDITATION_EXPIRED,
        ),
        (
            [grant(max_severity="low"), grant(channels=("x-main",))],
            [accreditation()],
            {},
            SEVERITY_TOO_HIGH,
        ),
    ],
)
def test_decision_table(grants, accreditations, comment, reason):
    decision = decide(grants, accreditations, at=NOW, **{**COMMENT, **comment})
    assert decision.reason == reason
    assert decision.allowed is (reason == ALLOWED)
    if decision.allowed:
        assert decision.grant == 7


EXPIRY = NOW


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (EXPIRY - MINUTE, ALLOWED),
        (EXPIRY, ACCREDITATION_EXPIRED),
        (EXPIRY + MINUTE, ACCREDITATION_EXPIRED),
    ],
)
def test_an_expiring_accreditation_removes_the_right_at_that_instant(at, reason):
    decision = decide([grant()], [accreditation(expires_at=EXPIRY)], at=at, **COMMENT)
    assert decision.reason == reason


@pytest.mark.parametrize(
    ("at", "reason"),
    [(NOW - MINUTE, ALLOWED), (NOW, NO_GRANT), (NOW + MINUTE, NO_GRANT)],
)
def test_a_grant_ending_stops_at_its_end(at, reason):
    decision = decide([grant(valid_until=NOW)], [accreditation()], at=at, **COMMENT)
    assert decision.reason == reason


@pytest.mark.parametrize(
    ("at", "reason"),
    [(NOW - MINUTE, NO_GRANT), (NOW, ALLOWED), (NOW + MINUTE, ALLOWED)],
)
def test_a_grant_starting_counts_from_its_start(at, reason):
    decision = decide([grant(valid_from=NOW)], [accreditation()], at=at, **COMMENT)
    assert decision.reason == reason
