"""The schema holds what the extraction format describes."""

import pytest

from tawthiq import vocabulary as V
from tawthiq.store import models as M


@pytest.mark.django_db
def test_person_record_links_to_canonical_and_keeps_history():
    doc = M.Document.objects.create(doc_id="d1", text="Captain X defected.", sha256="0" * 64)
    first = M.Person.objects.create(document=doc, local_id="p1", name="X", rank="captain")
    second = M.Person.objects.create(document=doc, local_id="p2", name="X.", canonical=first)
    assert second.canonical_person == first
    assert first.canonical_person == first
    first.rank = "major"
    first.save()
    assert first.history.count() == 2


def test_vocabulary_matches_the_spec_sizes():
    assert len(V.EVENT_TYPES) == 20
    assert len(V.RANKS) == 14
    assert len(V.ORGANIZATION_KINDS) == 16
