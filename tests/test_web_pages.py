"""Every page renders for every role on the fictional record; a viewer never sees what is protected."""

import pytest
from django.test import Client
from django.urls import reverse

from tawthiq.store import models as M
from web_seed import seed, users

pytestmark = pytest.mark.django_db

# Strings that exist only in protected records (names, quotes, titles, publishers).
PROTECTED = ["Nasim Fadel", "Hidden Yamout", "Secret Orchard", "Confidential Testimony Desk",
             "Testimony of a sergeant", "told us in confidence"]


@pytest.fixture
def world():
    data = seed()
    data["users"] = users()
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
