"""API tokens: stored as digests, named, expiring, revocable by owner and manager;
no secret can be read back, by anyone, anywhere."""

import datetime
import hashlib
import io
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from staffing.models import ApiToken
from staffing.services.tokens import api_token_create, api_token_revoke
from tests.conftest import make_token, make_user

pytestmark = pytest.mark.django_db

RULES = "/api/v1/rules/"


def every_stored_value():
    """Every column of every token row, as text."""
    return [
        str(value)
        for row in ApiToken.objects.values_list()
        for value in row
        if value is not None
    ]


def get_rules(api_client, secret, **extra):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api_client.get(RULES, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_the_page_shows_the_secret_once_and_the_database_keeps_only_a_digest(
    client, personas, framework, api_client
):
    client.force_login(personas["responder"])
    response = client.post("/account/tokens/", {"name": "CRM sync", "days": "30"})
    assert response.status_code == 200
    [token] = ApiToken.objects.all()
    secret = response.context["secret"]
    assert len(secret) >= 43  # 256 random bits
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (token.user, token.name, token.prefix) == (
        personas["responder"],
        "CRM sync",
        secret[:8],
    )
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in value for value in every_stored_value())
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)

    again = client.get("/account/tokens/").content.decode()
    assert secret not in again
    assert "CRM sync" in again and token.prefix in again

    assert get_rules(api_client, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_needs_a_name(client, personas):
    client.force_login(personas["responder"])
    response = client.post("/account/tokens/", {"name": "  ", "days": "30"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert response.context["secret"] is None
    with pytest.raises(ValidationError) as error:
        api_token_create(user=personas["responder"], name="", days=30)
    assert set(error.value.message_dict) == {"name"}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, 366, "30"])
def test_a_token_lives_one_day_to_one_year(personas, days):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=personas["responder"], name="x", days=days)
    assert set(error.value.message_dict) == {"days"}
    assert not ApiToken.objects.exists()


def test_the_page_offers_only_the_listed_lifetimes(client, personas):
    client.force_login(personas["responder"])
    response = client.post("/account/tokens/", {"name": "x", "days": "10000"})
    assert response.status_code == 400
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused(api_client, personas, framework):
    secret = make_token(personas["api_reader"], days=7)
    expires = ApiToken.objects.get().expires_at
    with time_machine.travel(expires - datetime.timedelta(minutes=1)):
        assert get_rules(api_client, secret).status_code == 200
    with time_machine.travel(expires):
        response = get_rules(api_client, secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired."}
    assert response["WWW-Authenticate"] == "Token"


def test_the_owner_revokes_a_token_from_the_page(
    client, api_client, personas, framework
):
    owner = personas["api_reader"]
    secret = make_token(owner)
    token = ApiToken.objects.get()
    client.force_login(owner)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == owner
    response = get_rules(api_client, secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token was revoked."}


def test_nobody_else_revokes_a_token_from_the_page(client, personas):
    make_token(personas["api_reader"])
    token = ApiToken.objects.get()
    for persona in ("responder", "manager"):
        client.force_login(personas[persona])
        assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
        assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code in (
            404,
            405,
        )
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=personas["responder"], token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_lists_only_their_own_tokens(client, personas):
    make_token(personas["approver"], name="approver's connector")
    make_token(personas["responder"], name="my script")
    client.force_login(personas["responder"])
    body = client.get("/account/tokens/").content.decode()
    assert "my script" in body
    assert "approver&#x27;s connector" not in body
    assert "approver's connector" not in body


@pytest.fixture
def superuser(db):
    return make_user("root", [], is_superuser=True, is_staff=True)


def test_a_manager_lists_and_revokes_tokens_in_the_admin_without_any_secret(
    client, api_client, personas, superuser, framework
):
    secrets = [
        make_token(superuser, name="root automation"),
        make_token(personas["approver"], name="approver phone"),
    ]
    digests = list(ApiToken.objects.values_list("digest", flat=True))
    client.force_login(personas["manager"])

    listing = client.get("/admin/staffing/apitoken/")
    assert listing.status_code == 200
    pages = [listing.content.decode()]
    for token in ApiToken.objects.all():
        page = client.get(f"/admin/staffing/apitoken/{token.pk}/change/")
        assert page.status_code == 200
        pages.append(page.content.decode())
    assert "root automation" in pages[0] and "approver phone" in pages[0]
    for page in pages:
        for hidden in secrets + digests:
            assert hidden not in page

    # No key chosen in the admin, nothing edited or deleted in place.
    assert client.get("/admin/staffing/apitoken/add/").status_code == 403
    token = ApiToken.objects.get(name="approver phone")
    change = f"/admin/staffing/apitoken/{token.pk}/change/"
    assert client.post(change, {"name": "mine now"}).status_code == 403
    delete = f"/admin/staffing/apitoken/{token.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403

    response = client.post(
        "/admin/staffing/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.name == "approver phone"
    assert token.revoked_at is not None and token.revoked_by == personas["manager"]
    assert LogEntry.objects.filter(
        object_id=str(token.pk), user=personas["manager"]
    ).exists()
    assert get_rules(api_client, secrets[1]).status_code == 401
    assert get_rules(api_client, secrets[0]).status_code == 200


def test_only_managers_see_tokens_in_the_admin(client, personas):
    make_token(personas["api_reader"])
    client.force_login(personas["approver"])
    response = client.get("/admin/staffing/apitoken/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_inactive_users_token_is_refused(api_client, personas, framework):
    secret = make_token(personas["api_reader"])
    personas["api_reader"].is_active = False
    personas["api_reader"].save()
    assert get_rules(api_client, secret).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token not-a-token", "Token \u00e9t\u00e9"],
)
def test_a_malformed_or_unknown_token_is_refused(api_client, framework, header):
    api_client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = api_client.get(RULES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_last_use_is_written_at_most_once_a_minute(api_client, personas, framework):
    secret = make_token(personas["api_reader"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        get_rules(api_client, secret)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        get_rules(api_client, secret)
    token = ApiToken.objects.get()
    assert token.last_used_at == start
    later = start + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        get_rules(api_client, secret)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_command_prints_the_secret_once(personas, framework, api_client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token_create",
        "--user",
        "api_reader",
        "--name",
        "nightly export",
        "--days",
        "7",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert (token.name, token.prefix) == ("nightly export", secret[:8])
    assert secret not in err.getvalue()
    assert get_rules(api_client, secret).status_code == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "nobody", "--name", "x"], "No user is named 'nobody'."),
        (["--user", "api_reader", "--name", " "], "Name the token"),
        (["--user", "api_reader", "--name", "x", "--days", "0"], "between 1 and 365"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(personas, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("token_create", *arguments, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_old_readable_tokens_are_dropped_with_their_admin_history(personas):
    migration = import_module("staffing.migrations.0004_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('readable-key')")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('authtoken', '0001_initial', %s)",
            [timezone.now()],
        )
    kind = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=kind, codename="view_token", name="x")
    LogEntry.objects.create(
        content_type=kind,
        user=personas["manager"],
        object_id="readable-key",
        object_repr="readable-key",
        action_flag=1,
    )
    # Not entered: SQLite's editor refuses to open inside the test's transaction,
    # and the function only executes statements.
    migration.drop_readable_tokens(apps, connection.schema_editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_token").exists()
    assert not LogEntry.objects.filter(object_repr="readable-key").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
