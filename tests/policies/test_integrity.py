"""A published or retired rulebook cannot change, whatever the entry point."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from policies.models import (
    AnswerTemplate,
    LegalReference,
    Pattern,
    PolicyVersion,
    PublishedVersionError,
    Rule,
)
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_discard,
    policy_version_publish,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def current():
    return PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)


def sql(statement, *params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.fixture
def manager_client(client, manager, framework):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# -- models ---------------------------------------------------------------


def test_the_published_version_cannot_go_back_to_draft(framework):
    version = current()
    version.status = PolicyVersion.Status.DRAFT
    with pytest.raises(PublishedVersionError, match="cannot go from Published"):
        version.save()
    assert current() == version


@pytest.mark.parametrize(
    "field, value", [("note", "rewritten"), ("number", 7), ("effective_from", None)]
)
def test_a_published_version_keeps_its_fields(framework, field, value):
    version = current()
    setattr(version, field, value)
    with pytest.raises(PublishedVersionError, match="Version 1 is Published"):
        version.save()


def test_a_status_moves_only_through_the_publishing_service(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    draft.status = PolicyVersion.Status.PUBLISHED
    with pytest.raises(PublishedVersionError):
        draft.save()
    with pytest.raises(PublishedVersionError, match="starts as a draft"):
        PolicyVersion(number=9, status=PolicyVersion.Status.RETIRED).save()
    policy_version_publish(version=draft, actor=manager)
    retired = PolicyVersion.objects.get(number=1)
    assert retired.status == PolicyVersion.Status.RETIRED
    assert retired.retired_at is not None
    retired.status = PolicyVersion.Status.PUBLISHED
    with pytest.raises(PublishedVersionError):
        retired.save()


def test_published_and_retired_versions_cannot_be_deleted(framework, manager):
    with pytest.raises(PublishedVersionError):
        current().delete()
    with pytest.raises(PublishedVersionError):
        PolicyVersion.objects.all().delete()
    assert PolicyVersion.objects.count() == 1
    assert Rule.objects.count() == 11


def test_a_published_rule_cannot_move_into_the_draft(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = current().rules.get(slug="denigration")
    rule.version = draft
    rule.slug = "denigration-moved"
    with pytest.raises(PublishedVersionError, match="Version 1 is Published"):
        rule.save()
    pattern = Pattern.objects.filter(rule__version__number=1).first()
    pattern.rule = draft.rules.first()
    with pytest.raises(PublishedVersionError):
        pattern.save()
    assert Rule.objects.filter(version__number=1, slug="denigration").exists()


def test_a_draft_rule_cannot_move_into_the_published_version(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="denigration")
    rule.version = current()
    rule.slug = "denigration-bis"
    with pytest.raises(PublishedVersionError):
        rule.save()
    with pytest.raises(PublishedVersionError):
        Rule.objects.filter(pk=rule.pk).update(version=current(), slug="bis")


def test_bulk_changes_reach_drafts_only(framework, manager):
    published = current()
    with pytest.raises(PublishedVersionError):
        Rule.objects.filter(version=published).update(severity="low")
    with pytest.raises(PublishedVersionError):
        Pattern.objects.filter(rule__version=published).update(enabled=False)
    with pytest.raises(PublishedVersionError):
        AnswerTemplate.objects.all().delete()
    with pytest.raises(PublishedVersionError):
        Pattern.objects.bulk_create(
            [Pattern(rule=published.rules.first(), kind="keyword", expression="x")]
        )
    with pytest.raises(PublishedVersionError):
        PolicyVersion.objects.filter(pk=published.pk).update(note="x")
    draft = policy_version_create_draft(actor=manager)
    with pytest.raises(PublishedVersionError, match="status changes only"):
        PolicyVersion.objects.filter(pk=draft.pk).update(status="published")
    assert Rule.objects.filter(version=draft).update(severity="low") == 11
    assert current().rules.filter(slug="threats", severity="critical").exists()
    assert current().note == published.note


def test_a_published_rule_keeps_its_legal_references(framework):
    rule = current().rules.get(slug="denigration")
    before = set(rule.legal_references.values_list("pk", flat=True))
    reference = rule.legal_references.first()
    other = LegalReference.objects.exclude(pk__in=before)[0]
    # The related managers write inside an atomic block of their own.
    for change in (
        lambda: rule.legal_references.remove(reference),
        lambda: rule.legal_references.clear(),
        lambda: rule.legal_references.add(other),
        lambda: rule.legal_references.set([other]),
        lambda: reference.rules.clear(),
        lambda: other.rules.add(rule),
    ):
        with pytest.raises(PublishedVersionError), transaction.atomic():
            change()
    assert set(rule.legal_references.values_list("pk", flat=True)) == before


def test_a_draft_rule_may_change_its_legal_references(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="denigration")
    rule.legal_references.clear()
    assert not rule.legal_references.exists()
    assert current().rules.get(slug="denigration").legal_references.exists()


# -- legal references -------------------------------------------------------


def test_a_reference_a_published_rule_cites_cannot_be_deleted(framework):
    reference = current().rules.get(slug="denigration").legal_references.first()
    with pytest.raises(PublishedVersionError, match="cited by a published"):
        reference.delete()
    with pytest.raises(PublishedVersionError):
        LegalReference.objects.filter(pk=reference.pk).delete()
    assert (
        current().rules.get(slug="denigration").legal_references.filter(pk=reference.pk)
    )


def test_a_reference_a_retired_rule_cites_cannot_be_deleted(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="denigration")
    reference = rule.legal_references.first()
    for other in Rule.objects.filter(version=draft, legal_references=reference):
        other.legal_references.remove(reference)
    policy_version_publish(version=draft, actor=manager)
    # Now only version 1, retired, cites it.
    with pytest.raises(PublishedVersionError):
        reference.delete()


def test_a_reference_no_frozen_rule_cites_can_be_deleted(framework):
    unused = LegalReference.objects.exclude(rules__isnull=False).first()
    unused = unused or LegalReference.objects.create(
        slug="unused", kind="law", title_fr="t", title_en="t", jurisdiction="CA",
        next_review_due="2030-01-01",
    )  # fmt: skip
    unused.delete()
    assert not LegalReference.objects.filter(pk=unused.pk).exists()


def test_the_admin_refuses_to_delete_a_cited_reference(manager_client):
    reference = current().rules.get(slug="denigration").legal_references.first()
    url = reverse("admin:policies_legalreference_delete", args=[reference.pk])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "Denigration of the organisation or of competitors, in version 1" in (
        page.text
    )
    response = manager_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    assert LegalReference.objects.filter(pk=reference.pk).exists()
    changelist = reverse("admin:policies_legalreference_changelist")
    response = manager_client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [reference.pk],
            "post": "yes",
        },
    )
    assert response.status_code in (200, 302, 403)
    assert LegalReference.objects.filter(pk=reference.pk).exists()


# -- admin ------------------------------------------------------------------


def _history_id(obj, **state):
    return obj.history.filter(**state).order_by("history_date").first().history_id


def test_the_revert_page_cannot_put_the_published_version_back_to_draft(
    manager_client,
):
    version = current()
    url = reverse(
        "admin:policies_policyversion_simple_history",
        args=[version.pk, _history_id(version, status="draft")],
    )
    page = manager_client.get(url)
    assert page.status_code == 200
    response = manager_client.post(url, {"note": "back to draft"}, follow=True)
    assert response.status_code == 200
    assert "Version 1 is Published and cannot change" in response.text
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.note != "back to draft"


def test_the_revert_page_cannot_move_a_published_rule_into_the_draft(
    manager_client, manager, settings
):
    settings.LANGUAGE_CODE = "en"
    draft = policy_version_create_draft(actor=manager)
    rule = current().rules.get(slug="denigration")
    url = reverse(
        "admin:policies_rule_simple_history", args=[rule.pk, _history_id(rule)]
    )
    data = {
        "version": draft.pk,
        "slug": "denigration-moved",
        "category": rule.category,
        "position": rule.position,
        "name_fr": rule.name_fr,
        "name_en": rule.name_en,
        "description_fr": rule.description_fr,
        "description_en": rule.description_en,
        "severity": rule.severity,
        "action": rule.action,
        "legal_references": [ref.pk for ref in rule.legal_references.all()],
    }
    response = manager_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "cannot change; edit a draft" in response.text
    rule.refresh_from_db()
    assert (rule.version.number, rule.slug) == (1, "denigration")
    assert rule.legal_references.exists()


def test_the_admin_bulk_delete_keeps_frozen_versions_and_rules(manager_client):
    version = current()
    rule = version.rules.first()
    for model, pk in (("policyversion", version.pk), ("rule", rule.pk)):
        response = manager_client.post(
            reverse(f"admin:policies_{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
        assert response.status_code == 200
        assert "Cannot delete" in response.text
    assert current() == version
    assert version.rules.count() == 11


def test_the_change_form_refuses_a_published_rule_with_a_message(manager_client):
    rule = current().rules.get(slug="threats")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    response = manager_client.post(url, {"severity": "low"}, follow=True)
    assert response.status_code == 200
    assert "Version 1 is Published and cannot change" in response.text
    rule.refresh_from_db()
    assert rule.severity == "critical"


def test_the_change_form_refusal_is_translated(client, manager, framework):
    client.force_login(manager)
    rule = current().rules.get(slug="threats")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    response = client.post(
        url, {"severity": "low"}, follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "La version 1 est au statut" in response.text
    assert "ne peut plus changer" in response.text


def test_the_api_refuses_writes_to_the_rulebook(api_client, framework, manager):
    api_client.force_authenticate(manager)
    version = current()
    for method in ("put", "patch", "delete"):
        response = getattr(api_client, method)(
            f"/api/v1/policy-versions/{version.number}/",
            {"status": "draft"},
            format="json",
        )
        assert 400 <= response.status_code < 500
        response = getattr(api_client, method)(
            "/api/v1/rules/threats/", {"severity": "low"}, format="json"
        )
        assert 400 <= response.status_code < 500
    assert current() == version
    assert version.rules.get(slug="threats").severity == "critical"


# -- the database -------------------------------------------------------------


def test_the_database_refuses_to_change_a_published_version(framework):
    version = current()
    for statement in (
        "UPDATE policies_policyversion SET status = 'draft' WHERE id = %s",
        "UPDATE policies_policyversion SET note = 'x' WHERE id = %s",
        "UPDATE policies_policyversion SET retired_at = now() WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE policies_policyversion SET retired_at = '2030-01-01' "
        "WHERE id = %s",
        "DELETE FROM policies_policyversion WHERE id = %s",
    ):
        with pytest.raises(DatabaseError):
            sql(statement, version.pk)
    with pytest.raises(DatabaseError):
        sql(
            "INSERT INTO policies_policyversion (number, status, note, created_at) "
            "VALUES (8, 'retired', '', '2030-01-01')"
        )
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.PUBLISHED


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE policies_rule SET severity = 'low' WHERE version_id = %s",
        "DELETE FROM policies_rule WHERE version_id = %s",
        "UPDATE policies_pattern SET enabled = false WHERE rule_id IN "
        "(SELECT id FROM policies_rule WHERE version_id = %s)",
        "DELETE FROM policies_pattern WHERE rule_id IN "
        "(SELECT id FROM policies_rule WHERE version_id = %s)",
        "UPDATE policies_answertemplate SET body = 'x' WHERE rule_id IN "
        "(SELECT id FROM policies_rule WHERE version_id = %s)",
        "DELETE FROM policies_answertemplate WHERE rule_id IN "
        "(SELECT id FROM policies_rule WHERE version_id = %s)",
        "DELETE FROM policies_rule_legal_references WHERE rule_id IN "
        "(SELECT id FROM policies_rule WHERE version_id = %s)",
        "INSERT INTO policies_pattern (rule_id, kind, language, expression, enabled) "
        "SELECT id, 'keyword', 'any', 'injected', true FROM policies_rule "
        "WHERE version_id = %s",
    ],
)
def test_the_database_refuses_to_change_published_content(framework, statement):
    patterns = Pattern.objects.count()
    links = Rule.legal_references.through.objects.count()
    with pytest.raises(DatabaseError):
        sql(statement, current().pk)
    assert Pattern.objects.count() == patterns
    assert Rule.legal_references.through.objects.count() == links
    assert current().rules.filter(severity="critical").exists()


def test_the_database_refuses_to_move_a_published_rule(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = current().rules.first()
    with pytest.raises(DatabaseError):
        sql(
            "UPDATE policies_rule SET version_id = %s, slug = 'moved' WHERE id = %s",
            draft.pk,
            rule.pk,
        )


def test_the_database_refuses_to_delete_a_cited_reference(framework):
    reference = current().rules.get(slug="denigration").legal_references.first()
    with pytest.raises(DatabaseError):
        sql(
            "DELETE FROM policies_rule_legal_references WHERE legalreference_id = %s",
            reference.pk,
        )


def test_the_database_lets_drafts_change_and_publication_through(framework, manager):
    draft = policy_version_create_draft(actor=manager)
    assert sql(
        "UPDATE policies_rule SET severity = 'low' WHERE version_id = %s", draft.pk
    )
    policy_version_publish(version=draft, actor=manager)
    assert current() == draft
    assert PolicyVersion.objects.get(number=1).status == "retired"
    # A deleted user no longer appears as who published; nothing else changes.
    get_user_model().objects.filter(pk=manager.pk).delete()
    draft.refresh_from_db()
    assert draft.published_by is None
    policy_version_discard(version=policy_version_create_draft(actor=None), actor=None)
