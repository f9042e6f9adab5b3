"""Personas shared by every test: one user per role, plus an outsider.

The default framework (version 1 of the rulebook, published, with its legal
references and notices) is in the database at the start of every test, as the
groups and calendars are: it is seeded once after the test database is
migrated, and again after each flush (a transactional test flushes the database
at its end). A test that needs a database without it asks for
``empty_rulebook``.
"""

import pytest
from django.db.models.signals import post_migrate

from core.roles import Role
from staffing.services.accounts import user_set_roles
from tests.atproto.fixtures import (
    atproto,
    bluesky_channel,
    bluesky_org,
    bluesky_user,
)

# The local AT Protocol network and its accounts (tests/atproto), for every test.
__all__ = ["atproto", "bluesky_channel", "bluesky_org", "bluesky_user"]

PASSWORD = "correct horse battery staple"

PERSONAS = {
    "manager": [Role.MANAGER],
    "approver": [Role.APPROVER],
    "responder": [Role.RESPONDER],
    "api_reader": [Role.API_READER],
    "counsel": [Role.COUNSEL],
    "privacy_officer": [Role.PRIVACY_OFFICER],
    "outsider": [],
}


def _seed_framework(sender, **kwargs):
    """Load the default framework once the policies tables exist (or were flushed)."""
    if sender.label == "policies":
        from policies.services.seed import framework_seed

        framework_seed()


post_migrate.connect(_seed_framework, dispatch_uid="tests.framework")


def make_user(username, roles, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    user_set_roles(user=user, roles=roles)
    return user


def make_token(user, name="tests", days=30):
    """Create an API token for ``user``; return its secret."""
    from staffing.services.tokens import api_token_create

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
    """Make sure the default framework is loaded (it normally is already)."""
    from policies.models import PolicyVersion
    from policies.services.seed import framework_seed

    if not PolicyVersion.objects.exists():
        framework_seed()


@pytest.fixture
def empty_rulebook(db):
    """Remove the default framework, its history included, for this test only.

    The rulebook refuses to lose frozen rows, so this empties its tables as a
    flush does, inside the test's transaction, which rolls it back. Ask for it
    before anything that refers to the rulebook is created.
    """
    from django.core.management.color import no_style
    from django.db import connection

    from policies import classify
    from policies.flushing import flushing
    from policies.models import (
        AnswerTemplate,
        LegalReference,
        Notice,
        Pattern,
        PolicyVersion,
        Rule,
    )

    models = [PolicyVersion, Rule, Pattern, AnswerTemplate, LegalReference, Notice]
    tables = [Rule.legal_references.through._meta.db_table]
    for model in models:
        tables += [model._meta.db_table, model.history.model._meta.db_table]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    with flushing(connection):
        connection.ops.execute_sql_flush(statements)
    # The compiled matcher of the seeded version lives on in this process.
    classify._cache.clear()
    yield
    classify._cache.clear()


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


@pytest.fixture
def fake_platform():
    """Register the test platforms' connectors for this test only."""
    from moderation import registry
    from tests.fakes import FakePlatform, FakeWebhookPlatform

    registry.register(FakePlatform)
    registry.register(FakeWebhookPlatform)
    FakePlatform.checked.clear()
    FakePlatform.items = []
    yield FakePlatform
    registry.unregister(FakePlatform.name)
    registry.unregister(FakeWebhookPlatform.name)


@pytest.fixture
def deleting_rule(personas):
    """Publish a new version of the rulebook in which ``offensive-content``
    says to delete; return the rule's slug. The matcher compiled for that
    version is forgotten afterwards, as the version is."""
    from django.test import TestCase

    from policies import classify
    from policies.models import Action
    from policies.services.rulebook import (
        policy_version_create_draft,
        policy_version_publish,
    )

    draft = policy_version_create_draft(actor=personas["manager"])
    draft.rules.filter(slug="offensive-content").update(action=Action.DELETE)
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_version_publish(version=draft, actor=personas["manager"])
    classify._cache.clear()
    yield "offensive-content"
    classify._cache.clear()
