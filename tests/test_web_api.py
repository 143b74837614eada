"""The JSON API: tokens, authentication, what each role gets, and the shapes of the answers.

Data: the fictional record of tests/web_seed.py (every name in it is invented).
"""

import json

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.store import models as M
from tawthiq.store.search import index_document
from tawthiq.text import fold
from tawthiq.web.models import AccessLog, ApiToken
from web_seed import seed, users

pytestmark = pytest.mark.django_db

# What a viewer must never read, anywhere in an answer.
PROTECTED = [
    "Nasim Fadel",  # protected witness in a public document
    "Hidden Yamout",  # known only from the protected document
    "Testimony of a sergeant",  # the protected document's title
    "Confidential Testimony Desk",  # its publisher
    "testimony-1",  # its id
    "Secret Orchard",  # an organisation only the protected document mentions
    "told us in confidence",  # a quote from it
]


def indexed(world: dict) -> dict:
    """What ingestion and extraction add to the seed: the full-text index and name keys."""
    for doc in M.Document.objects.all():
        index_document(doc.pk, doc.text)
    for name in M.PersonName.objects.all():
        name.normalized = fold(name.name)
        name.save()
    return world


@pytest.fixture
def world():
    return indexed(seed() | {"users": users()})


def bearer(client, user):
    _, raw = ApiToken.issue(user, "test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response.json()


def assert_no_protected(body):
    text = json.dumps(body, ensure_ascii=False)
    for secret in PROTECTED:
        assert secret not in text


# --- tokens and authentication ----------------------------------------------------------

def test_token_command_prints_a_token_that_is_stored_only_as_its_hash(world, client):
    result = CliRunner().invoke(app, ["token", "analyst", "--label", "notebook"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    assert raw.startswith(ApiToken.PREFIX) and len(raw) > 30
    row = ApiToken.objects.get(user=world["users"]["analyst"])
    assert row.name == "notebook" and row.last_used is None
    assert raw not in row.token_hash and row.token_hash == ApiToken.hash(raw)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    assert get(client, "/api/documents")["count"] == 3
    row.refresh_from_db()
    assert row.last_used is not None


def test_token_command_for_an_unknown_user_fails_with_one_line(world):
    result = CliRunner().invoke(app, ["token", "nobody-here"])
    assert result.exit_code == 1
    assert "no user named 'nobody-here'" in result.output and "Traceback" not in result.output
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", [None, "Bearer tq_not-a-real-token", "Token abc", "Bearer "])
def test_without_valid_credentials_every_endpoint_answers_401(world, client, header):
    if header:
        client.defaults["HTTP_AUTHORIZATION"] = header
    for url in ["/api/documents", "/api/documents/herald-1", "/api/persons", f"/api/persons/{world['zaid'].pk}",
                "/api/events", "/api/claims", "/api/search?q=defected"]:
        assert client.get(url).status_code == 401, url


def test_a_disabled_users_token_stops_working(world, client):
    user = world["users"]["analyst"]
    bearer(client, user)
    get(client, "/api/documents")
    user.is_active = False
    user.save()
    assert client.get("/api/documents").status_code == 401


def test_a_user_without_role_gets_403(world, client):
    nobody = get_user_model().objects.create_user("nobody", password="x")
    bearer(client, nobody)
    response = client.get("/api/persons")
    assert response.status_code == 403 and "no role" in response.json()["detail"]


def test_the_browser_session_is_accepted(world, client):
    client.force_login(world["users"]["viewer"])
    assert get(client, "/api/documents")["count"] == 2


# --- the viewer never sees protection -------------------------------------------------------

def test_viewer_lists_hold_nothing_protected(world, client):
    bearer(client, world["users"]["viewer"])
    docs = get(client, "/api/documents")
    assert {d["id"] for d in docs["items"]} == {"herald-1", "herald-2"}
    persons = get(client, "/api/persons")
    assert [p["name"] for p in persons["items"]] == ["Zaid Qarawi"]
    events = get(client, "/api/events")
    assert {e["id"] for e in events["items"]} == {world[k].pk for k in ("defection", "arrest", "death")}
    claims = get(client, "/api/claims")
    assert {c["quantity"] for c in claims["items"]} == {120, 95}
    for body in (docs, persons, events, claims):
        assert_no_protected(body)


def test_viewer_gets_the_same_404_for_protected_and_missing_ids(world, client):
    bearer(client, world["users"]["viewer"])
    for pk in (world["witness"].pk, world["hidden"].pk, 987654):
        body = get(client, f"/api/persons/{pk}", 404)
        assert body == {"detail": "no such person"}
    for doc_id in ("testimony-1", "no-such-doc"):
        assert get(client, f"/api/documents/{doc_id}", 404) == {"detail": "no such document"}


def test_viewer_document_text_and_quotes_are_redacted(world, client):
    bearer(client, world["users"]["viewer"])
    doc = get(client, "/api/documents/herald-1")
    assert "Captain Zaid Qarawi" in doc["text"] and "[protected]" in doc["text"]
    assert doc["offsets_exact"] is False
    assert {p["name"] for p in doc["persons"]} == {"Zaid Qarawi"}
    assert {e["id"] for e in doc["events"]} == {world["defection"].pk, world["arrest"].pk}
    assert_no_protected(doc)


def test_viewer_quotes_that_name_a_protected_person_are_redacted(world, client):
    text = "Zaid Qarawi crossed the border with Nasim Fadel in 2012."
    doc = M.Document.objects.create(doc_id="herald-3", text=text, publisher=world["open_pub"], sha256="3" * 64)
    index_document(doc.pk, text)
    escape = M.Event.objects.create(document=doc, local_id="e1", type="escape", date="2012")
    M.EventParticipant.objects.create(event=escape, role="subject", person=world["zaid"])
    M.Evidence.objects.create(document=doc, start=0, end=len(text) - 1, quote=text[:-1], event=escape)
    start = text.index("Nasim Fadel")
    M.Evidence.objects.create(document=doc, start=start, end=start + 11, quote="Nasim Fadel", person=world["witness"])
    bearer(client, world["users"]["viewer"])
    event = get(client, "/api/events?type=escape")["items"][0]
    assert event["evidence"][0]["quote"] == "Zaid Qarawi crossed the border with [protected] in 2012"
    assert event["evidence"][0]["start"] is None  # offsets would not fit the redacted text
    profile = get(client, f"/api/persons/{world['zaid'].pk}")
    assert "escape" in [e["type"] for e in profile["trajectory"]]
    hit = get(client, "/api/search?q=border")["documents"][0]
    assert "crossed the border with [protected]" in hit["snippet"]
    for body in (event, profile, hit, get(client, "/api/documents/herald-3")):
        assert_no_protected(body)


def test_viewer_search_finds_no_protected_name_or_document(world, client):
    bearer(client, world["users"]["viewer"])
    for q in ("Nasim", "Yamout", "Orchard", "confidence", "sergeant"):
        body = get(client, f"/api/search?q={q}")
        assert body["persons"] == []
        assert_no_protected(body)
    body = get(client, "/api/search?q=defected")
    assert {h["document"]["id"] for h in body["documents"]} == {"herald-1"}
    assert_no_protected(body)


def test_viewer_cannot_list_events_of_a_protected_person(world, client):
    bearer(client, world["users"]["viewer"])
    assert get(client, f"/api/events?person={world['witness'].pk}")["count"] == 0
    assert get(client, f"/api/events?person={world['zaid'].pk}")["count"] == 3


# --- what the other roles get --------------------------------------------------------------

def test_analyst_sees_protected_records_and_the_view_is_logged(world, client):
    bearer(client, world["users"]["analyst"])
    body = get(client, f"/api/persons/{world['hidden'].pk}")
    assert body["name"] == "Hidden Yamout"
    assert [s["id"] for s in body["sources"]] == ["testimony-1"]
    assert AccessLog.objects.filter(user=world["users"]["analyst"], model="person",
                                    object_id=str(world["hidden"].pk)).exists()
    doc = get(client, "/api/documents/testimony-1")
    assert doc["text"].startswith("Sergeant Hidden Yamout told us in confidence")
    assert doc["offsets_exact"] is True and doc["protected"] is True
    hit = get(client, "/api/search?q=confidence")["documents"][0]
    assert hit["document"]["id"] == "testimony-1" and "confidence" in hit["snippet"]


@pytest.mark.parametrize("role", ["analyst", "editor", "admin"])
def test_every_reading_role_above_viewer_sees_everything(world, client, role):
    bearer(client, world["users"][role])
    assert get(client, "/api/documents")["count"] == 3
    assert {p["name"] for p in get(client, "/api/persons")["items"]} == {"Zaid Qarawi", "Nasim Fadel", "Hidden Yamout"}
    assert get(client, "/api/events")["count"] == 5


# --- shapes ------------------------------------------------------------------------------

def test_person_profile_unites_the_cluster_in_date_order(world, client):
    bearer(client, world["users"]["viewer"])
    body = get(client, f"/api/persons/{world['zaid2'].pk}")  # a member record leads to its canonical person
    assert body["id"] == world["zaid"].pk and body["name"] == "Zaid Qarawi"
    assert {n["name"] for n in body["names"]} == {"Zaid Qarawi", "Zaid al-Qarawi", "زيد القرعاوي"}
    assert [r["rank"] for r in body["records"]] == ["captain", "major"]  # conflicting values side by side
    assert [e["type"] for e in body["trajectory"]] == ["defection", "arrest", "death"]
    assert body["trajectory"][0]["evidence"][0]["quote"].startswith("Captain Zaid Qarawi of the 77th")
    assert [s["id"] for s in body["sources"]] == ["herald-1", "herald-2"]
    assert body["memberships"][0]["organization"] == "77th Brigade"


def test_documents_filters_and_pagination(world, client):
    bearer(client, world["users"]["analyst"])
    page = get(client, "/api/documents?page_size=2")
    assert page["count"] == 3 and len(page["items"]) == 2
    assert [d["id"] for d in page["items"]] == ["testimony-1", "herald-2"]  # newest first
    assert [d["id"] for d in get(client, "/api/documents?page_size=2&page=2")["items"]] == ["herald-1"]
    assert get(client, "/api/documents?published_to=2016-01-01")["count"] == 1
    assert get(client, "/api/documents?q=sednaya")["items"][0]["id"] == "herald-2"


def test_rejected_statements_are_left_out_unless_asked_for(world, client):
    world["arrest"].review_state = "rejected"
    world["arrest"].save()
    bearer(client, world["users"]["analyst"])
    assert world["arrest"].pk not in {e["id"] for e in get(client, "/api/events")["items"]}
    assert [e["id"] for e in get(client, "/api/events?review_state=rejected")["items"]] == [world["arrest"].pk]


def test_person_search_folds_arabic_spellings(world, client):
    bearer(client, world["users"]["viewer"])
    assert [p["name"] for p in get(client, "/api/persons?q=زيد")["items"]] == ["Zaid Qarawi"]
    assert [p["name"] for p in get(client, "/api/search?q=Qarawi")["persons"]] == ["Zaid Qarawi"]


def test_openapi_schema_and_docs_page_are_local(world, client):
    schema = get(client, "/api/openapi.json")
    paths = set(schema["paths"])
    assert {"/api/documents", "/api/documents/{doc_id}", "/api/persons", "/api/persons/{person_id}",
            "/api/events", "/api/claims", "/api/search"} <= paths
    assert "BearerToken" in schema["components"]["securitySchemes"]
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_list_totals_are_counted_up_to_a_cap(world, client, monkeypatch):
    from tawthiq.web import api

    bearer(client, world["users"]["analyst"])
    page = get(client, "/api/events?page_size=2")
    assert (page["count"], page["count_capped"]) == (5, False)
    monkeypatch.setattr(api, "COUNT_CAP", 3)
    page = get(client, "/api/events?page_size=2&page=2")
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, True, 2)


def test_a_canonical_record_from_a_protected_document_lends_nothing_to_the_list(world, client):
    """A cluster seen through its open member: name and rank come from that member only."""
    head = M.Person.objects.create(document=world["secret"], local_id="p2", name="Colonel Secretname",
                                   rank="colonel", extractor="rules")
    M.Person.objects.create(document=world["public"], local_id="p9", name="Open Member", canonical=head,
                            extractor="rules")
    bearer(client, world["users"]["viewer"])
    rows = {p["id"]: p for p in get(client, "/api/persons")["items"]}
    assert rows[head.pk]["name"] == "Open Member" and rows[head.pk]["rank"] == ""
    profile = get(client, f"/api/persons/{head.pk}")
    assert profile["name"] == "Open Member" and [r["name"] for r in profile["records"]] == ["Open Member"]
    assert "Secretname" not in json.dumps(profile) and "colonel" not in json.dumps(profile)
