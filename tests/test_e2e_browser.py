"""End to end in Debian's Chromium, driven by Playwright (no browser download: the
project's setup installs the Debian package `chromium`; .ci/run does it on CI).

A live server on a temporary database holding the fictional record of tests/web_seed.py.
An editor logs in, reviews suggestions (a click, then the keyboard shortcut) and merges
two persons on the Duplicates page; a viewer looks everywhere (pages, search, the API
with a bearer token, through the browser) and never meets a protected name. Every
test also checks that the browser asked nothing of any other host and that the pages
logged no error (a Content-Security-Policy violation is one). Screenshots of the main
pages go to test-output/screenshots/ (or $TAWTHIQ_SCREENSHOTS).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tawthiq.store import models as M
from tawthiq.store.search import index_document
from tawthiq.text import fold
from tawthiq.web.models import ApiToken
from web_seed import PASSWORD, seed, users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("TAWTHIQ_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(os.environ.get("TAWTHIQ_SCREENSHOTS", Path(__file__).resolve().parent.parent / "test-output"
                                  / "screenshots"))
PROTECTED = ["Nasim Fadel", "Hidden Yamout", "Secret Orchard", "Confidential Testimony Desk",
             "Testimony of a sergeant", "told us in confidence", "testimony-1"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test still talks to the
    # database directly (seeding, checking), which Django would otherwise refuse there.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(live_server):
    """The fictional record, indexed as ingestion and extraction would leave it, plus a
    duplicate candidate for the merge."""
    data = seed() | {"users": users()}
    for doc in M.Document.objects.all():
        index_document(doc.pk, doc.text)
    for name in M.PersonName.objects.all():
        name.normalized = fold(name.name)
        name.save()
    twin = M.Person.objects.create(document=data["second"], local_id="p2", name="Zayd Qarawi", rank="major",
                                   extractor="rules")
    M.PersonName.objects.create(person=twin, name=twin.name, kind="primary", normalized=fold(twin.name))
    data["twin"] = twin
    data["candidate"] = M.MatchCandidate.objects.create(
        left=data["zaid"], right=twin, match_weight=6.5, match_probability=0.97,
        explanation=[{"comparison": "family_name", "level": "exact key", "weight": 4.2}],
    )
    data["url"] = live_server.url
    return data


class Watched:
    """A page whose requests and console errors are recorded for the end-of-test checks."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.host = urlparse(base_url).netloc
        self.hosts: set[str] = set()
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _request(self, request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss"):
            self.hosts.add(url.netloc)

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def login(self, username: str):
        self.goto("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("form.stacked [type=submit]").click()
        self.page.wait_for_url(re.compile(r".*/$"))

    def shot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self):
        assert self.hosts <= {self.host}, f"requests left the server: {self.hosts - {self.host}}"
        assert not self.errors, f"console errors (CSP violations among them?): {self.errors}"
        self.context.close()


def test_editor_reviews_by_click_and_by_keyboard(browser, world):
    w = Watched(browser, world["url"])
    w.login("editor")
    w.goto("/review/")
    first = re.search(r"/review/(\w+)/(\d+)/$", w.page.url)
    assert first, w.page.url
    w.shot("review")
    w.page.click("#accept")
    w.page.wait_for_url(lambda url: not url.endswith(f"/{first[1]}/{first[2]}/"))
    second = re.search(r"/review/(\w+)/(\d+)/$", w.page.url)
    assert second and second.groups() != first.groups()
    w.page.keyboard.press("a")
    w.page.wait_for_url(lambda url: not url.endswith(f"/{second[1]}/{second[2]}/"))
    models = {"person": M.Person, "event": M.Event, "claim": M.Claim}
    for kind, pk in (first.groups(), second.groups()):
        item = models[kind].objects.get(pk=pk)
        assert item.review_state == "confirmed" and item.reviewed_by == world["users"]["editor"]
    assert "accepted" in w.page.content()
    w.assert_clean()


def test_editor_merges_two_persons_on_the_duplicates_page(browser, world):
    w = Watched(browser, world["url"])
    w.login("editor")
    w.goto("/duplicates/")
    assert "Zayd Qarawi" in w.page.content()
    w.shot("duplicates")
    w.page.click("button[name=decision][value=merge]")
    w.page.wait_for_load_state()
    assert "Merged" in w.page.content()
    zaid, twin = (M.Person.objects.get(pk=p.pk) for p in (world["zaid"], world["twin"]))
    assert (zaid.canonical_id or zaid.pk) == (twin.canonical_id or twin.pk)
    assert M.ResolutionDecision.objects.filter(judgement="same").count() == 1
    w.goto(f"/persons/{zaid.canonical_id or zaid.pk}/")
    records = w.page.inner_text("main")
    assert "Zayd Qarawi, major" in records and "Zaid Qarawi, captain" in records
    w.assert_clean()


def test_viewer_never_meets_a_protected_name(browser, world):
    w = Watched(browser, world["url"])
    w.login("viewer")
    pages = ["/", "/documents/", f"/documents/{world['public'].pk}/", "/documents/?q=Nasim",
             "/documents/?q=confidence", "/documents/?q=defected", "/persons/", "/persons/?q=Nasim",
             "/persons/?q=Yamout", f"/persons/{world['zaid'].pk}/", f"/events/{world['defection'].pk}/",
             "/organisations/", "/claims/", "/duplicates/", "/review/"]
    for path in pages:
        w.goto(path)
        text = w.page.content()
        assert not [s for s in PROTECTED if s in text], path
    w.goto(f"/persons/{world['zaid'].pk}/")
    assert "Zaid Qarawi" in w.page.content()  # what is open is shown
    # The hidden records' own addresses answer "not found", naming nobody.
    for path in (f"/persons/{world['witness'].pk}/", f"/persons/{world['hidden'].pk}/",
                 f"/documents/{world['secret'].pk}/"):
        response = w.page.request.get(path)
        assert response.status == 404 and not [s for s in PROTECTED if s in response.text()], path
    # The API, from the browser, with the viewer's own token.
    _, token = ApiToken.issue(world["users"]["viewer"], "e2e")
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/persons", "/api/persons?q=Nasim", "/api/search?q=Nasim", "/api/search?q=confidence",
                 "/api/documents", "/api/documents/herald-1", f"/api/persons/{world['zaid'].pk}", "/api/events",
                 f"/api/persons/{world['witness'].pk}", "/api/documents/testimony-1"):
        response = w.page.request.get(path, headers=headers)
        assert response.status in (200, 404), (path, response.status)
        assert not [s for s in PROTECTED if s in response.text()], path
    body = w.page.request.get("/api/persons", headers=headers).json()
    assert [p["name"] for p in body["items"]] == ["Zaid Qarawi", "Zayd Qarawi"]
    w.assert_clean()


def test_screenshots_of_the_main_pages(browser, world):
    """An analyst's view of every main page, and the API docs (local Swagger UI under the CSP)."""
    w = Watched(browser, world["url"])
    w.login("analyst")
    for name, path in [
        ("dashboard", "/"), ("documents", "/documents/"), ("search", "/documents/?q=defected"),
        ("document", f"/documents/{world['public'].pk}/"), ("persons", "/persons/"),
        ("person", f"/persons/{world['zaid'].pk}/"), ("event", f"/events/{world['defection'].pk}/"),
        ("organisations", "/organisations/"), ("claims", "/claims/"),
    ]:
        w.goto(path)
        w.shot(name)
    w.goto("/api/docs")
    w.page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert "/api/persons/{person_id}" in w.page.content()
    w.shot("api-docs")
    w.assert_clean()
