"""What editors do in the browser: review, merge or keep apart, protect; others may not."""

import pytest
from django.urls import reverse

from tawthiq.store import models as M
from web_seed import client_for, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db


def test_accept_and_reject_record_who_and_when_and_keep_history(world):
    client = client_for(world["users"]["editor"])
    zaid = world["zaid"]
    response = client.post(reverse("review-action", args=["person", zaid.pk, "accept"]))
    assert response.status_code == 302 and "/review/" in response["Location"]
    zaid.refresh_from_db()
    assert zaid.review_state == "confirmed" and zaid.reviewed_by == world["users"]["editor"] and zaid.reviewed_at
    last = zaid.history.first()
    assert last.history_user == world["users"]["editor"] and last.review_state == "confirmed"
    client.post(reverse("review-action", args=["claim", world["claim_a"].pk, "reject"]))
    world["claim_a"].refresh_from_db()
    assert world["claim_a"].review_state == "rejected"


def test_correct_keeps_the_machines_values_and_recomputes_the_date(world):
    client = client_for(world["users"]["editor"])
    event = world["arrest"]
    data = {"type": "imprisonment", "date": "2014-06", "date_end": "", "place_text": "a checkpoint",
            "manner": "", "amount": ""}
    response = client.post(reverse("review-action", args=["event", event.pk, "correct"]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.review_state == "corrected" and event.type == "imprisonment"
    assert event.suggested_values == {"type": "arrest", "date": "2014", "place_text": ""}
    assert event.date_precision == "month" and event.date_sort.isoformat() == "2014-06-01"
    bad = client.post(reverse("review-action", args=["event", event.pk, "correct"]), data | {"date": "June"})
    assert bad.status_code == 400 and "YYYY" in bad.content.decode()


def test_the_queue_moves_on_and_counts_what_is_left(world):
    client = client_for(world["users"]["editor"])
    first = client.get(reverse("review"))
    assert first.status_code == 302
    page = client.get(first["Location"]).content.decode()
    total = sum(m.objects.filter(review_state="suggested").count() for m in (M.Person, M.Event, M.Claim))
    assert f"<strong>{total}</strong> left" in page
    client.post(reverse("review-accept-document", args=[world["public"].pk]))
    assert not M.Event.objects.filter(document=world["public"], review_state="suggested").exists()
    assert M.Event.objects.filter(document=world["second"], review_state="suggested").exists()
    left = total - sum(
        m.objects.filter(document=world["public"]).count() for m in (M.Person, M.Event, M.Claim))
    follow = client.get(reverse("review"), follow=True).content.decode()
    assert f"<strong>{left}</strong> left" in follow


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_readers_cannot_act(world, role):
    client = client_for(world["users"][role])
    zaid = world["zaid"]
    assert client.post(reverse("review-action", args=["person", zaid.pk, "accept"])).status_code == 403
    assert client.post(reverse("protect-person", args=[zaid.pk]), {"protected": "1"}).status_code == 403
    zaid.refresh_from_db()
    assert zaid.review_state == "suggested" and not zaid.protected
    page = client.get(reverse("review-item", args=["person", zaid.pk])).content.decode()
    assert 'id="accept"' not in page


def test_merge_and_keep_apart_store_decisions(world):
    editor = world["users"]["editor"]
    client = client_for(editor)
    other = M.Person.objects.create(document=world["second"], local_id="p9", name="Z. Qarawi", rank="captain")
    keep = M.MatchCandidate.objects.create(left=world["zaid"], right=other, match_weight=2.0, match_probability=0.7,
                                           explanation=[{"comparison": "name", "level": "fuzzy", "weight": 2.5},
                                                        {"comparison": "origin", "level": "different", "weight": -1.0}])
    page = client.get(reverse("duplicates")).content.decode()
    assert "Z. Qarawi" in page and 'class="weight-for"' in page and 'class="weight-against"' in page
    client.post(reverse("duplicate-decide", args=[keep.pk]), {"decision": "apart"})
    decision = M.ResolutionDecision.objects.get()
    assert decision.judgement == "different" and decision.decided_by == editor
    merge = M.MatchCandidate.objects.create(left=world["witness"], right=other, match_weight=1.0, match_probability=0.6)
    client.post(reverse("duplicate-decide", args=[merge.pk]), {"decision": "merge"})
    assert M.ResolutionDecision.objects.filter(judgement="same").count() == 1
    other.refresh_from_db()
    world["witness"].refresh_from_db()
    assert (other.canonical_id or other.pk) == (world["witness"].canonical_id or world["witness"].pk)


def test_protect_buttons_hide_from_viewers_at_once(world):
    editor, viewer = client_for(world["users"]["editor"]), client_for(world["users"]["viewer"])
    url = reverse("person", args=[world["zaid"].pk])
    assert viewer.get(url).status_code == 200
    editor.post(reverse("protect-person", args=[world["zaid2"].pk]), {"protected": "1"})
    assert viewer.get(url).status_code == 404  # a member's protection covers the cluster
    assert "Qarawi" not in viewer.get(reverse("persons")).content.decode()
    editor.post(reverse("protect-person", args=[world["zaid2"].pk]), {"protected": "0"})
    assert viewer.get(url).status_code == 200
    editor.post(reverse("protect-document", args=[world["second"].pk]), {"protected": "1"})
    assert viewer.get(reverse("document", args=[world["second"].pk])).status_code == 404
    history = client_for(world["users"]["admin"]).get(reverse("history", args=["document", world["second"].pk]))
    assert "editor" in history.content.decode() and "protected" in history.content.decode()


def test_removing_protection_on_a_profile_clears_the_whole_cluster(world):
    editor, viewer = client_for(world["users"]["editor"]), client_for(world["users"]["viewer"])
    world["zaid2"].protected = True
    world["zaid2"].save()
    url = reverse("person", args=[world["zaid"].pk])
    assert viewer.get(url).status_code == 404
    editor.post(reverse("protect-person", args=[world["zaid"].pk]), {"protected": "0"})
    assert viewer.get(url).status_code == 200
