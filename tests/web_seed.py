"""A small fictional record for the web tests: every name, place and figure is invented.

Two public documents and one protected one; a protected person (a pseudonymous witness)
in a public document; a cluster of two records with conflicting statements; a person
known only from the protected document; claims that disagree; a unit hierarchy.
"""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tawthiq.store import models as M
from tawthiq.web import access

PASSWORD = "correct horse battery staple"

PUBLIC_TEXT = (
    "Captain Zaid Qarawi of the 77th Brigade defected in March 2012 near Tell Warda. "
    "He was later arrested at a checkpoint in 2014. "
    "The witness Nasim Fadel said he saw the arrest. "
    "The group counted 120 defectors in Tell Warda in 2012."
)
SECOND_TEXT = (
    "Major Zaid al-Qarawi, 41, from Beit Samir, died under torture in Sednaya Fortress in 2016. "
    "Activists counted 95 defectors in Tell Warda in 2012."
)
PROTECTED_TEXT = (
    "Sergeant Hidden Yamout told us in confidence that he defected from the 77th Brigade in 2013 "
    "and hid in the Secret Orchard."
)


def _doc(doc_id, text, publisher, title, *, protected=False, language="en", published=None):
    return M.Document.objects.create(
        doc_id=doc_id, text=text, publisher=publisher, title=title, protected=protected,
        language=language, published=published, sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def _span(doc, quote, **target):
    start = doc.text.index(quote)
    return M.Evidence.objects.create(document=doc, start=start, end=start + len(quote), quote=quote, **target)


def users():
    """One user per role, all with PASSWORD."""
    made = {}
    for role in access.ROLES:
        user, _ = get_user_model().objects.get_or_create(username=role)
        user.set_password(PASSWORD)
        user.save()
        access.set_role(user, role)
        made[role] = user
    return made


def seed():
    """Build the fictional record; return the objects the tests talk about."""
    open_pub = M.Source.objects.create(name="Fictional Herald", kind="publisher")
    secret_pub = M.Source.objects.create(name="Confidential Testimony Desk", kind="testimony")
    public = _doc("herald-1", PUBLIC_TEXT, open_pub, "Herald on the 77th Brigade", published=dt.date(2015, 1, 5))
    second = _doc("herald-2", SECOND_TEXT, open_pub, "Herald on Sednaya deaths", published=dt.date(2017, 3, 1))
    secret = _doc("testimony-1", PROTECTED_TEXT, secret_pub, "Testimony of a sergeant",
                  protected=True, published=dt.date(2019, 6, 1))

    army = M.Organization.objects.create(name="Fictional Army", normalized_name="fictional army", kind="army")
    division = M.Organization.objects.create(
        name="9th Division", normalized_name="9th division", kind="division", parent=army
    )
    brigade = M.Organization.objects.create(
        name="77th Brigade", normalized_name="77th brigade", kind="brigade", parent=division
    )
    orchard = M.Organization.objects.create(
        name="Secret Orchard Group", normalized_name="secret orchard group", kind="armed_group"
    )
    _span(secret, "Secret Orchard", organization=orchard)
    tell_warda = M.Place.objects.create(name="Tell Warda", normalized_name="tell warda", governorate="Idlib")
    sednaya = M.Place.objects.create(name="Sednaya Fortress", normalized_name="sednaya fortress",
                                     governorate="Rif Dimashq", kind="prison")

    zaid = M.Person.objects.create(document=public, local_id="p1", name="Zaid Qarawi", rank="captain",
                                   origin="Tell Warda", roles=["defector"], extractor="rules")
    zaid2 = M.Person.objects.create(document=second, local_id="p1", name="Zaid al-Qarawi", rank="major",
                                    age=41, age_at=dt.date(2017, 3, 1), origin="Beit Samir", canonical=zaid,
                                    extractor="rules")
    witness = M.Person.objects.create(document=public, local_id="p2", name="Nasim Fadel", roles=["source"],
                                      protected=True, extractor="rules")
    hidden = M.Person.objects.create(document=secret, local_id="p1", name="Hidden Yamout", rank="sergeant",
                                     extractor="rules")
    for person, script in ((zaid, "latin"), (zaid2, "latin"), (witness, "latin"), (hidden, "latin")):
        M.PersonName.objects.create(person=person, name=person.name, script=script, kind="primary")
    M.PersonName.objects.create(person=zaid, name="زيد القرعاوي", script="arabic", kind="alias")
    _span(public, "Captain Zaid Qarawi", person=zaid)
    _span(second, "Major Zaid al-Qarawi", person=zaid2)
    _span(public, "Nasim Fadel", person=witness)
    _span(secret, "Sergeant Hidden Yamout", person=hidden)
    M.Membership.objects.create(document=public, person=zaid, organization=brigade, role="member")
    M.Membership.objects.create(document=secret, person=hidden, organization=brigade, role="member")

    def event(doc, local_id, type_, date, quote, person=None, **fields):
        precision = {4: "year", 7: "month", 10: "day"}.get(len(date), "")
        sort = dt.date.fromisoformat((date + "-01-01")[:10]) if date else None
        ev = M.Event.objects.create(document=doc, local_id=local_id, type=type_, date=date,
                                    date_precision=precision, date_sort=sort, extractor="rules", **fields)
        if person is not None:
            M.EventParticipant.objects.create(event=ev, role="subject", person=person)
        _span(doc, quote, event=ev)
        return ev

    defection = event(public, "e1", "defection", "2012-03",
                      "Captain Zaid Qarawi of the 77th Brigade defected in March 2012 near Tell Warda.",
                      zaid, place=tell_warda, place_text="Tell Warda", organization=brigade)
    arrest = event(public, "e2", "arrest", "2014", "He was later arrested at a checkpoint in 2014.", zaid)
    death = event(second, "e1", "death", "2016",
                  "Major Zaid al-Qarawi, 41, from Beit Samir, died under torture in Sednaya Fortress in 2016.",
                  zaid2, place=sednaya, manner="torture")
    witnessed = event(public, "e3", "arrest", "", "The witness Nasim Fadel said he saw the arrest.", witness)
    hidden_defection = event(secret, "e1", "defection", "2013",
                             "he defected from the 77th Brigade in 2013", hidden, organization=brigade)

    def claim(doc, local_id, quantity, quote):
        c = M.Claim.objects.create(document=doc, local_id=local_id, quantity=quantity, category="defection",
                                   place=tell_warda, place_text="Tell Warda", period_start="2012",
                                   period_end="2012", population="defectors", extractor="rules")
        _span(doc, quote, claim=c)
        return c

    claim_a = claim(public, "c1", 120, "The group counted 120 defectors in Tell Warda in 2012.")
    claim_b = claim(second, "c1", 95, "Activists counted 95 defectors in Tell Warda in 2012.")
    return {
        "public": public, "second": second, "secret": secret, "zaid": zaid, "zaid2": zaid2,
        "witness": witness, "hidden": hidden, "brigade": brigade, "division": division, "army": army,
        "orchard": orchard, "defection": defection, "arrest": arrest, "death": death,
        "witnessed": witnessed, "hidden_defection": hidden_defection, "claim_a": claim_a,
        "claim_b": claim_b, "secret_pub": secret_pub, "open_pub": open_pub,
    }


@pytest.fixture
def world():
    """The seeded record plus one user per role (test modules import this fixture)."""
    data = seed()
    data["users"] = users()
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
