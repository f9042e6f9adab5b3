"""Personas shared by every test: one user per role, plus an outsider."""

import pytest

from core.roles import Role
from staffing.services import user_set_roles

PASSWORD = "correct horse battery staple"

PERSONAS = {
    "manager": [Role.MANAGER],
    "approver": [Role.APPROVER],
    "responder": [Role.RESPONDER],
    "api_reader": [Role.API_READER],
    "counsel": [Role.COUNSEL],
    "outsider": [],
}


def make_user(username, roles, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    user_set_roles(user=user, roles=roles)
    return user


def make_token(user, name="tests", days=30):
    """Create an API token for ``user``; return its secret."""
    from staffing.services import api_token_create

    return api_token_create(user=user, name=name, days=days)[1]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with no request counted against any rate limit."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def personas(db):
    """Return a dict of users keyed by persona name."""
    return {name: make_user(name, roles) for name, roles in PERSONAS.items()}


@pytest.fixture
def manager(personas):
    return personas["manager"]


@pytest.fixture
def responder(personas):
    return personas["responder"]


@pytest.fixture
def framework(db):
    """Load the default framework: version 1 published, notices, references."""
    from policies.services import framework_seed

    framework_seed()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def english():
    """Run the test in English, for assertions on messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def channel(framework):
    """A 24/7 Facebook channel, with the default rulebook published."""
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    return Channel.objects.create(
        slug="facebook-main",
        platform="facebook",
        handle="organisation",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
    )
