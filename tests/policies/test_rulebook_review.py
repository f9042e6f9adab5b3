"""A draft is read before it is published: its rules, its diff against the
published version, its backtest, and a Publish button that confirms them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.services.ingest import comment_ingest
from policies.diff import version_diff
from policies.models import Pattern, PolicyVersion, Rule
from policies.services.rulebook import policy_version_create_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def draft(framework, manager):
    return policy_version_create_draft(actor=manager)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def edit(draft):
    """A draft that changes a field, adds and removes a pattern, changes a
    template, drops a legal reference, removes a rule and adds one."""
    defamation = draft.rules.get(slug="defamation")
    Rule.objects.filter(pk=defamation.pk).update(severity="critical")
    Pattern.objects.create(
        rule=defamation, kind="phrase", language="fr", expression="bande d'escrocs"
    )
    removed = defamation.patterns.order_by("pk").first()
    removed.delete()
    template = defamation.answer_templates.first()
    template.body = "Nouveau texte"
    template.save()
    reference = defamation.legal_references.first()
    defamation.legal_references.remove(reference)
    draft.rules.get(slug="commercial-solicitation").delete()
    Rule.objects.create(
        version=draft,
        slug="fraud-accusation",
        category="defamation",
        name_fr="Accusation de fraude",
        name_en="Fraud accusation",
        description_fr="d",
        description_en="d",
        severity="high",
        action="escalate",
    )
    return removed, template, reference


def test_the_diff_names_every_kind_of_change(draft):
    removed, template, reference = edit(draft)
    diff = version_diff(version=draft, base=PolicyVersion.objects.current())
    by_slug = {change.slug: change for change in diff.rules}
    assert diff.counts == {"added": 1, "removed": 1, "changed": 1}
    assert by_slug["fraud-accusation"].status == "added"
    assert by_slug["commercial-solicitation"].status == "removed"
    changed = by_slug["defamation"]
    assert [(f.label, f.before, f.after) for f in changed.fields] == [
        ("severity", "High", "Critical")
    ]
    assert [p.expression for p in changed.patterns_added] == ["bande d'escrocs"]
    assert [p.expression for p in changed.patterns_removed] == [removed.expression]
    assert [c.after for c in changed.templates_changed] == ["Nouveau texte"]
    assert changed.legal_removed == [str(reference)]


def test_an_unchanged_draft_has_an_empty_diff(draft, django_assert_num_queries):
    current = PolicyVersion.objects.current()
    with django_assert_num_queries(8):
        diff = version_diff(version=draft, base=current)
    assert diff.rules == []


def test_the_review_page_shows_rules_diff_and_backtest(draft, manager_client, channel):
    edit(draft)
    comment_ingest(
        channel=channel,
        external_id="c-1",
        author="x",
        text="Vous êtes une bande d'escrocs <script>alert(1)</script>",
        posted_at=timezone.now() - datetime.timedelta(hours=1),
    )
    url = reverse("moderation:version-review", args=[draft.pk])
    response = manager_client.get(url)
    assert response.status_code == 200
    page = response.text
    assert "Rules added: 1; changed: 1; removed: 1." in page
    assert "bande d&#x27;escrocs" in page
    assert "<script>alert(1)</script>" not in page
    assert reverse("admin:policies_rule_change", args=[
        draft.rules.get(slug="defamation").pk
    ]) in page  # fmt: skip
    assert "On the 1 comment of the last 7 days" in page
    assert "Publish version 2" in page


def test_publishing_from_the_review_page(draft, manager_client, manager):
    url = reverse("moderation:version-review", args=[draft.pk])
    current = PolicyVersion.objects.current()
    response = manager_client.post(url, {"replaces": current.pk}, follow=True)
    assert "Version 2 is now published." in response.text
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, draft.published_by) == ("published", manager)
    assert current.status == "retired"


def test_publishing_refuses_when_another_version_was_published_meanwhile(
    draft, manager_client
):
    url = reverse("moderation:version-review", args=[draft.pk])
    response = manager_client.post(url, {"replaces": "999999"}, follow=True)
    assert "Another version was published since this page was opened" in response.text
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_published_version_is_reviewed_without_a_publish_button(
    framework, manager_client
):
    current = PolicyVersion.objects.current()
    url = reverse("moderation:version-review", args=[current.pk])
    response = manager_client.get(url)
    assert response.status_code == 200
    assert "Publish version" not in response.text
    response = manager_client.post(url, {"replaces": current.pk}, follow=True)
    assert "Only a draft can be published" in response.text


@pytest.mark.parametrize("persona", ["approver", "responder", "counsel"])
def test_only_managers_review_and_publish(draft, client, personas, persona):
    client.force_login(personas[persona])
    url = reverse("moderation:version-review", args=[draft.pk])
    assert client.get(url).status_code == 403
    current = PolicyVersion.objects.current()
    assert client.post(url, {"replaces": current.pk}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_list_action_opens_the_review_instead_of_publishing(draft, manager_client):
    response = manager_client.post(
        reverse("admin:policies_policyversion_changelist"),
        {"action": "publish_drafts", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:version-review", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_rules_list_leaves_retired_versions_out_unless_asked(
    framework, manager, manager_client
):
    first = PolicyVersion.objects.current()
    policy_version_create_draft(actor=manager)
    from policies.services.rulebook import policy_version_publish

    second = policy_version_publish(
        version=PolicyVersion.objects.get(status="draft"), actor=manager
    )
    draft = policy_version_create_draft(actor=manager)
    url = reverse("admin:policies_rule_changelist")
    shown = {r.version_id for r in manager_client.get(url).context["cl"].result_list}
    assert shown == {second.pk, draft.pk}
    response = manager_client.get(url, {"version": first.pk})
    assert {r.version_id for r in response.context["cl"].result_list} == {first.pk}
    response = manager_client.get(url, {"version": "all"})
    assert {r.version_id for r in response.context["cl"].result_list} == {
        first.pk,
        second.pk,
        draft.pk,
    }
    response = manager_client.get(url, {"version": "x'); --"})
    assert list(response.context["cl"].result_list) == []


def test_a_rules_patterns_are_searched_and_paged(draft, manager_client):
    rule = max(draft.rules.all(), key=lambda r: r.patterns.count())
    total = rule.patterns.count()
    assert total > 50
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    response = manager_client.get(url)
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) - formset.extra == 50
    assert f"Patterns 1 to 50 of {total}." in response.text
    response = manager_client.get(url, {"patterns_page": "2"})
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.initial_forms) == min(50, total - 50)
    sample = rule.patterns.order_by("pk").last().expression
    response = manager_client.get(url, {"patterns": sample})
    shown = [f.instance.expression for f in response.context[
        "inline_admin_formsets"][0].formset.initial_forms]  # fmt: skip
    assert shown and all(sample.lower() in e.lower() for e in shown)
    for page in ("0", "999", "abc", "-1"):
        assert manager_client.get(url, {"patterns_page": page}).status_code == 200


def test_saving_a_page_of_patterns_keeps_the_others(draft, manager_client):
    rule = max(draft.rules.all(), key=lambda r: r.patterns.count())
    before = set(rule.patterns.values_list("pk", "expression"))
    url = reverse("admin:policies_rule_change", args=[rule.pk]) + "?patterns_page=2"
    response = manager_client.get(url)
    form = response.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data["legal_references"] = [ref.pk for ref in rule.legal_references.all()]
    for formset in response.context["inline_admin_formsets"]:
        formset = formset.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, sub in enumerate(formset.initial_forms):
            for field in sub.fields:
                value = sub[field].value()
                if value is not None and value is not False:
                    data[f"{formset.prefix}-{index}-{field}"] = value
        data[f"{management.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
    first = response.context["inline_admin_formsets"][0].formset.initial_forms[0]
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-0-expression"] = first.instance.expression + "x"
    response = manager_client.post(url, data)
    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]
    after = set(rule.patterns.values_list("pk", "expression"))
    assert len(after) == len(before)
    changed = after - before
    assert [e for _pk, e in changed] == [first.instance.expression + "x"]
