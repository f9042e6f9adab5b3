"""Facebook in a real browser, 390 px wide, against the loopback Graph API: a
manager connects a Page with Facebook Login (the dialog on loopback), a
signed webhook delivery brings a comment in, a responder answers it on its
page and the reply reaches the Graph API with the Page token; then the token
expires and the Channels page says the channel is in error."""

import json

import pytest
import requests
from playwright.sync_api import expect

from connectors.meta.webhooks import sign
from connectors.polling import poll_once
from moderation.models import Channel, Comment, OutboxMessage
from staffing.models import TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.conftest import PASSWORD
from tests.connectors.meta import conftest as on_loopback
from tests.connectors.meta import graph_server as gs
from tests.e2e.conftest import OVERFLOWING

graph = on_loopback.graph

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-GB",
        "viewport": {"width": 390, "height": 844},
    }


def sign_in(page, live_server, username):
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").last.click()


def test_connect_a_page_receive_a_comment_and_answer_it(
    live_server, page, graph, framework, personas, console_errors, screenshot
):
    sign_in(page, live_server, "manager")
    page.goto(live_server.url + "/channels/")
    page.get_by_role("link", name="Connect with Facebook").click()
    expect(page.locator("main")).to_contain_text("instagram_manage_comments")
    assert page.evaluate(OVERFLOWING) == []
    page.get_by_role("button", name="Connect with Facebook").click()
    # Facebook's dialog (on loopback): allow.
    expect(page).to_have_title("Log in with Facebook")
    page.locator("#allow").click()
    expect(page.get_by_role("heading", name="Pick the Pages to watch")).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []
    page.get_by_label("Ville de Lévis (Instagram @villedelevis)").check()
    page.get_by_label("Coverage calendar").select_option(index=1)
    page.get_by_role("button", name="Connect these Pages").click()
    expect(page.locator("main")).to_contain_text("facebook-ville-de-levis")
    screenshot("channels")
    facebook = Channel.objects.get(connector="facebook")
    assert graph.calls("POST", f"/{gs.VERSION}/{gs.PAGE_ID}/subscribed_apps")

    program = TrainingProgram.objects.create(
        slug="response", name_fr="Réponse", name_en="Response", validity_months=12
    )
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program
    )
    grant_create(
        actor=personas["manager"],
        responder=personas["responder"],
        required_program=program,
        max_severity="critical",
        channels=[facebook.slug],
    )
    body = gs.payload("feed_comment_add", MESSAGE="<script>alert(1)</script> idiot")
    raw = json.dumps(body).encode()
    answer = requests.post(
        live_server.url + "/channels/meta/webhook/",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(raw, gs.APP_SECRET),
        },
        timeout=10,
    )
    assert answer.status_code == 200
    comment = Comment.objects.get(channel=facebook)

    page.context.clear_cookies()
    sign_in(page, live_server, "responder")
    page.goto(live_server.url + f"/inbox/{comment.pk}/")
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    page.get_by_role("button", name="Claim").click()
    page.locator("#body").fill("Restons courtois, s'il vous plaît.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator("main")).to_contain_text("Restons courtois")
    assert page.evaluate(OVERFLOWING) == []
    message = OutboxMessage.objects.get(answer__comment=comment)
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    [reply] = graph.calls("POST", f"/{gs.VERSION}/2000_3000/comments")
    assert reply[2]["access_token"] == gs.PAGE_TOKEN
    assert reply[2]["message"] == "Restons courtois, s'il vous plaît."

    graph.expired.add(gs.PAGE_TOKEN)
    poll_once(facebook, force=True)
    page.context.clear_cookies()
    sign_in(page, live_server, "manager")
    page.goto(live_server.url + "/channels/")
    expect(page.locator("main")).to_contain_text("In error")
    expect(page.locator("main")).to_contain_text(
        "The platform refused the channel's credentials: connect it again."
    )
    assert page.evaluate(OVERFLOWING) == []
    assert console_errors == []
