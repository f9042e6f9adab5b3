"""Managers edit the rulebook in the admin; everyone else is kept out."""

import pytest
from django.urls import reverse

from policies.models import Disclosure, LegalReference, Notice, PolicyVersion, Rule
from policies.services.rulebook import policy_version_create_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager, framework):
    client.force_login(manager)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:policies_policyversion_changelist",
        "admin:policies_rule_changelist",
        "admin:policies_legalreference_changelist",
        "admin:policies_notice_changelist",
        "admin:policies_disclosure_changelist",
    ],
)
def test_manager_opens_every_policy_list(manager_client, url_name):
    assert manager_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("persona", ["approver", "responder", "api_reader", "outsider"])
def test_other_roles_are_sent_to_the_admin_login(client, personas, framework, persona):
    client.force_login(personas[persona])
    response = client.get(reverse("admin:policies_rule_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_rule_list_filters_and_search(manager_client):
    url = reverse("admin:policies_rule_changelist")
    response = manager_client.get(url, {"category__exact": "threat"})
    assert [rule.slug for rule in response.context["cl"].result_list] == ["threats"]
    response = manager_client.get(url, {"severity__exact": "high"})
    assert {rule.severity for rule in response.context["cl"].result_list} == {"high"}
    response = manager_client.get(url, {"q": "escroc"})
    assert [rule.slug for rule in response.context["cl"].result_list] == ["defamation"]


def test_rule_list_runs_a_fixed_number_of_queries(
    manager_client, django_assert_max_num_queries
):
    url = reverse("admin:policies_rule_changelist")
    with django_assert_max_num_queries(12):
        manager_client.get(url)


def test_review_overdue_filter(manager_client):
    url = reverse("admin:policies_legalreference_changelist")
    LegalReference.objects.filter(slug="ca-copyright-act").update(
        next_review_due="2099-01-01"
    )
    response = manager_client.get(url, {"review": "overdue"})
    slugs = {ref.slug for ref in response.context["cl"].result_list}
    assert "ca-copyright-act" not in slugs
    assert "ca-criminal-code" in slugs


def test_a_published_rule_is_read_only(manager_client):
    rule = Rule.objects.get(version__number=1, slug="threats")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert 'name="severity"' not in page.text  # shown, not editable
    response = manager_client.post(url, {"severity": "low"}, follow=True)
    # Refused with a message on the read-only page, not a bare 403.
    assert response.status_code == 200
    assert "ne peut plus changer" in response.text
    rule.refresh_from_db()
    assert rule.severity == "critical"


def test_create_a_draft_edit_it_and_publish_it_from_the_admin(manager_client, manager):
    versions = reverse("admin:policies_policyversion_changelist")
    response = manager_client.post(
        versions,
        {
            "action": "create_draft",
            "_selected_action": [PolicyVersion.objects.get().pk],
        },
        follow=True,
    )
    assert "Brouillon de la version 2 créé" in response.text
    draft = PolicyVersion.objects.get(status="draft")
    rule = draft.rules.get(slug="denigration")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    form = manager_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(_inline_management(manager_client, url))
    data["legal_references"] = [ref.pk for ref in rule.legal_references.all()]
    data["version"] = draft.pk
    data["severity"] = "medium"
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.severity == "medium"
    assert rule.history.first().history_user == manager

    # The list action opens the draft's review; its button publishes.
    response = manager_client.post(
        versions,
        {"action": "publish_drafts", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Publier la version 2" in response.text
    assert PolicyVersion.objects.current().number == 1
    response = manager_client.post(
        reverse("moderation:version-review", args=[draft.pk]),
        {"replaces": PolicyVersion.objects.current().pk},
        follow=True,
    )
    assert "La version 2 est maintenant publiée" in response.text
    assert PolicyVersion.objects.current() == draft
    assert PolicyVersion.objects.get(number=1).status == "retired"


def _inline_management(client, url):
    """Return the inline formsets' POST data as the change page renders it."""
    data = {}
    for formset in client.get(url).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, form in enumerate(formset.formset.forms):
            for field in form.fields:
                value = form[field].value()
                if value is not None and value is not False:
                    data[f"{form.prefix}-{field}"] = value
            data[f"{formset.formset.prefix}-{index}-id"] = form.instance.pk
            data[f"{formset.formset.prefix}-{index}-rule"] = form.instance.rule_id
    return data


def test_an_invalid_regex_in_the_admin_gets_a_field_error(manager_client, manager):
    draft = policy_version_create_draft(actor=manager)
    rule = draft.rules.get(slug="threats")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    data = {
        key: value
        for key, value in manager_client.get(url)
        .context["adminform"]
        .form.initial.items()
        if value is not None
    }
    data.update(_inline_management(manager_client, url))
    data["legal_references"] = [ref.pk for ref in rule.legal_references.all()]
    data["version"] = draft.pk
    prefix = "patterns"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = total + 1
    data[f"{prefix}-{total}-kind"] = "regex"
    data[f"{prefix}-{total}-language"] = "any"
    data[f"{prefix}-{total}-expression"] = "(unclosed"
    data[f"{prefix}-{total}-enabled"] = "on"
    before = rule.patterns.count()
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "Expression régulière invalide" in response.text
    assert rule.patterns.count() == before


def test_a_notice_with_script_is_refused_in_the_admin(manager_client):
    notice = Notice.objects.get(kind="netiquette", language="en")
    url = reverse("admin:policies_notice_change", args=[notice.pk])
    response = manager_client.post(
        url,
        {
            "kind": "netiquette",
            "platform": "all",
            "language": "en",
            "title": "Netiquette",
            "body": "Be nice <script>alert(1)</script>",
            "published": "on",
        },
    )
    assert response.status_code == 200
    assert "&lt;script&gt;" in response.text
    notice.refresh_from_db()
    assert "<script>" not in notice.body
    assert notice.revision == 1


def test_editing_a_notice_starts_a_new_revision(manager_client):
    notice = Notice.objects.get(kind="netiquette", language="en")
    url = reverse("admin:policies_notice_change", args=[notice.pk])
    data = {
        "kind": "netiquette",
        "platform": "all",
        "language": "en",
        "title": "Netiquette",
        "body": notice.body + "\nBe kind.",
        "published": "on",
    }
    assert manager_client.post(url, data).status_code == 302
    notice.refresh_from_db()
    assert notice.revision == 2
    # Saving again without a change keeps the revision.
    assert manager_client.post(url, data).status_code == 302
    notice.refresh_from_db()
    assert notice.revision == 2


def test_a_disclosure_ending_before_it_starts_is_refused(manager_client):
    url = reverse("admin:policies_disclosure_add")
    response = manager_client.post(
        url,
        {
            "party": "Dr. Tremblay",
            "kind": "paid_expert",
            "statement_fr": "Rémunérée",
            "statement_en": "Paid",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "handles-TOTAL_FORMS": "0",
            "handles-INITIAL_FORMS": "0",
            "handles-MIN_NUM_FORMS": "0",
            "handles-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "La fin ne peut pas précéder le début" in response.text
    assert not Disclosure.objects.exists()


def test_history_is_visible_in_the_admin(manager_client, manager):
    draft = policy_version_create_draft(actor=manager)
    url = reverse("admin:policies_policyversion_history", args=[draft.pk])
    response = manager_client.get(url)
    assert response.status_code == 200
    assert "manager" in response.text


def test_publishing_and_withdrawing_disclosures_are_successes(manager_client):
    disclosure = Disclosure.objects.create(
        party="Dr. Tremblay",
        kind="paid_expert",
        statement_fr="Rémunérée",
        statement_en="Paid",
        starts_on="2026-05-01",
    )
    url = reverse("admin:policies_disclosure_changelist")
    for action, published in (("publish", True), ("withdraw", False)):
        response = manager_client.post(
            url, {"action": action, "_selected_action": [disclosure.pk]}, follow=True
        )
        disclosure.refresh_from_db()
        assert disclosure.published is published
        assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_a_manager_edits_the_look_alikes_in_the_admin_and_publishes_them(
    manager_client, django_capture_on_commit_callbacks
):
    from training.models import Lesson

    manager_client.post(
        reverse("admin:policies_policyversion_changelist"),
        {
            "action": "create_draft",
            "_selected_action": [PolicyVersion.objects.get().pk],
        },
    )
    draft = PolicyVersion.objects.get(status="draft")
    rule = draft.rules.get(slug="denigration")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    form = manager_client.get(url).context["adminform"].form
    # The default rulebook's examples, copied into the draft.
    assert "Au pire, je repasserai demain." in form.initial["exception_examples_fr"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(_inline_management(manager_client, url))
    data["legal_references"] = [ref.pk for ref in rule.legal_references.all()]
    data["version"] = draft.pk
    data["exception_examples_fr"] = "Au pire, on se reparle <b>lundi</b>."
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    review = manager_client.get(reverse("moderation:version-review", args=[draft.pk]))
    assert "Commentaires que les exceptions laissent passer (français)" in review.text
    assert "<b>lundi</b>" not in review.text  # escaped
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("moderation:version-review", args=[draft.pk]),
            {"replaces": PolicyVersion.objects.current().pk},
        )
    assert PolicyVersion.objects.current() == draft
    lesson = Lesson.objects.get(rule_slug="denigration")
    assert "`Au pire, on se reparle <b>lundi</b>.`" in lesson.body_fr
    assert lesson.changed_in_version == draft.number
