"""link_records on small invented lists with known truth."""

import importlib.util
import math
import random
from collections import Counter, defaultdict

import pytest

from tawthiq.resolve.linkage import LinkageError, cluster_pairs, link_records

PEOPLE = [
    # one person, four spellings, one in Arabic script
    {"id": "a1", "name": "Moath Khaled AL-SMADI", "birth_year": 1988, "origin": "Daraa"},
    {"id": "a2", "name": "Muath al-Samadi", "birth_year": "1988", "origin": "Deraa"},
    {"id": "a3", "name": "معاذ خالد الصمادي"},
    {"id": "a4", "name": "Mu'adh Smadi", "age": 30, "age_at": "2018-06-01"},
    # one person, missing middle name
    {"id": "b1", "name": "Abdul Latif Hassan HOURANI", "rank": "captain"},
    {"id": "b2", "name": "Abd al-Latif HOURANI", "rank": "Captain"},
    # common names, different people (different birth years, ranks and origins)
    {"id": "c1", "name": "Mohammed AHMAD", "birth_year": 1960, "rank": "colonel", "origin": "Homs"},
    {"id": "c2", "name": "Muhammad AHMED", "birth_year": 1995, "rank": "private", "origin": "Idlib"},
    {"id": "d1", "name": "Youssef NASSER"},
    {"id": "e1", "name": "Khaled OMRAN", "units": ["4th Division"]},
    {"id": "e2", "name": "Khalid Omran", "units": ["4th Division"]},
]


@pytest.fixture(scope="module")
def result():
    return link_records(PEOPLE)


def _contribution(result, left_id, right_id, comparison: str) -> dict:
    """The contribution of one comparison to the explanation of a pair."""
    return next(c for c in result.explain(left_id, right_id).contributions if c["comparison"] == comparison)


def test_variants_link_and_different_people_stay_apart(result):
    c = result.clusters
    assert c["a1"] == c["a2"] == c["a3"] == c["a4"]
    assert c["b1"] == c["b2"]
    assert c["e1"] == c["e2"]
    assert c["c1"] != c["c2"]
    assert len({c["a1"], c["b1"], c["c1"], c["c2"], c["d1"], c["e1"]}) == 6


def test_tiny_input_uses_declared_priors(result):
    assert result.trained is False


def test_cluster_probability(result):
    assert result.cluster_probability["d1"] is None  # alone in its cluster
    assert result.cluster_probability["a1"] >= result.threshold
    assert set(result.cluster_probability) == {p["id"] for p in PEOPLE}


def test_contributions_sum_to_the_match_weight(result):
    assert result.pairs
    for pair in result.pairs:
        assert sum(c["log2_weight"] for c in pair.contributions) == pytest.approx(pair.match_weight, abs=1e-6)
        assert pair.contributions[0]["comparison"] == "prior"


def test_explain_any_pair_says_why(result):
    pair = result.explain("c1", "c2")  # not necessarily a blocked candidate
    by_name = {c["comparison"]: c for c in pair.contributions}
    assert by_name["birth_year"]["log2_weight"] < 0
    assert by_name["rank"]["level"] == "different rank"
    assert sum(c["log2_weight"] for c in pair.contributions) == pytest.approx(pair.match_weight, abs=1e-6)
    unrelated = result.explain("a1", "d1")
    assert unrelated.match_probability < 0.01
    by_name = {c["comparison"]: c for c in unrelated.contributions}
    assert by_name["units"]["level"] == "missing" and by_name["units"]["log2_weight"] == 0
    with pytest.raises(LinkageError):
        result.explain("a1", "nobody")


def test_age_at_date_gives_a_birth_year(result):
    by_name = {c["comparison"]: c for c in result.explain("a1", "a4").contributions}
    assert by_name["birth_year"]["level"] == "same year, as far as an age at a date tells"


def test_an_age_at_a_date_allows_the_year_before_its_birthday():
    # Aged 30 on 2018-06-01: born in 1987 (birthday after June) or 1988. Exact years one
    # apart are another matter: one of the two is wrong.
    people = [{"id": "x1", "name": "Samer Adel KHATIB", "age": 30, "age_at": "2018-06-01"},
              {"id": "x2", "name": "Samer Adel Khatib", "birth_year": 1987},
              {"id": "x3", "name": "Samer Adel al-Khatib", "birth_year": 1988},
              {"id": "x4", "name": "Samer Adel Khateeb", "birth_year": 1986},
              {"id": "x5", "name": "Samer KHATIB", "age": 32, "age_at": "2018-01-20"},
              {"id": "x6", "name": "Samer Adel KHATEEB", "birth_year": "1988"}]
    result = link_records(people, train=False)

    def level(a, b):
        return {c["comparison"]: c["level"] for c in result.explain(a, b).contributions}["birth_year"]

    assert level("x1", "x2") == level("x1", "x3") == "same year, as far as an age at a date tells"
    assert level("x2", "x3") == level("x1", "x4") == "within 1 year"
    assert level("x5", "x4") == "same year, as far as an age at a date tells"  # 1985 or 1986
    assert level("x5", "x3") == "within 3 years"
    assert level("x3", "x6") == "same year"


def test_bad_arguments():
    with pytest.raises(LinkageError):
        link_records([{"id": 1, "name": "A B"}, {"id": 1, "name": "C D"}])
    with pytest.raises(LinkageError):
        link_records(PEOPLE, backend="oracle")
    with pytest.raises(LinkageError):
        link_records(PEOPLE, threshold=1.5)
    single = link_records([{"id": "x", "name": "Omar HADDAD"}])
    assert single.clusters == {"x": "x"} and single.cluster_probability == {"x": None}


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is not None, reason="pyspark is installed")
def test_spark_backend_without_pyspark_is_a_clear_error():
    with pytest.raises(LinkageError, match="pyspark"):
        link_records(PEOPLE, backend="spark")


def test_chains_of_weak_links_are_split():
    # a path 0-1-...-7 of links at weight 5, no other links: not a coherent cluster
    chain = [(i, i + 1, 5.0) for i in range(7)]
    chain += [(b, a, w) for a, b, w in chain]
    groups = cluster_pairs(8, chain, min_weight=3.0)
    assert max(len(g) for g in groups) < 8
    # a clique of the same size stays whole
    clique = [(a, b, 5.0) for a in range(6) for b in range(6) if a != b]
    assert cluster_pairs(6, clique, min_weight=3.0) == [[0, 1, 2, 3, 4, 5]]


def test_the_density_rule_can_leave_small_components_to_average_linkage():
    """Where average linkage follows, a sparse component of up to ``sparse_above`` members
    stays whole for it to regroup; a bigger one is still re-split."""
    import numpy as np

    from tawthiq.resolve.linkage import cluster_arrays

    def chain(n: int):
        return np.arange(n - 1), np.arange(1, n), np.full(n - 1, 5.0)

    assert len(set(cluster_arrays(8, *chain(8), 3.0).tolist())) > 1
    assert set(cluster_arrays(8, *chain(8), 3.0, sparse_above=10).tolist()) == {0}
    assert len(set(cluster_arrays(12, *chain(12), 3.0, sparse_above=10).tolist())) > 1


def test_reordered_names_and_loose_spellings_link():
    people = [
        {"id": "r1", "name": "Omar Khaled HADDAD"},
        {"id": "r2", "name": "HADDAD Omar"},  # family name first, father's name missing
        {"id": "q1", "name": "Samir QADDOURAH"},
        {"id": "q2", "name": "Samir GHADHOURA"},  # dh / dd, gh / q
        {"id": "x1", "name": "Nabil SHAHIN"},
    ]
    result = link_records(people)
    c = result.clusters
    assert c["r1"] == c["r2"] and c["q1"] == c["q2"]
    assert len({c["r1"], c["q1"], c["x1"]}) == 3
    levels = {x["comparison"]: x["level"] for x in result.explain("r1", "r2").contributions}
    # The capitalised family name written first is still read as the family name.
    assert levels["given_name"] == "same given name" and levels["family_name"] == "same family name"


def test_a_son_named_after_his_father_is_not_a_reordered_name():
    """Fictional names. "Hasan Hasan Hamawi" and "Hasan Bilal Hamawi": the first's father's
    name is the second's given name, which the given names already account for, so the
    fathers differ; when the given names differ the father's name found elsewhere is still
    read as another order of the words."""
    people = [
        {"id": "a", "name": "Hasan Hasan al-Hamawi"},
        {"id": "b", "name": "Hasan Bilal al-Hamawi"},
        {"id": "c", "name": "Bilal Hasan al-Hamawi"},
    ]
    result = link_records(people)

    def father(left, right):
        return _contribution(result, left, right, "father_name")["level"]

    assert father("a", "b") == "different father's name"
    assert father("b", "c") == "father's name elsewhere in the other name"


def test_family_names_one_letter_apart_are_a_level_of_their_own():
    """Fictional names: a slip of one consonant (داقوق / ناقوق) or two swapped (al-Homsi /
    المحصي) is told from another family name."""
    people = [
        {"id": "a", "name": "زيد حسن داقوق"},
        {"id": "b", "name": "زيد حسن ناقوق"},
        {"id": "c", "name": "Ali Amer al-Homsi"},
        {"id": "d", "name": "علي عامر المحصي"},
        {"id": "e", "name": "Zeid Hasan Sabbagh"},
    ]
    result = link_records(people)

    def family(left, right):
        return _contribution(result, left, right, "family_name")["level"]

    assert family("a", "b") == family("c", "d") == "family name one letter apart"
    assert family("a", "e") == "different family name"


def test_larger_lists_estimate_u_from_the_data():
    from tawthiq.resolve.synthetic import generate

    records = generate(300, seed=3).records
    trained = link_records(records)
    declared = link_records(records, train=False)
    assert trained.trained and not declared.trained
    # Levels whose u is declared (rarity bands, name order) keep it; the others are estimated.
    # Which pairs come first is up to DuckDB's threads, and a pair may meet only declared
    # levels, so every pair is looked at.
    def estimated(pair):
        weights = {c["comparison"]: c["log2_weight"] for c in trained.explain(pair.left_id, pair.right_id).contributions}
        return any(
            c["comparison"] != "prior" and weights[c["comparison"]] != pytest.approx(c["log2_weight"])
            for c in pair.contributions
        )

    assert any(estimated(pair) for pair in declared.pairs)


def test_a_list_teaches_how_often_one_persons_records_disagree_on_a_field(monkeypatch):
    """m of the fields other than the name comes from the pairs the names make sure of: the
    synthetic records of one person never disagree on the event year, so another event year
    counts more against a pair than the declared m (made for sources that do) would have it."""
    from tawthiq.resolve import linkage
    from tawthiq.resolve.synthetic import generate

    records = generate(1000, seed=5).records
    probe = next((a["id"], b["id"]) for a in records for b in records
                 if a["event_dates"] and b["event_dates"] and a["event_dates"][0][:4] != b["event_dates"][0][:4])

    def event_year_weight():
        return _contribution(link_records(records), *probe, "event_dates")["log2_weight"]

    learned = event_year_weight()
    monkeypatch.setattr(linkage, "FIELD_M_ITERATIONS", 0)
    assert learned < event_year_weight() - 1


def test_u_sampling_skips_only_comparisons_whose_u_are_all_declared(monkeypatch):
    """name_words (every u declared) is left out of the sampling; the other comparisons are
    sampled, and the model keeps all of them afterwards."""
    from tawthiq.resolve import linkage
    from tawthiq.resolve.synthetic import generate

    seen = {}
    train = linkage._train

    def spy(linker, n_rows, on_step):
        trained = train(linker, n_rows, on_step)
        seen.update({c.output_column_name: [level.u_probability for level in c._comparison_levels_excluding_null]
                     for c in linker._settings_obj.comparisons})
        return trained

    monkeypatch.setattr(linkage, "_train", spy)
    link_records(generate(400, seed=11).records)
    declared = {spec["name"]: [level.get("u") for level in spec["levels"] if level["kind"] != "null"]
                for spec in linkage.COMPARISONS}
    assert set(seen) == set(declared)
    assert seen["name_words"][-1] == declared["name_words"][-1]  # "no word shared", not sampled
    assert seen["birth_year"] != declared["birth_year"] and seen["rank"] != declared["rank"]


def test_pairs_floor_keeps_lower_pairs_without_changing_clusters():
    from tawthiq.resolve.synthetic import generate

    records = generate(400, seed=11).records
    strict = link_records(records)
    # Far below the threshold: many more pairs scored, and still not a different prior.
    wide = link_records(records, pairs_floor=1e-6)
    assert wide.clusters == strict.clusters
    assert len(wide.pairs) > len(strict.pairs)
    assert min(p.match_probability for p in wide.pairs) >= 1e-6
    assert min(p.match_probability for p in strict.pairs) >= strict.threshold
    with pytest.raises(LinkageError):
        link_records(records, pairs_floor=0)


def test_different_parents_keep_namesakes_apart():
    people = [
        {"id": "s1", "name": "Ziad Nabil QASSAB", "mother": "Salma", "birth_year": 1980},
        {"id": "s2", "name": "Ziad Nabil Qassab", "mother": "Salma", "birth_year": 1981},  # age-derived year
        {"id": "t1", "name": "Ziad Fares QASSAB", "mother": "Huda", "birth_year": 1980},
    ]
    result = link_records(people)
    c = result.clusters
    assert c["s1"] == c["s2"] != c["t1"]
    levels = {x["comparison"]: x["level"] for x in result.explain("s1", "t1").contributions}
    assert levels["father_name"] == "different father's name"
    assert levels["mother_name"] == "different mother's name"
    assert {x["comparison"]: x["level"] for x in result.explain("s1", "s2").contributions}["birth_year"] == "within 1 year"


def test_family_name_written_first_compares_as_the_same_full_name():
    people = [{"id": "w1", "name": "Nizar Fadlallah TURKMANI"}, {"id": "w2", "name": "Turkmani Nizar Fadlallah"},
              {"id": "w3", "name": "Bassel HAMDAN"}]
    levels = {x["comparison"]: x["level"] for x in link_records(people).explain("w1", "w2").contributions}
    assert levels["full_name_similarity"] == "JW >= 0.95"


def test_parent_and_child_names_count_against_a_match():
    people = [
        {"id": "p1", "name": "Rami Ziad Walid QASSAB"},
        {"id": "p2", "name": "Ziad Walid Qassab"},  # Rami's father: Rami's name without his own given name
        {"id": "p3", "name": "Ziad QASSAB"},  # the father again, without his own father's name
    ]
    result = link_records(people)
    given = _contribution(result, "p1", "p2", "given_name")
    assert given["level"] == "given names of a parent and child" and given["log2_weight"] < -2
    # a name in another order is not a parent and child
    reordered = {x["comparison"]: x["level"] for x in result.explain("p2", "p3").contributions}
    assert reordered["given_name"] == "same given name"


def test_given_and_fathers_names_swapped_within_a_family_are_a_parent_and_child():
    people = [{"id": "son", "name": "Walid Ziad QASSAB"}, {"id": "father", "name": "Ziad Walid Qassab"},
              {"id": "other family", "name": "Ziad Walid Hamdan"}]
    result = link_records(people)
    assert _contribution(result, "son", "father", "given_name")["level"] == "given names of a parent and child"
    assert _contribution(result, "son", "other family", "given_name")["level"] != "given names of a parent and child"


def test_origins_compare_by_governorate():
    """A town and its governorate agree; two towns of one governorate, or two governorates,
    disagree (gazetteer places)."""
    people = [
        {"id": "hama", "name": "Ziad Nabil Qassab", "origin": "Hama"},
        {"id": "masyaf", "name": "Ziad Nabil Qassab", "origin": "Misyaf"},
        {"id": "kafr zita", "name": "Ziad Nabil Qassab", "origin": "Kafrzita"},
        {"id": "daraa", "name": "Ziad Nabil Qassab", "origin": "Daraa"},
    ]
    result = link_records(people)

    def origin(a, b):
        return _contribution(result, a, b, "origin")

    assert origin("hama", "masyaf")["level"] == "same governorate"
    assert origin("masyaf", "kafr zita")["level"] == "another place in the same governorate"
    assert origin("hama", "daraa")["level"] == "another governorate"
    assert origin("hama", "masyaf")["log2_weight"] > 0 > origin("masyaf", "kafr zita")["log2_weight"]
    assert origin("hama", "masyaf")["log2_weight"] > origin("hama", "daraa")["log2_weight"]


def test_a_place_is_the_one_whose_written_vowels_it_shares():
    """Izraa and al-Thawrah (Tabqa) have the same consonants: each is its own place, and
    "al-Thawrah" is the town in Raqqa, not Izraa in Daraa."""
    people = [{"id": "izraa", "name": "Ziad Nabil Qassab", "origin": "Izraa"},
              {"id": "thawrah", "name": "Ziad Nabil Qassab", "origin": "al-Thawrah"},
              {"id": "tabqa", "name": "Ziad Nabil Qassab", "origin": "Tabqa"},
              {"id": "raqqa", "name": "Ziad Nabil Qassab", "origin": "الرقه"}]
    result = link_records(people)
    assert _contribution(result, "thawrah", "tabqa", "origin")["level"] == "same governorate"
    assert _contribution(result, "thawrah", "raqqa", "origin")["level"] == "same governorate"
    assert _contribution(result, "izraa", "thawrah", "origin")["level"] == "another governorate"


def test_a_place_spelt_one_vowel_off_is_still_placed():
    from tawthiq.resolve.linkage import _origin

    assert _origin("Draa") == _origin("Derea") == ("Daraa", None)  # a vowel dropped, one changed
    assert _origin("Reqqa") == ("Raqqa", None)  # the governorate, not the village Ariqa
    assert _origin("Adra") == ("Rif Dimashq", "Adra")  # spelt as listed: not Daraa
    assert _origin("Tell Zurab") == (None, None)


def test_two_places_the_gazetteer_does_not_know_count_against_a_match():
    """Random pairs rarely both name an unlisted place: u estimated from them made two
    different unlisted places evidence for a match."""
    rng = random.Random(5)
    governorates = ["Hama", "Homs", "Idlib", "Daraa", "Aleppo", "Latakia"]
    people = [{"id": f"g{i}", "name": f"Ziad {rng.choice(['Nabil', 'Fares', 'Omar'])} Q{rng.randrange(10**6)}x",
               "origin": rng.choice(governorates)} for i in range(280)]
    people += [{"id": "tell", "name": "Ziad Nabil Qassab", "origin": "Tell Zurab"},
               {"id": "khirbet", "name": "Ziad Nabil Qassab", "origin": "Khirbet Fanous"}]
    origin = _contribution(link_records(people), "tell", "khirbet", "origin")
    assert origin["level"] == "different origin (a place not known to the gazetteer)"
    assert origin["log2_weight"] < 0


def test_the_next_rank_is_a_promotion_and_counts_less_against_a_match_than_another_rank():
    people = [{"id": rank, "name": "Ziad Nabil Qassab", "rank": rank}
              for rank in ("captain", "major", "colonel", "lieutenant", "second lieutenant")]
    result = link_records(people)

    def rank(a, b):
        return _contribution(result, a, b, "rank")

    assert rank("captain", "major")["level"] == "the next rank up or down"
    assert rank("lieutenant", "second lieutenant")["level"] == "the next rank up or down"
    assert rank("captain", "colonel")["level"] == "different rank"
    assert rank("captain", "major")["log2_weight"] > rank("captain", "colonel")["log2_weight"]


def test_event_dates_compare_as_far_as_both_write_them():
    """The same day counts for a pair more than the same month, the same month more than
    the same year; two days of one month, or two months of one year, count against it."""
    dates = {"day": ["2012-06-14"], "same day": ["2012-06-14", "2015"], "other day": ["2012-06-20"],
             "month": ["2012-06"], "other month": ["2012-03"], "year": ["2012"], "other year": ["2014-06-14"]}
    people = [{"id": key, "name": "Ziad Nabil Qassab", "event_dates": value} for key, value in dates.items()]
    result = link_records(people)

    def event(other):
        found = _contribution(result, "day", other, "event_dates")
        return found["level"], found["log2_weight"]

    assert [event(other)[0] for other in ("same day", "other day", "month", "other month", "year", "other year")] == [
        "an event on the same day", "an event in the same month, on another day", "an event in the same month",
        "an event year in common, in other months", "an event year in common", "no event year in common"]
    assert event("same day")[1] > event("month")[1] > event("year")[1] > 0
    assert event("other day")[1] < 0 and event("other month")[1] < 0 and event("other year")[1] < 0
    assert (_contribution(result, "month", "other month", "event_dates")["level"]
            == "an event year in common, in other months")


def test_origins_in_arabic_script_and_unlisted_spellings_are_compared():
    """An origin in Arabic script has a key (it used to be blank, so all matched), and a
    spelling the gazetteer does not list is placed by its consonants."""
    from tawthiq.resolve.linkage import _origin, _origin_key

    assert _origin_key("ريف دمشق") == _origin_key("Rif Dimashk") != _origin_key("خان ارنبة")
    assert _origin_key("دير الزور") == _origin_key("Deir al-Zoour")
    assert _origin("Dimashk")[0] == _origin("Damascus")[0] != _origin("Deir al-Zoour")[0]
    assert _origin("Dmashq")[0] == _origin("Damascus")[0]
    assert _origin("Nowhere Special")[0] is None


def test_an_unlisted_spelling_takes_the_place_whose_vowels_it_shares():
    """Spellings with one skeleton are told apart by their vowels: Hema is Hama (not
    Hmeimim, also "hm"), and Arabic script finds the listed place it spells."""
    from tawthiq.resolve.linkage import _origin

    assert _origin("Hema")[0] == _origin("Hama")[0] == "Hama"
    assert _origin("الميادين")[0] == _origin("al-Mayadeen")[0] == "Deir ez-Zor"
    assert _origin("Qaboun")[0] == "Damascus" and _origin("Kobane")[0] == "Aleppo"
    # a listed place within a longer phrase is still found
    assert _origin("a village near Daraa")[0] == "Daraa"


def test_a_rare_block_value_is_capped_on_the_records_that_carry_it(monkeypatch):
    """A once-seen run-together spelling ("Hasanmuhammad") is carried by every record that
    writes its words apart: it makes no rare-word block when that is too many records."""
    from tawthiq.resolve import linkage

    monkeypatch.setattr(linkage, "RARE_WORD_PAIR_BUDGET", 0)  # the cap of a big list: 50 records
    records = [{"id": i, "name": f"Hasan Muhammad Qaddour{i}"} for i in range(80)]
    records.append({"id": "typo", "name": "Hasanmuhammad Qaddour"})
    features = linkage.record_features(records)
    joined = linkage.name_keys("Hasanmuhammad Qaddour").words[0]
    assert joined in features["joined_tokens"][0]
    assert not any(joined in (words or []) for words in features["rare_word"])
    kept = linkage.record_features(records[:40] + records[-1:])  # 41 carriers: a block
    assert joined in kept["rare_word"][-1]


def test_block_cap_keeps_each_key_within_its_pair_budget(monkeypatch):
    from collections import Counter

    from tawthiq.resolve import linkage

    # blocks of 2, 3 and 3 records make 1 + 3 + 3 pairs; one of 4 more would make 13
    assert linkage._block_cap(Counter({"a": 3, "b": 3, "c": 4, "d": 2}), 10) == 3
    assert linkage._block_cap(Counter({"a": 5, "b": 5}), 10) == 4  # ties go together
    assert linkage._block_cap(Counter({"a": 500, "b": 3}), 10**9) == 3  # BLOCK_MAX_RECORDS still holds


def test_weak_blocking_keys_get_the_smaller_budget(monkeypatch):
    """Given + father's name without the family name is a weak key: over its budget its
    biggest block goes, while the given, father's and family name together keep theirs."""
    from tawthiq.resolve import linkage

    monkeypatch.setattr(linkage, "WEAK_KEY_PAIR_BUDGET", 5)
    names = ["Omar Khaled Haddad"] * 4 + ["Omar Hasan Qassab"] * 2  # blocks of 6 pairs and 1
    features = linkage.record_features([{"id": i, "name": name} for i, name in enumerate(names)])
    assert features["block_given_father"][:4] == [None] * 4
    assert features["block_given_father"][4] == features["block_given_father"][5] is not None
    assert all(value is not None for value in features["block_given_father_family"])


def test_a_rarer_shared_name_weighs_more():
    """The same words weigh by their rarity in the list, in bands of two bits."""
    common = [{"id": f"c{i}", "name": "Ahmad Ali Hasan"} for i in range(60)]
    others = [{"id": f"o{i}", "name": f"Omar{i} Sabbagh{i}"} for i in range(300)]
    rare = [{"id": "r1", "name": "Ahmad Ali Qutaybi"}, {"id": "r2", "name": "Ahmad Ali Qutaybi"}]
    result = link_records(common + others + rare)
    level = {pair: _contribution(result, *pair, "name_words")
             for pair in (("c0", "c1"), ("r1", "r2"))}
    assert level["r1", "r2"]["log2_weight"] > level["c0", "c1"]["log2_weight"] + 3
    assert level["r1", "r2"]["level"].startswith("same words")


def test_band_weights_follow_the_rarity_of_the_shared_words():
    """Each band's u is the chance that a random pair shares that much name information, so
    weights fall band by band towards the commonest names (the commonest band's u used to
    be sampled and came out above the next); a band no name reaches keeps a finite weight."""
    import numpy as np

    from tawthiq.resolve.linkage import COMPARISONS, RARITY_BANDS, _ListScale, _level

    rng = np.random.default_rng(1)
    name_bits = np.sort(rng.uniform(4, 22, 5000))
    scale = _ListScale(math.log2(5000), name_bits, np.sort(rng.uniform(2, 12, 15000)))
    bands = [lv for lv in COMPARISONS[0]["levels"] if lv["kind"] == "word_overlap"]

    def weight(label: str) -> float:
        spec = next(lv for lv in bands if lv["label"] == label)
        level = _level(spec, True, "duckdb", scale)
        return math.log2(level.m_probability / level.u_probability)

    same = [weight(f"same words, {words}") for _, words in RARITY_BANDS]
    same.append(weight("same words, one of the commonest names"))
    assert all(a > b for a, b in zip(same, same[1:]))
    # single words never carry 4 bits over log2 N: a band no word reaches stays finite
    assert math.isfinite(weight("some word shared, a rare name"))
    assert weight("some word shared, a rare name") < same[0]


def test_names_far_below_log2_n_bits_still_weigh_by_how_common_they_are():
    """A third of the list named "Ahmad Ali" and one in sixteen "Ahmad Hamdan": both under
    log2 N - 6 bits, where one open band used to weigh them alike; the commoner weighs less."""
    rng = random.Random(3)
    words = [f"{a}{b}" for a in "bcdfghjklmnpqrstvwxyz" for b in "aeiou"]
    records = [{"id": f"f{i}", "name": f"Gi{rng.choice(words)}n Fa{rng.choice(words)}m"} for i in range(2900)]
    records += [{"id": f"c{i}", "name": "Ahmad Ali"} for i in range(1500)]
    records += [{"id": f"d{i}", "name": "Ahmad Hamdan"} for i in range(300)]
    result = link_records(records)
    commonest, common = (_contribution(result, a, b, "name_words") for a, b in (("c0", "c1"), ("d0", "d1")))
    assert commonest["level"] != common["level"]
    assert commonest["log2_weight"] < common["log2_weight"]


def test_a_word_with_other_vowels_shares_less_than_the_same_word():
    """Same skeleton, other long vowels (Haniya / Haniyeh by the vowel test, Hammoud /
    Hammad): less shared information than one spelling, more than no word at all."""
    filler = [{"id": f"f{i}", "name": f"Omar{i} Sabbagh{i}"} for i in range(300)]
    pairs = {"same": ("Ismail HAMMOUD", "Ismail HAMMOUD"), "vowels": ("Ismail HAMMOUD", "Ismail HAMMAD"),
             "other": ("Ismail HAMMOUD", "Ismail QASSAB")}
    records = filler + [{"id": f"{k}{side}", "name": name} for k, names in pairs.items()
                        for side, name in zip("ab", names)]
    result = link_records(records)
    weight = {k: next(c["log2_weight"] for c in result.explain(f"{k}a", f"{k}b").contributions
                      if c["comparison"] == "name_words") for k in pairs}
    assert weight["same"] > weight["vowels"] > weight["other"]


def test_a_word_is_as_rare_as_the_spellings_its_vowels_agree_with():
    """Hammoud and Hammad share the skeleton "hmd": a rare Hammad among many Hammouds is
    rare by the spellings that agree with its vowels, not common by the bare skeleton."""
    from tawthiq.resolve.linkage import record_features
    from tawthiq.resolve.names import skeleton

    names = ["عمر حمود"] * 30 + ["عمر حماد"] * 2 + ["Omar Hammad"]
    features = record_features([{"id": i, "name": name} for i, name in enumerate(names)])
    bits = {name: dict(zip(features["name_tokens"][i], features["token_bits"][i])) for i, name in enumerate(names)}
    word = skeleton("Hammad")
    assert bits["عمر حماد"][word] == pytest.approx(math.log2(33 / 3))  # حماد twice, Hammad once
    assert bits["عمر حمود"][word] == pytest.approx(math.log2(33 / 30))
    assert bits["Omar Hammad"][word] == pytest.approx(math.log2(33 / 3))


def test_long_lists_build_name_keys_in_two_processes(monkeypatch):
    """The keys built in a second process are the ones built here, in the input's order."""
    from tawthiq.resolve import linkage
    from tawthiq.resolve.names import name_keys

    names = [f"Omar{i} Sabbagh{i % 7}" for i in range(60)] + ["عمر حماد", "Omar Hammad"] * 3
    monkeypatch.setattr(linkage, "PARALLEL_NAMES", 10)
    assert linkage._all_name_keys(names) == [name_keys(name) for name in names]


def test_clusters_are_regrouped_by_average_linkage():
    """A chain 0-1-2 whose ends weigh against each other more than the links between them
    weigh for: the stronger link stays, the weaker is left out. A chain 3-4-5 whose ends are
    merely unlinked (weight 0, as names alone that differ are) stays whole, and a
    contradicting pair is never joined however strong the links through others."""
    import numpy as np

    from tawthiq.resolve.linkage import regroup_clusters

    cluster = np.array([0, 0, 0, 3, 3, 3, 6, 6, 6])
    links = (np.array([0, 1, 3, 4, 6, 7]), np.array([1, 2, 4, 5, 7, 8]), np.array([12.0, 5.0, 8.0, 8.0, 9.0, 9.0]))
    within = (np.array([0, 1, 0, 3, 4, 3, 6, 7, 6]), np.array([1, 2, 2, 4, 5, 5, 7, 8, 8]),
              np.array([12.0, 5.0, -20.0, 8.0, 8.0, 0.0, 9.0, 9.0, 20.0]),
              np.array([False] * 8 + [True]))
    regrouped = regroup_clusters(cluster, *links, 3.0, *within)
    assert regrouped.tolist() == [0, 0, 2, 3, 3, 3, 6, 6, 8]
    no_pairs = (np.array([], int), np.array([], int), np.array([]), np.array([], bool))
    assert regroup_clusters(cluster, *links, 3.0, *no_pairs).tolist() == cluster.tolist()


def test_groups_whose_pairs_barely_weigh_for_a_match_stay_apart():
    """Joining needs the pairs between two groups to average more than AVERAGE_LINK_WEIGHT
    (0.75 bits): a link of 4 bits beside a pair 3.4 bits against (0.3 on average) is not enough."""
    import numpy as np

    from tawthiq.resolve.linkage import regroup_clusters

    cluster = np.array([0, 0, 0])
    links = (np.array([0, 1]), np.array([1, 2]), np.array([9.0, 4.0]))

    def within(against: float):
        return np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([9.0, 4.0, against]), np.zeros(3, bool)

    assert regroup_clusters(cluster, *links, 3.0, *within(-3.4)).tolist() == [0, 0, 2]
    assert regroup_clusters(cluster, *links, 3.0, *within(-2.0)).tolist() == [0, 0, 0]


def test_clusters_are_checked_for_contradicting_members(monkeypatch):
    """Every pair inside a cluster of three or more is scored. When any weight counts as
    contradicting, clusters split where members' fields besides the name speak against each
    other; on names alone (aliases share no word) nothing is split."""
    from itertools import combinations, islice

    from tawthiq.resolve import linkage
    from tawthiq.resolve.synthetic import generate

    def groups(result):
        members = defaultdict(list)
        for record, cluster in result.clusters.items():
            members[cluster].append(record)
        return [g for g in members.values() if len(g) >= 3]

    def against(result, a, b):
        return sum(c["log2_weight"] for c in result.explain(a, b).contributions
                   if c["comparison"] not in linkage.NAME_COMPARISONS | {"prior"}) < 0

    records = generate(600, seed=5).records
    monkeypatch.setattr(linkage, "CONTRADICTION_WEIGHT", -1e9)
    unchecked = link_records(records)
    monkeypatch.setattr(linkage, "CONTRADICTION_WEIGHT", 1e9)
    checked = link_records(records)
    assert all(unchecked.clusters[a] == unchecked.clusters[b] for a, b in checked.clusters.items())
    assert len(set(checked.clusters.values())) > len(set(unchecked.clusters.values()))
    inside = (pair for g in groups(checked) for pair in combinations(g, 2))
    assert not any(against(checked, a, b) for a, b in islice(inside, 12))  # explain is slow

    # Given and family name only (a father's name is a fact of its own): nothing to split on.
    short_names = [{"id": r["id"], "name": f"{r['name'].split()[0]} {r['name'].split()[-1]}"} for r in records]
    with_any_weight = link_records(short_names)
    monkeypatch.setattr(linkage, "CONTRADICTION_WEIGHT", -1e9)
    assert with_any_weight.clusters == link_records(short_names).clusters
    assert groups(with_any_weight)


def test_brothers_linked_through_a_shared_record_are_kept_apart(monkeypatch):
    """Two brothers (invented) and a record naming only their father and family, which
    links to both: one cluster without the brothers' test, two with it."""
    from tawthiq.resolve import linkage
    from tawthiq.resolve.synthetic import generate

    brothers = [
        {"id": "k1", "name": "Karam Fadi Nayef QUTAIFANI"},
        {"id": "k2", "name": "Karam Fadi Naif AL-QUTAIFANI"},
        {"id": "t1", "name": "Yousef Fadi Nayef QUTAIFANI"},
        {"id": "t2", "name": "Youssef Fadi Naif al-Qutaifani"},
        {"id": "f1", "name": "Fadi Nayef QUTAIFANI"},
    ]
    records = generate(400, seed=11).records + brothers

    checked = link_records(records).clusters
    assert checked["k1"] == checked["k2"] and checked["t1"] == checked["t2"]
    assert checked["k1"] != checked["t1"]

    monkeypatch.setattr(linkage, "SIBLINGS", {**linkage.SIBLINGS, "differ": ("given_name", ("no such level",))})
    unchecked = link_records(records).clusters
    assert unchecked["k1"] == unchecked["t1"] == unchecked["f1"]


def test_a_slip_in_the_fathers_name_is_not_another_father():
    people = [{"id": "a", "name": "Ziad Mahmoud QASSAB"}, {"id": "b", "name": "Ziad Mamoud Qassab"},
              {"id": "c", "name": "Ziad Fares QASSAB"}]
    result = link_records(people)
    father = {o: _contribution(result, "a", o, "father_name")
              for o in "bc"}
    assert father["b"]["level"] == "close spelling of the father's name" and father["b"]["log2_weight"] > 0
    assert father["c"]["level"] == "different father's name" and father["c"]["log2_weight"] < 0
    assert result.clusters["a"] == result.clusters["b"] != result.clusters["c"]


def test_a_slip_in_the_family_or_given_name_still_shares_the_name():
    """One letter off (TARMASHI / TARMAJI, Djamel / Damel; invented names): the words still
    count as shared in part, and the given name as a similar one, unlike another name."""
    people = [{"id": "a", "name": "Ziad Nabil TARMASHI"}, {"id": "b", "name": "Ziad Nabil TARMAJI"},
              {"id": "c", "name": "Ziad Nabil HAMDAN"},
              {"id": "d", "name": "Djamel SAFADI"}, {"id": "e", "name": "Damel SAFADI"}]
    result = link_records(people)
    words = {o: _contribution(result, "a", o, "name_words")
             for o in "bc"}
    assert words["c"]["level"] != words["b"]["level"]
    assert words["b"]["log2_weight"] > words["c"]["log2_weight"]
    given = {x["comparison"]: x["level"] for x in result.explain("d", "e").contributions}["given_name"]
    assert given == "similar given name"
    assert result.clusters["a"] == result.clusters["b"] != result.clusters["c"]


def test_a_kunya_only_name_links_to_its_family_by_the_family_names_rarity():
    """"Abu Firas X" (invented) names no given name: its family name is all it can share
    with "Issa Muaz X", and counts by its rarity. Candidates come from the kunya blocks,
    which no other key would find without a birth year."""
    from tawthiq.resolve.synthetic import generate

    people = [{"id": "k", "name": "Abu Firas QUTAIFANI", "origin": "Homs", "rank": "major"},
              {"id": "g", "name": "Issa Muaz Qutaifani", "origin": "Homs", "rank": "major"}]
    result = link_records(generate(400, seed=3).records + people)
    assert result.clusters["k"] == result.clusters["g"]
    words = _contribution(result, "k", "g", "name_words")
    assert words["level"].startswith("a kunya and the same family name") and words["log2_weight"] > 3


def test_kunya_blocks_drop_the_biggest_families_first(monkeypatch):
    from tawthiq.resolve import linkage

    kunya_family = ["a", None, "b", None, None, None]
    family = ["a", "a", "b", "b", "b", "b"]
    assert linkage._kunya_blocks(kunya_family, family) == ["a", None, "b", None, None, None]
    monkeypatch.setattr(linkage, "KUNYA_PAIR_BUDGET", 3)  # a: 1 x 2 pairs, b: 1 x 4
    assert linkage._kunya_blocks(kunya_family, family) == ["a", None, None, None, None, None]


def test_the_mothers_name_finds_candidates_a_misspelt_given_name_hides(monkeypatch):
    """"Hatyham" for "Haytham" (invented family): with a common family name (no rare-word
    block) and no father's name on one side, only the family and the mother's name are
    shared: they make the pair a candidate, another mother does not."""
    from tawthiq.resolve import linkage

    monkeypatch.setattr(linkage, "RARE_WORD_PAIR_BUDGET", 0)
    monkeypatch.setattr(linkage, "RARE_WORD_MAX_RECORDS", 3)
    people = [{"id": f"f{i}", "name": f"{given} Rahhami"} for i, given in enumerate(["Omar", "Samir", "Fadi", "Nabil"])]
    people += [{"id": "a", "name": "Haytham Ahmad Rahhami", "mother": "Layla"},
               {"id": "b", "name": "Hatyham Rahhami", "mother": "Layla"},
               {"id": "c", "name": "Hatyham Rahhami", "mother": "Huda"}]
    blocks = linkage.record_features(people)["block_family_mother"]
    assert blocks[-3] == blocks[-2] != blocks[-1]
    candidates = {frozenset((p.left_id, p.right_id)) for p in link_records(people, pairs_floor=1e-6).pairs}
    assert frozenset("ab") in candidates
    assert frozenset("ac") not in candidates
