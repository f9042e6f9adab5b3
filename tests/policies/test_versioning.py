"""Policy versions: drafts copy the current version, publication is atomic, and
published content never changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from policies.models import (
    AnswerTemplate,
    Pattern,
    PolicyVersion,
    PublishedVersionError,
    Rule,
)
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_discard,
    policy_version_publish,
    policy_version_published,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def current():
    return PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)


def test_the_default_framework_is_published_as_version_one(framework):
    version = current()
    assert version.number == 1
    assert version.effective_from is not None
    assert version.rules.count() == 11


def test_a_draft_copies_rules_patterns_templates_and_references(framework, manager):
    source = current()
    draft = policy_version_create_draft(actor=manager, note="Add words")
    assert draft.status == PolicyVersion.Status.DRAFT
    assert draft.number == 2
    assert draft.based_on == source
    assert draft.created_by == manager
    for rule in source.rules.all():
        copy = draft.rules.get(slug=rule.slug)
        assert copy.pk != rule.pk
        assert (copy.name_fr, copy.severity, copy.requires_approval) == (
            rule.name_fr,
            rule.severity,
            rule.requires_approval,
        )
        assert sorted(copy.patterns.values_list("kind", "language", "expression")) == (
            sorted(rule.patterns.values_list("kind", "language", "expression"))
        )
        assert copy.answer_templates.count() == rule.answer_templates.count()
        assert set(copy.legal_references.all()) == set(rule.legal_references.all())
    # The published version is untouched.
    assert current() == source
    assert Pattern.objects.filter(rule__version=source).count() == (
        Pattern.objects.filter(rule__version=draft).count()
    )


def test_only_one_draft_at_a_time(framework, manager):
    policy_version_create_draft(actor=manager)
    with pytest.raises(ValidationError, match="A draft already exists"):
        policy_version_create_draft(actor=manager)
    assert PolicyVersion.objects.filter(status="draft").count() == 1


def test_only_managers_change_the_rulebook(framework, personas):
    for name in ("approver", "responder", "api_reader", "outsider"):
        with pytest.raises(PermissionDenied):
            policy_version_create_draft(actor=personas[name])
    draft = policy_version_create_draft(actor=personas["manager"])
    with pytest.raises(PermissionDenied):
        policy_version_publish(version=draft, actor=personas["approver"])
    assert draft.rules.exists()
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_publishing_retires_the_previous_version_atomically(
    framework, manager, django_capture_on_commit_callbacks
):
    previous = current()
    draft = policy_version_create_draft(actor=manager)
    received = []
    policy_version_published.connect(
        lambda sender, version, **kw: received.append(version.number),
        weak=False,
        dispatch_uid="test-receiver",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            policy_version_publish(version=draft, actor=manager)
    finally:
        policy_version_published.disconnect(dispatch_uid="test-receiver")
    previous.refresh_from_db()
    draft.refresh_from_db()
    assert previous.status == PolicyVersion.Status.RETIRED
    assert previous.retired_at == draft.effective_from
    assert draft.status == PolicyVersion.Status.PUBLISHED
    assert draft.published_by == manager
    assert PolicyVersion.objects.filter(status="published").count() == 1
    assert received == [2]


def test_publishing_something_other_than_a_draft_is_refused(framework, manager):
    with pytest.raises(ValidationError, match="Only a draft can be published"):
        policy_version_publish(version=current(), actor=manager)


def test_an_empty_draft_cannot_be_published(empty_rulebook, manager):
    draft = policy_version_create_draft(actor=manager)
    with pytest.raises(ValidationError, match="without rules"):
        policy_version_publish(version=draft, actor=manager)


def test_an_invalid_pattern_blocks_publication_and_changes_nothing(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="threats")
    # Written around validation, as a bulk import or an old row could be.
    Pattern.objects.bulk_create(
        [Pattern(rule=rule, kind=Pattern.Kind.REGEX, expression="(unclosed")]
    )
    with pytest.raises(ValidationError, match="Fix these patterns"):
        policy_version_publish(version=draft, actor=manager)
    assert current().number == 1
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_the_database_allows_one_published_version_only(framework, manager):
    # Past the model, which refuses any status change of its own: a draft may
    # become published in SQL, but not while another version is.
    draft = policy_version_create_draft(actor=manager)
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE policies_policyversion SET status = 'published' WHERE id = %s",
            [draft.pk],
        )


def test_published_rules_patterns_and_templates_are_immutable(framework):
    rule = current().rules.get(slug="threats")
    rule.severity = "low"
    with pytest.raises(PublishedVersionError):
        rule.save()
    with pytest.raises(PublishedVersionError):
        rule.delete()
    pattern = rule.patterns.first()
    pattern.expression = "harmless"
    with pytest.raises(PublishedVersionError):
        pattern.save()
    with pytest.raises(PublishedVersionError):
        pattern.delete()
    template = rule.answer_templates.first()
    template.body = "changed"
    with pytest.raises(PublishedVersionError):
        template.save()
    with pytest.raises(PublishedVersionError):
        Pattern(rule=rule, kind="keyword", expression="new").save()
    rule.refresh_from_db()
    assert rule.severity == "critical"


def test_retired_versions_are_immutable_too(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    policy_version_publish(version=draft, actor=manager)
    old_rule = Rule.objects.get(version__number=1, slug="threats")
    with pytest.raises(PublishedVersionError):
        old_rule.save()


def test_draft_edits_are_recorded_in_history(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="denigration")
    rule._history_user = manager
    rule.severity = "medium"
    rule.save()
    last = rule.history.first()
    assert last.history_type == "~"
    assert last.history_user == manager
    assert last.severity == "medium"
    assert last.prev_record.severity == "low"
    publication = draft.history.filter(status="draft").exists()
    assert publication


def test_publication_is_recorded_in_history_with_who(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    policy_version_publish(version=draft, actor=manager)
    record = PolicyVersion.objects.get(number=2).history.first()
    assert record.status == "published"
    assert record.history_user == manager
    retired = PolicyVersion.objects.get(number=1).history.first()
    assert retired.status == "retired"
    assert retired.history_user == manager


def test_discarding_a_draft_removes_its_content(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    policy_version_discard(version=draft, actor=manager)
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
    assert not AnswerTemplate.objects.filter(rule__version_id=draft.pk).exists()
    with pytest.raises(ValidationError, match="Only a draft"):
        policy_version_discard(version=current(), actor=manager)
