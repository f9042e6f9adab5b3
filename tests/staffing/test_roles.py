"""The role-to-capability table, spelled out: a wrong table fails here first.

Views, the API and templates ask for capabilities, so this table is who may do
what. Changing it is a decision about people's rights, taken in this file too.
"""

import pytest

from core.roles import (
    CAPABILITIES,
    Capability,
    Role,
    capabilities_for,
    roles_granting,
)
from tests.conftest import make_user

TABLE = {
    "responder": {"triage", "read_api"},
    "approver": {"triage", "approve", "view_dashboard", "read_api", "decide_appeals"},
    "manager": {
        "triage",
        "approve",
        "plan_coverage",
        "view_dashboard",
        "edit_policies",
        "read_api",
        "manage_staff",
        "ingest",
        "decide_appeals",
    },
    "api_reader": {"read_api", "ingest"},
    "counsel": {"handle_legal", "read_api"},
    "privacy_officer": {"manage_privacy"},
}

EVERY_CAPABILITY = {
    "triage",
    "approve",
    "plan_coverage",
    "view_dashboard",
    "edit_policies",
    "read_api",
    "manage_staff",
    "ingest",
    "handle_legal",
    "decide_appeals",
    "manage_privacy",
}


def test_the_roles_and_capabilities_are_these():
    assert set(Role.values) == set(TABLE)
    assert set(Capability.values) == EVERY_CAPABILITY


def test_each_role_grants_exactly_these_capabilities():
    granted = {
        role.value: {capability.value for capability in capabilities}
        for role, capabilities in CAPABILITIES.items()
    }
    assert granted == TABLE


@pytest.mark.parametrize("role", sorted(TABLE))
def test_capabilities_for_one_role(role):
    assert capabilities_for([role]) == TABLE[role]


def test_capabilities_add_up_across_roles_and_ignore_unknown_names():
    assert capabilities_for(["responder", "counsel", "no-such-role"]) == {
        "triage",
        "read_api",
        "handle_legal",
    }
    assert capabilities_for([]) == frozenset()


@pytest.mark.parametrize("capability", sorted(EVERY_CAPABILITY))
def test_roles_granting(capability):
    expected = {
        role for role, capabilities in TABLE.items() if capability in capabilities
    }
    assert set(roles_granting(capability)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(TABLE))
def test_a_user_with_the_role_can_exactly_these(role):
    user = make_user(f"someone-{role}", [role])
    assert {c for c in EVERY_CAPABILITY if user.can(c)} == TABLE[role]


@pytest.mark.django_db
def test_an_inactive_user_can_nothing_and_a_superuser_everything():
    inactive = make_user("gone", ["manager"], is_active=False)
    superuser = make_user("root", [], is_superuser=True)
    assert not any(inactive.can(c) for c in EVERY_CAPABILITY)
    assert all(superuser.can(c) for c in EVERY_CAPABILITY)
