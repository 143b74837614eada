"""The access rules of tawthiq.web.access: roles and what a viewer may see."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.models import AccessLog
from web_seed import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_roles_come_from_groups_and_superuser_is_admin(world):
    u = world["users"]
    assert [access.role_of(u[r]) for r in access.ROLES] == list(access.ROLES)
    assert access.can_edit(u["editor"]) and access.can_edit(u["admin"])
    assert not access.can_edit(u["analyst"]) and not access.can_edit(u["viewer"])
    assert access.can_see_protected(u["analyst"]) and not access.can_see_protected(u["viewer"])
    root = get_user_model().objects.create_superuser("root", password="x")
    assert access.role_of(root) == "admin"
    assert access.role_of(AnonymousUser()) is None
    nobody = get_user_model().objects.create_user("nobody", password="x")
    assert access.role_of(nobody) is None
    assert not access.visible_documents(nobody).exists()


def test_set_role_replaces_the_previous_role(world):
    user = world["users"]["viewer"]
    access.set_role(user, "editor")
    user = get_user_model().objects.get(pk=user.pk)
    assert access.role_of(user) == "editor"
    with pytest.raises(ValueError):
        access.set_role(user, "overlord")


def test_viewer_sees_no_protected_document_or_what_is_known_only_from_it(world):
    viewer, analyst = world["users"]["viewer"], world["users"]["analyst"]
    assert set(access.visible_documents(viewer)) == {world["public"], world["second"]}
    assert access.visible_documents(analyst).count() == 3
    persons = set(access.visible_persons(viewer))
    assert world["hidden"] not in persons  # only in the protected document
    assert world["witness"] not in persons  # protected itself
    assert {world["zaid"], world["zaid2"]} <= persons
    assert world["hidden_defection"] not in access.visible_events(viewer)
    assert world["witnessed"] not in access.visible_events(viewer)  # names a protected witness
    assert world["defection"] in access.visible_events(viewer)
    assert world["orchard"] not in access.visible_organizations(viewer)
    assert world["brigade"] in access.visible_organizations(viewer)  # also in a public document
    assert world["army"] in access.visible_organizations(viewer)  # in no document at all
    assert world["secret_pub"] not in access.visible_sources(viewer)
    quotes = set(access.visible_evidence(viewer).values_list("quote", flat=True))
    assert not any("Nasim" in q or "Yamout" in q or "Orchard" in q for q in quotes)
    assert access.visible_evidence(analyst).count() == M.Evidence.objects.count()


def test_protection_covers_the_whole_cluster_even_after_a_later_merge(world):
    viewer = world["users"]["viewer"]
    zaid, zaid2 = world["zaid"], world["zaid2"]
    assert zaid in access.visible_canonical_persons(viewer)
    zaid2.protected = True
    zaid2.save()
    assert zaid not in access.visible_persons(viewer)
    assert zaid not in access.visible_canonical_persons(viewer)
    assert world["defection"] not in access.visible_events(viewer)
    zaid2.protected = False
    zaid2.save()
    # Merge the protected witness into the cluster: the whole cluster disappears.
    world["witness"].canonical = zaid
    world["witness"].save()
    assert zaid not in access.visible_canonical_persons(viewer)


def test_canonical_from_protected_document_stays_listed_through_an_open_member(world):
    viewer = world["users"]["viewer"]
    hidden, zaid = world["hidden"], world["zaid"]
    # The canonical record comes from the protected document; its member is public.
    M.Person.objects.filter(pk=zaid.pk).update(canonical=hidden)
    M.Person.objects.filter(pk=world["zaid2"].pk).update(canonical=hidden)
    assert hidden in access.visible_canonical_persons(viewer)
    assert hidden not in access.visible_persons(viewer)
    assert access.is_protected(hidden)  # its own record is from the protected document
    assert access.is_protected(M.Person.objects.get(pk=world["zaid2"].pk))  # its profile shows the hidden record too
    assert not access.is_protected(world["second"])


def test_redaction_strings_cover_every_spelling_of_hidden_persons_mentioned(world):
    viewer, analyst = world["users"]["viewer"], world["users"]["analyst"]
    M.PersonName.objects.create(person=world["witness"], name="N. Fadel", kind="alias")
    strings = access.protected_strings(viewer, world["public"])
    assert "Nasim Fadel" in strings and "N. Fadel" in strings
    assert "Zaid Qarawi" not in strings
    assert access.protected_strings(analyst, world["public"]) == []
    spans = access.hidden_spans(viewer, world["public"])
    text = world["public"].text
    assert {text[a:b] for a, b in spans} == {"Nasim Fadel", "The witness Nasim Fadel said he saw the arrest."}
    assert access.redact("Ask Nasim Fadel.", strings) == "Ask [protected]."
    batch = access.protected_strings_by_document(viewer, [world["public"], world["second"]])
    assert batch == {world["public"].pk: strings, world["second"].pk: []}


def test_views_of_protected_records_are_logged(world):
    analyst = world["users"]["analyst"]
    assert access.log_protected_view(analyst, world["secret"], "/documents/3/")
    assert access.log_protected_view(analyst, world["hidden"], "/persons/x/")
    assert not access.log_protected_view(analyst, world["public"], "/documents/1/")
    assert not access.log_protected_view(world["users"]["viewer"], world["secret"], "/x/")
    rows = list(AccessLog.objects.order_by("when").values_list("user__username", "model", "object_id"))
    assert rows == [("analyst", "document", str(world["secret"].pk)), ("analyst", "person", str(world["hidden"].pk))]
