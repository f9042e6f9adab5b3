"""The one check every service and page makes before acting."""

import pytest
from django.core.exceptions import PermissionDenied

from core.permissions import require, require_any


class Actor:
    def __init__(self, *capabilities):
        self.capabilities = set(capabilities)

    def can(self, capability):
        return capability in self.capabilities


def test_require_lets_through_whoever_has_the_capability():
    require(Actor("approve"), "approve", "Only approvers approve.")


def test_require_refuses_with_the_message_given():
    with pytest.raises(PermissionDenied) as refused:
        require(Actor("triage"), "approve", "Only approvers approve.")
    assert refused.value.args == ("Only approvers approve.",)


def test_require_without_a_message_refuses_bare_as_a_page_does():
    with pytest.raises(PermissionDenied) as refused:
        require(Actor(), "approve")
    assert refused.value.args == ()
    assert str(refused.value) == ""


def test_the_system_needs_no_capability():
    require(None, "edit_policies", "Only managers may change the rulebook.")


def test_require_any_lets_through_one_capability_of_several():
    require_any(Actor("handle_legal"), ("triage", "handle_legal"), "No.")


def test_require_any_refuses_whoever_has_none_of_them():
    with pytest.raises(PermissionDenied) as refused:
        require_any(Actor("approve"), ("triage", "handle_legal"), "No.")
    assert refused.value.args == ("No.",)
    with pytest.raises(PermissionDenied) as refused:
        require_any(Actor(), ("triage",))
    assert refused.value.args == ()
