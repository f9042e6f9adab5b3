"""The site shell: sign-in, language, navigation by role, admin for managers."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text
    assert "Gouvernez votre présence sur les médias sociaux" in response.text


def test_home_follows_accept_language(client):
    response = client.get("/", headers={"accept-language": "en"})
    assert '<html lang="en">' in response.text
    assert "Govern your presence on social media" in response.text


def test_language_switch_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Govern your presence on social media" in client.get("/").text
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Gouvernez votre présence" in client.get("/").text


def test_header_offers_both_languages(client):
    html = client.get("/").text
    assert 'name="language" value="fr"' in html
    assert 'name="language" value="en"' in html


def test_login_and_logout(client, personas):
    response = client.post(
        reverse("login"), {"username": "responder", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["responder"].pk)
    page = client.get("/", follow=True)
    assert "responder" in page.text
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_rejects_a_wrong_password_with_a_form_error(client, personas):
    response = client.post(
        reverse("login"), {"username": "responder", "password": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_an_overlong_user_name_is_a_form_error(client, personas, path, length):
    from axes.models import AccessAttempt

    response = client.post(path, {"username": "x" * length, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Assurez-vous que cette valeur comporte au plus 150 caractères "
        f"(actuellement {length})."
    ]
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()


def test_a_query_string_with_a_nul_is_refused_naming_the_parameter(
    client, api_client, personas
):
    client.force_login(personas["manager"])
    api_client.force_authenticate(personas["manager"])
    for path, name in [
        ("/inbox/?channel=a%00b", "channel"),
        ("/coverage/?calendar=a%00b", "calendar"),
    ]:
        response = client.get(path)
        assert response.status_code == 400
        assert response.text.startswith(f"{name}: ")
    for path, name in [
        ("/api/v1/coverage/gaps/?calendar=a%00b", "calendar"),
        ("/api/v1/comments/?channel=fb&ordering=due%00", "ordering"),
    ]:
        response = api_client.get(path)
        assert response.status_code == 400
        assert list(response.json()) == [name]


# What each persona sees in the navigation bar. Pages of later apps (inbox,
# approvals, coverage) join the bar when their URLs exist.
NAV_EXPECTATIONS = {
    "manager": {
        "Boîte de réception",
        "Approbations",
        "Mentions",
        "Ma formation",
        "Formation",
        "Couverture",
        "Canaux",
        "Délais de réponse",
        "Tableau de bord",
        "Appels et signalements",
        "Administration",
    },
    "approver": {
        "Boîte de réception",
        "Approbations",
        "Mentions",
        "Ma formation",
        "Délais de réponse",
        "Tableau de bord",
        "Appels et signalements",
    },
    "responder": {"Boîte de réception", "Mentions", "Ma formation"},
    "privacy_officer": {"Vie privée"},
    "api_reader": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(NAV_EXPECTATIONS))
def test_navigation_is_filtered_by_role(client, personas, persona):
    client.force_login(personas[persona])
    response = client.get(reverse("home"), follow=True)
    labels = {str(label) for label, _url in response.context["nav_items"]}
    assert labels == NAV_EXPECTATIONS[persona]


def test_anonymous_navigation_is_empty(client):
    assert client.get("/").context["nav_items"] == []


@pytest.mark.parametrize(
    ("persona", "destination"),
    [("manager", "/inbox/"), ("approver", "/inbox/"), ("responder", "/inbox/")],
)
def test_home_sends_a_signed_in_user_to_their_work(
    client, personas, persona, destination
):
    client.force_login(personas[persona])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == destination


def test_home_tells_a_user_without_work_to_ask_for_a_role(client, personas):
    client.force_login(personas["outsider"])
    response = client.get("/")
    assert response.status_code == 200
    assert "n’a encore aucun rôle" in response.text or "aucun rôle" in response.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("approver", 200),
        ("responder", 403),
        ("api_reader", 403),
        ("outsider", 403),
    ],
)
def test_dashboard_permissions(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("dashboard")).status_code == status


def test_dashboard_asks_anonymous_users_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("manager", True),
        ("approver", False),
        ("responder", False),
        ("api_reader", False),
        ("outsider", False),
    ],
)
def test_admin_is_for_managers_only(client, personas, persona, allowed):
    client.force_login(personas[persona])
    response = client.get(reverse("admin:index"))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_login_form_refuses_non_managers(client, personas):
    response = client.post(
        reverse("admin:login"), {"username": "responder", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("admin:login"), {"username": "manager", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_manager_can_edit_users_in_the_admin(client, personas):
    client.force_login(personas["manager"])
    url = reverse("admin:staffing_user_changelist")
    assert client.get(url).status_code == 200


def test_bootstrap_creates_the_first_administrator_once(capsys):
    call_command("bootstrap")
    first = capsys.readouterr().out
    assert "username: admin" in first
    password = first.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    call_command("bootstrap")
    assert "password" not in capsys.readouterr().out
    assert get_user_model().objects.count() == 1


def test_bootstrap_administrator_opens_the_admin(client, capsys):
    call_command("bootstrap")
    password = capsys.readouterr().out.split("password: ")[1].split()[0]
    signed_in = client.post(
        reverse("login"), {"username": "admin", "password": password}
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_favicon_ico_points_at_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")


def test_bootstrap_demo_fills_the_inbox(capsys):
    from moderation.models import Comment

    call_command("bootstrap", "--demo")
    out = capsys.readouterr().out
    assert "demonstration users" in out
    # Ten comments to triage; the month of answered history is checked in
    # tests/moderation/test_demo.py.
    waiting = Comment.objects.filter(status__in=Comment.OPEN_STATUSES)
    assert waiting.count() == 10
    assert waiting.filter(severity="critical").exists()
    assert set(waiting.values_list("language", flat=True)) == {"fr", "en"}


def test_sign_in_pauses_after_five_failures_for_that_name_and_address(client, personas):
    url = reverse("login")
    wrong = {"username": "responder", "password": "not the password"}
    for _ in range(4):
        assert client.post(url, wrong).status_code == 200  # the form, again
    locked = client.post(url, wrong)
    assert locked.status_code == 429
    assert "Connexion suspendue" in locked.content.decode()
    # Even the right password waits out the pause.
    right = {"username": "responder", "password": PASSWORD}
    assert client.post(url, right).status_code == 429
    assert "_auth_user_id" not in client.session
    # Another user name from the same address is not affected.
    other = {"username": "approver", "password": PASSWORD}
    assert client.post(url, other).status_code == 302


def test_a_success_resets_the_failure_count(client, personas):
    url = reverse("login")
    wrong = {"username": "responder", "password": "not the password"}
    for _ in range(4):
        client.post(url, wrong)
    right = {"username": "responder", "password": PASSWORD}
    assert client.post(url, right).status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post(url, wrong).status_code == 200


def test_managers_unlock_a_paused_sign_in_in_the_admin(client, personas):
    from axes.models import AccessAttempt

    wrong = {"username": "responder", "password": "not the password"}
    for _ in range(5):
        client.post(reverse("login"), wrong)
    attempt = AccessAttempt.objects.get(username="responder")
    client.force_login(personas["manager"])
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "responder" in listing.content.decode()
    # Deleting the attempt lifts the pause.
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    client.logout()
    right = {"username": "responder", "password": PASSWORD}
    assert client.post(reverse("login"), right).status_code == 302
