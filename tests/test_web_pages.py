"""Every page renders for every role on the fictional record; a viewer never sees what is protected."""

import pytest
from django.test import Client
from django.urls import reverse

from tawthiq.store import models as M
from web_seed import client_for, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db

# Strings that exist only in protected records (names, quotes, titles, publishers).
PROTECTED = ["Nasim Fadel", "Hidden Yamout", "Secret Orchard", "Confidential Testimony Desk",
             "Testimony of a sergeant", "told us in confidence"]



def page_urls(w) -> list[str]:
    """Every page, with objects every role may see."""
    return [
        reverse("dashboard"), reverse("documents"), reverse("documents") + "?q=defected",
        reverse("documents") + "?q=Tell+Warda&language=en", reverse("document", args=[w["public"].pk]),
        reverse("review"), reverse("review-item", args=["person", w["zaid"].pk]),
        reverse("review-item", args=["event", w["defection"].pk]), reverse("review-item", args=["claim", w["claim_a"].pk]),
        reverse("persons"), reverse("persons") + "?status=died", reverse("persons") + "?rank=captain",
        reverse("persons") + f"?unit={w['brigade'].pk}", reverse("persons") + "?event=arrest&origin=Tell",
        reverse("person", args=[w["zaid"].pk]), reverse("event", args=[w["defection"].pk]),
        reverse("duplicates"), reverse("organisations"), reverse("organisation", args=[w["brigade"].pk]),
        reverse("claims"), reverse("claims") + "?category=defection&year=2012",
        reverse("claim", args=[w["claim_a"].pk]),
        reverse("history", args=["person", w["zaid"].pk]), reverse("history", args=["document", w["public"].pk]),
        reverse("history", args=["event", w["defection"].pk]), reverse("history", args=["claim", w["claim_a"].pk]),
        reverse("history", args=["organisation", w["brigade"].pk]),
    ]


@pytest.mark.parametrize("role", ["admin", "editor", "analyst", "viewer"])
def test_every_page_renders_for_every_role(world, role):
    client = client_for(world["users"][role])
    for url in page_urls(world):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert b"<html" in response.content, url


def test_anonymous_users_are_sent_to_login(world):
    response = Client().get(reverse("persons"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def protected_urls(w) -> list[str]:
    """Pages of protected records and of what is known only from them."""
    return [
        reverse("document", args=[w["secret"].pk]), reverse("person", args=[w["witness"].pk]),
        reverse("person", args=[w["hidden"].pk]), reverse("event", args=[w["hidden_defection"].pk]),
        reverse("event", args=[w["witnessed"].pk]), reverse("organisation", args=[w["orchard"].pk]),
        reverse("history", args=["person", w["witness"].pk]), reverse("history", args=["document", w["secret"].pk]),
        reverse("review-item", args=["person", w["hidden"].pk]),
    ]


def test_viewer_never_sees_a_protected_name_quote_title_or_publisher(world):
    client = client_for(world["users"]["viewer"])
    searches = [reverse("documents") + "?q=" + q for q in ("witness", "Nasim", "confidence", "Orchard", "defected")]
    for url in page_urls(world) + searches:
        body = client.get(url, follow=True).content.decode()
        for secret in PROTECTED:
            assert secret not in body, (url, secret)
    # The public document mentions the protected witness: blanked in the reader.
    reader = client.get(reverse("document", args=[world["public"].pk])).content.decode()
    assert "[protected]" in reader and "Captain Zaid Qarawi" in reader
    for url in protected_urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        for secret in PROTECTED:
            assert secret not in response.content.decode(), (url, secret)


def test_viewer_cannot_use_filters_as_an_oracle_on_protected_facts(world):
    client = client_for(world["users"]["viewer"])
    # Zaid's only event of type defection in the brigade is public; the hidden sergeant's is not.
    body = client.get(reverse("persons") + f"?unit={world['brigade'].pk}").content.decode()
    assert "Zaid" in body and "Yamout" not in body
    body = client.get(reverse("documents") + f"?publisher={world['secret_pub'].pk}").content.decode()
    assert "No documents match." in body


def test_analyst_sees_protected_records_and_each_view_is_logged(world):
    from tawthiq.web.models import AccessLog

    client = client_for(world["users"]["analyst"])
    response = client.get(reverse("document", args=[world["secret"].pk]))
    assert response.status_code == 200 and "Hidden Yamout" in response.content.decode()
    assert client.get(reverse("person", args=[world["hidden"].pk])).status_code == 200
    assert client.get(reverse("document", args=[world["public"].pk])).status_code == 200  # not protected: no log
    logged = list(AccessLog.objects.order_by("when").values_list("model", "object_id", "path"))
    assert logged == [
        ("document", str(world["secret"].pk), reverse("document", args=[world["secret"].pk])),
        ("person", str(world["hidden"].pk), reverse("person", args=[world["hidden"].pk])),
    ]


def test_missing_pages_answer_with_a_page_that_echoes_nothing(world):
    client = client_for(world["users"]["viewer"])
    response = client.get("/persons/999999/?name=Nasim+Fadel")
    assert response.status_code == 404
    assert "Nasim" not in response.content.decode() and "999999" not in response.content.decode()


def test_every_response_has_a_strict_content_security_policy(world):
    client = client_for(world["users"]["editor"])
    for url in (reverse("dashboard"), reverse("login"), reverse("person", args=[world["zaid"].pk])):
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    body = client.get(reverse("review-item", args=["event", world["defection"].pk])).content.decode()
    assert "<script>" not in body and " style=" not in body and "http://" not in body and "https://" not in body


def test_forms_are_refused_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["editor"])
    url = reverse("review-action", args=["person", world["zaid"].pk, "accept"])
    assert client.post(url).status_code == 403
    world["zaid"].refresh_from_db()
    assert world["zaid"].review_state == "suggested"
    page = client.get(reverse("review-item", args=["person", world["zaid"].pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    token = client.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302


def test_status_filter_agrees_with_the_status_column(world):
    """The SQL behind ?status= mirrors analyse.trajectory.status_of (shown in the list)."""
    import datetime as dt
    import re

    from tawthiq.analyse.trajectory import STATUSES

    doc = world["second"]
    for name, events in {"Rami Undated": [("arrest", "2014"), ("death", "")],
                         "Adel Later": [("death", "2013"), ("reconciliation", "2019")],
                         "Samir Twice": [("defection", "2012"), ("reconciliation", "2018"), ("arrest", "2018")]}.items():
        person = M.Person.objects.create(document=doc, name=name)
        for type_, date in events:
            ev = M.Event.objects.create(document=doc, type=type_, date=date,
                                        date_sort=dt.date(int(date), 1, 1) if date else None)
            M.EventParticipant.objects.create(event=ev, role="subject", person=person)
    client = client_for(world["users"]["analyst"])
    listed = client.get(reverse("persons")).content.decode()
    column = dict(re.findall(r'dir="auto">([^<]+)</a></td>.*?(?:class="status status-(\w+)"|<td>—</td>\s*<td>\d)', listed, re.S))
    assert column["Rami Undated"] == "died" and column["Adel Later"] == "died" and column["Samir Twice"] == "detained"
    for status in STATUSES:
        body = client.get(reverse("persons") + f"?status={status}").content.decode()
        names = set(re.findall(r'<td><a href="/persons/\d+/" dir="auto">([^<]+)</a>', body))
        assert names == {n for n, s in column.items() if s == status}, status


def test_person_search_finds_every_spelling_and_only_visible_clusters(world):
    analyst, viewer = client_for(world["users"]["analyst"]), client_for(world["users"]["viewer"])
    for query in ("qarawi", "القرعاوي", "al-Qarawi"):
        body = analyst.get(reverse("persons") + "?q=" + query).content.decode()
        assert f'href="/persons/{world["zaid"].pk}/"' in body, query
    assert "Yamout" in analyst.get(reverse("persons") + "?q=Yamout").content.decode()
    assert "No persons match." in viewer.get(reverse("persons") + "?q=Yamout").content.decode()
