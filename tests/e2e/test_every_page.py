"""Every page, in French and English, on a desk and on a 390 px phone: no
horizontal scrolling, no WCAG 2.1 A/AA violation found by axe-core, and a
screenshot of each saved for a person to look at."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from moderation.models import Channel
from moderation.services.ingest import comment_ingest
from policies.models import PolicyVersion, Rule
from tests.conftest import PASSWORD
from tests.e2e.conftest import ConsoleErrors, watch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {
    "desk": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Pages of the product's own layout; the admin and Swagger UI are Django's and
# Swagger's own pages, checked for width only.
ADMIN_PAGES = ["/admin/", "/admin/moderation/comment/"]


def pages_of(comment, rule, channel, training=()):
    return [
        "/",
        "/notices/",
        "/notices/netiquette/",
        "/disclosures/",
        "/inbox/",
        f"/inbox/{comment.pk}/",
        "/approvals/",
        "/coverage/",
        "/channels/",
        "/channels/connect/",
        f"/channels/{channel.pk}/edit/",
        "/sla/",
        "/dashboard/",
        f"/backtest/{rule.version_id}/",
        "/account/tokens/",
        "/no-such-page/",
        *training,
    ]


@pytest.fixture
def site(personas, channel):
    comment, _ = comment_ingest(
        channel=channel, external_id="every-1", author="Jeanne Tremblay",
        text="Appelez-moi au 514 555 0199, votre service est le pire",
        posted_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    rule = Rule.objects.filter(version=PolicyVersion.objects.get()).first()
    return comment, rule, Channel.objects.get(), _training_pages(personas, comment)


def _training_pages(personas, comment):
    """My training, a lesson, an exam taken and one under way, practice, the
    team matrix and a calibration round, as the manager sees them."""
    from staffing.models import TrainingProgram
    from tests.training.conftest import wrong_answers
    from training.services import attempt_start, attempt_submit, calibration_start

    manager = personas["manager"]
    program = TrainingProgram.objects.get(slug="social-media-response")
    now = datetime.datetime.now(datetime.UTC)
    failed = attempt_start(
        user=manager, program=program, now=now - datetime.timedelta(days=2)
    )
    attempt_submit(
        attempt=failed, user=manager, answers=wrong_answers(failed),
        now=now - datetime.timedelta(days=2),
    )  # fmt: skip
    running = attempt_start(user=manager, program=program)
    round_ = calibration_start(
        actor=manager, name="Calibration « juin »", comments=[comment],
        responders=[manager, personas["responder"]],
    )  # fmt: skip
    return [
        "/training/",
        f"/training/lessons/{program.lessons.order_by('pk').first().pk}/",
        f"/training/attempts/{failed.pk}/",
        f"/training/attempts/{running.pk}/",
        "/training/practice/",
        "/training/team/",
        "/training/calibration/",
        f"/training/calibration/{round_.pk}/",
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_fits_and_passes_axe(
    live_server, browser, site, language, width, screenshot_dir
):
    context = browser.new_context(viewport=WIDTHS[width], locale=language)
    page = context.new_page()
    errors = ConsoleErrors()
    errors.expect("the server responded with a status of 404")  # /no-such-page/
    watch(page, errors)
    page.goto(live_server.url + f"/accounts/login/?lang={language}")
    page.locator("#id_username").fill("manager")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/inbox/")
    axe = Axe()
    problems = []
    violations = 0
    for path in pages_of(*site) + ADMIN_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(
            path=str(screenshot_dir / f"{name}-{language}-{width}.png"), full_page=True
        )
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth,"
            " document.documentElement.clientWidth]"
        )
        if scroll > client:
            problems.append(f"{path}: {scroll} px wide in a {client} px window")
        if path in ADMIN_PAGES:
            continue
        results = axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            violations += len(violation["nodes"])
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{path}: {violation['id']} {targets}")
    context.close()
    print(f"\naxe: {violations} violating nodes ({language}, {width})")
    assert problems == [], "\n".join(problems)
    assert errors.unexpected() == []
