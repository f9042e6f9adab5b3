"""403, 404 and 500 in the site's layout and language, with a way back; the
500 page renders without the database; REST clients get JSON."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from governance.views import server_error

pytestmark = pytest.mark.django_db


def test_404_speaks_french_in_the_layout(client, responder):
    client.force_login(responder)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body
    assert 'aria-label="Navigation principale"' in body  # the site's menu
    assert "Retour à la page d’accueil" in body
    assert 'lang="fr"' in body


def test_a_comment_of_no_one_is_a_404_page_in_english(client, responder):
    client.force_login(responder)
    response = client.get("/inbox/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Back to the home page" in response.content.decode()


def test_403_explains_and_leads_back(client, responder):
    client.force_login(responder)
    response = client.get("/sla/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Accès refusé" in body
    assert "demandez-le à un gestionnaire" in body
    assert "Retour à la page d’accueil" in body


def test_api_errors_stay_json(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_500_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/inbox/")
    with translation.override("fr"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Une erreur est survenue" in body
    assert "Retour à la page d’accueil" in body
    assert "Se déconnecter" not in body  # no user, no session


@pytest.mark.urls("tests.governance.failing_urls")
def test_a_failing_view_ends_on_the_product_page(client, responder):
    client.raise_request_exception = False
    client.force_login(responder)
    response = client.get("/fails/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Back to the home page" in body
