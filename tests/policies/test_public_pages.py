"""The public reads notices and the registry of ties, in French and English."""

import datetime

import pytest

from policies.models import Disclosure, Notice

pytestmark = pytest.mark.django_db


def test_notices_in_french_by_default(client, framework):
    page = client.get("/notices/")
    assert page.status_code == 200
    assert "Nétiquette" in page.text
    assert "Avis de non-responsabilité" in page.text
    assert "Version 1, mise à jour le" in page.text


def test_notices_in_english(client, framework):
    for page in (
        client.get("/notices/?lang=en"),
        client.get("/notices/", HTTP_ACCEPT_LANGUAGE="en"),
    ):
        assert "Netiquette" in page.text
        assert "Privacy notice" in page.text
        assert "Version 1, updated" in page.text


def test_one_notice_has_its_own_page(client, framework):
    page = client.get("/notices/netiquette/?lang=en")
    assert page.status_code == 200
    assert "<h2><a" in page.text and "Netiquette" in page.text
    assert client.get("/notices/unknown/").status_code == 404


def test_a_platform_notice_replaces_the_general_one(client, framework):
    Notice.objects.create(
        kind="netiquette", platform="facebook", language="fr",
        title="Nétiquette Facebook", body="Règles propres à Facebook.", published=True,
    )  # fmt: skip
    page = client.get("/notices/?platform=facebook")
    assert "Nétiquette Facebook" in page.text
    assert "Règles propres à Facebook." in page.text
    assert "Avis de confidentialité" in page.text  # the general one still shows
    general = client.get("/notices/")
    assert "Nétiquette Facebook" not in general.text
    assert client.get("/notices/?platform=myspace").status_code == 404


def test_notice_markup_is_sanitised_even_if_stored_raw(client, framework):
    Notice.objects.filter(kind="netiquette", language="fr").update(
        body='<script>alert("x")</script><img src=x onerror=alert(1)> **Respect**'
    )
    page = client.get("/notices/")
    assert "<script>alert" not in page.text
    assert "onerror" not in page.text
    assert "<strong>Respect</strong>" in page.text


def test_disclosures_page_escapes_and_filters(client, framework):
    today = datetime.date.today()
    disclosure = Disclosure.objects.create(
        party='<script>alert("party")</script>',
        kind="paid_expert",
        statement_fr="Rémunérée par nous.",
        statement_en="Paid by us.",
        starts_on=today,
        published=True,
    )
    disclosure.handles.create(platform="instagram", handle="expert")
    Disclosure.objects.create(
        party="Secret Partner", kind="group", statement_fr="x", statement_en="x",
        starts_on=today, published=False,
    )  # fmt: skip
    page = client.get("/disclosures/")
    assert "&lt;script&gt;alert(&quot;party&quot;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "Rémunérée par nous." in page.text
    assert "Instagram: @expert" in page.text
    assert "Secret Partner" not in page.text
    assert "Paid by us." in client.get("/disclosures/?lang=en").text


def test_public_pages_run_a_fixed_number_of_queries(
    client, framework, django_assert_max_num_queries
):
    for index in range(5):
        disclosure = Disclosure.objects.create(
            party=f"Party {index}", kind="consumer", statement_fr="x",
            statement_en="x", starts_on=datetime.date.today(), published=True,
        )  # fmt: skip
        disclosure.handles.create(platform="x", handle=f"p{index}")
    with django_assert_max_num_queries(3):
        client.get("/disclosures/")
    with django_assert_max_num_queries(2):
        client.get("/notices/")
