"""The synthetic benchmark generator: realistic variation, known truth, reproducible."""

import random
from collections import defaultdict

import pytest

from tawthiq.resolve.synthetic import RANKS, generate, spelling_variants, typo
from tawthiq.text import script_of


@pytest.fixture(scope="module")
def sample():
    return generate(20_000, seed=7)


def by_person(sample):
    groups = defaultdict(list)
    for record in sample.records:
        groups[sample.truth[record["id"]]].append(record)
    return groups


def test_same_seed_same_records_other_seed_other_records(sample):
    again = generate(20_000, seed=7)
    assert again.records == sample.records and again.truth == sample.truth
    assert generate(2_000, seed=8).records != sample.records[:2_000]


def test_revealing_the_latent_values_changes_no_record(sample):
    revealed = generate(20_000, seed=7, reveal=True)
    assert revealed.records == sample.records and revealed.truth == sample.truth
    assert revealed.persons == sample.persons
    assert sample.revealed is None and set(revealed.revealed) == set(revealed.truth)


def test_revealed_values_agree_with_what_the_record_writes():
    data = generate(3_000, seed=11, reveal=True)
    for record in data.records:
        shown = data.revealed[record["id"]]
        assert shown.get("birth_year") == record.get("birth_year")
        if "age" in record:
            assert shown["age"] == [record["age"], int(record["age_at"][:4])]
        else:
            assert "age" not in shown
        assert ("rank" in shown) == ("rank" in record)
        if "rank" in record:
            assert RANKS[shown["rank"]][2] == record["rank"]
        assert ("mother" in shown) == ("mother" in record)
        assert ("governorate" in shown) == ("origin" in record)
        assert "town" not in shown or "governorate" in shown
        assert len(shown["units"]) == len(record["units"])
        for unit, written in zip(shown["units"], record["units"]):
            assert written.startswith(unit.split("|")[0])  # "120|2" is written "120th Division"
        assert record["event_dates"] == ([shown["event"]] if "event" in shown else [])
        assert shown["family"].split(":")[0] in {"plain", "al", "abu"}
        if script_of(record["name"]) == "arabic":
            assert "given" in shown
        if "given" not in shown:  # only the kunya form "Abu X Family" leaves out the given name
            assert "kunya" in shown and "father" not in shown
        assert "grandfather" not in shown or "father" in shown
        assert "father" not in shown or "given" in shown


def test_exact_size_and_every_record_has_a_truth(sample):
    assert len(sample.records) == 20_000
    assert len({r["id"] for r in sample.records}) == 20_000
    assert set(sample.truth) == {r["id"] for r in sample.records}
    assert 5_000 < sample.persons < 20_000


def test_variants_of_one_person_share_a_truth_id_and_are_spelled_differently(sample):
    groups = [g for g in by_person(sample).values() if len(g) >= 2]
    assert len(groups) > 2_000
    differing = sum(len({r["name"] for r in g}) > 1 for g in groups)
    assert differing / len(groups) > 0.8
    # Some people are written in both scripts: Arabic-script copies of Latin records.
    both = sum({script_of(r["name"]) for r in g} == {"arabic", "latin"} for g in groups)
    assert both / len(groups) > 0.2


def test_common_names_are_shared_by_different_people(sample):
    # Given and family name, as most reports write a name: the common ones belong to many
    # people, whom only the father's or mother's name, birth year or origin tell apart.
    people_by_name = defaultdict(set)
    for record in sample.records:
        words = record["name"].lower().replace(",", "").split()
        if len(words) >= 2:
            people_by_name[words[0], words[-1]].add(sample.truth[record["id"]])
    shared = [name for name, people in people_by_name.items() if len(people) >= 2]
    crowded = [name for name, people in people_by_name.items() if len(people) >= 4]
    assert len(shared) > 300, "common names should belong to different people"
    assert len(crowded) > 10, "the most common names should belong to several people even in 20k records"


def test_fields_go_missing_as_in_real_sources(sample):
    records = sample.records
    share = lambda key: sum(key in r for r in records) / len(records)  # noqa: E731
    # About as often as documentation lists carry them (see tawthiq.resolve.synthetic).
    assert 0.3 < share("rank") < 0.7
    assert 0.4 < share("birth_year") < 0.6
    assert 0.15 < share("age") < 0.35
    assert 0.65 < sum("birth_year" in r or "age" in r for r in records) / len(records) < 0.85
    assert 0.65 < share("origin") < 0.85
    assert 0.4 < share("mother") < 0.6
    for record in records:
        if "age" in record:
            assert record["age_at"][:4].isdigit()


def test_father_names_are_sometimes_dropped(sample):
    groups = by_person(sample).values()
    varying = sum(
        len({len(r["name"].split()) for r in g if script_of(r["name"]) == "latin" and "(" not in r["name"]}) > 1
        for g in groups
        if len(g) >= 3
    )
    assert varying > 100


def test_spelling_rules_produce_the_known_variants():
    assert "Smadi" in spelling_variants("Samadi")
    assert {"Kassem", "Gassem", "Qasem"} <= set(spelling_variants("Qassem"))
    assert "Yusef" in spelling_variants("Yousef")
    assert "Karim" in spelling_variants("Kareem")
    assert "Halil" in spelling_variants("Khalil")
    assert "Mamoun" in spelling_variants("Ma'moun")


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def test_a_typo_is_one_small_edit():
    rng = random.Random(1)
    for word in ["Muhammad al-Hamad", "محمد الحمد"]:
        distances = {edit_distance(word, typo(rng, word)) for _ in range(60)}
        assert distances <= {0, 1} and 1 in distances  # 0 when a letter is replaced by itself
