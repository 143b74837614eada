"""Behaviour of the rules extraction backend on fictional sentences of the genre.

Every sentence here is invented; no real person is named.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tawthiq.extract.rules import extract_document, warm_up
from tawthiq.vocabulary import CLAIM_QUALIFIERS, EVENT_TYPES, EXTRACTION_FORMAT, RANKS

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SCORER = SHARED / "tools" / "score_extraction.py"


def run(text, published=None, **kw):
    return extract_document(text, document_id="t1", published=published, **kw)


def person(record, name):
    found = [p for p in record["persons"] if p["name"] == name]
    assert found, f"{name!r} not among {[p['name'] for p in record['persons']]}"
    return found[0]


def events_of(record, name, kind=None):
    pid = person(record, name)["id"]
    return [e for e in record["events"] if pid in e["subjects"] and (kind is None or e["type"] == kind)]


def assert_valid(record, text):
    """The record follows the format: ids, references, verbatim evidence, vocabulary."""
    assert record["format"] == EXTRACTION_FORMAT
    ids = {p["id"] for p in record["persons"]} | {o["id"] for o in record["organizations"]}
    for kind in ("persons", "events", "claims"):
        for item in record[kind]:
            assert item["evidence"], item
            assert item["key"]
            for ev in item["evidence"]:
                assert text[ev["start"]:ev["end"]] == ev["quote"]
    for org in record["organizations"]:
        assert org["parent"] is None or org["parent"] in ids
    for event in record["events"]:
        assert event["type"] in EVENT_TYPES
        assert set(event["subjects"]) | set(event["agents"]) <= ids
    for p in record["persons"]:
        assert p["rank"] is None or p["rank"] in RANKS
    for c in record["claims"]:
        assert c["qualifier"] in CLAIM_QUALIFIERS


def test_rank_and_name_make_a_person_with_that_rank():
    text = "First Lieutenant Karim Nasser al-Tayyeb defected from the army in 2012. Lt. Col. Fadi Marouf stayed."
    record = run(text)
    assert_valid(record, text)
    assert person(record, "Karim Nasser al-Tayyeb")["rank"] == "first lieutenant"
    assert person(record, "Fadi Marouf")["rank"] == "lieutenant colonel"
    [defection] = events_of(record, "Karim Nasser al-Tayyeb", "defection")
    assert defection["date"] == "2012"


def test_abbreviated_ranks_do_not_end_sentences():
    text = "Brig. Gen. Samer Kanaan, a former commander, said the unit was dissolved."
    record = run(text)
    assert person(record, "Samer Kanaan")["rank"] == "brigadier general"


def test_age_and_origin():
    text = ("In the case of Walid Hassoun, a 24-year-old from the countryside of Hama province, his family "
            "was notified of his death in March. Nour Tlass, 31, from Saraqib, was arrested.")
    record = run(text, published="2022-06-01")
    walid = person(record, "Walid Hassoun")
    assert (walid["age"], walid["origin"]) == (24, "Hama")
    nour = person(record, "Nour Tlass")
    assert (nour["age"], nour["origin"]) == (31, "Saraqib")
    [notification] = events_of(record, "Walid Hassoun", "death_notification")
    assert notification["date"] == "2022-03"


def test_first_name_only_is_a_pseudonym_and_names_the_nominal_person():
    text = ("The Syrian Army sergeant had thought about leaving for months. He was a driver at his base in Homs. "
            "So the 30-year-old sergeant, who asked to use only his first name, Bilal, because his parents live "
            "in Hama, bribed an officer.")
    record = run(text)
    bilal = person(record, "Bilal")
    assert bilal["pseudonym"] is True
    assert (bilal["rank"], bilal["age"]) == ("sergeant", 30)
    assert events_of(record, "Bilal", "extortion")
    assert events_of(record, "Bilal", "service")  # "He was a driver at his base": the sergeant


def test_pseudonym_statements():
    text = ("Rami, a former conscript from Inkhil whose name has been changed to protect his family, spoke to us. "
            "Sami Hourani is a pseudonym, he said.")
    record = run(text)
    assert person(record, "Rami")["pseudonym"] is True


def test_surname_coreference_and_spelling_variant_alias():
    text = ("Captain Hassan Ziad al-Qudsi defected from the police in 2013. "
            "According to local media, al-Qudsy turned himself in to the Political Security Branch in Homs. "
            "Al-Qudsi was later taken to Sednaya Military Prison.")
    record = run(text)
    assert len(record["persons"]) == 1
    qudsi = person(record, "Hassan Ziad al-Qudsi")
    assert "al-Qudsy" in qudsi["aliases"]
    assert events_of(record, "Hassan Ziad al-Qudsi", "reconciliation")
    [prison] = events_of(record, "Hassan Ziad al-Qudsi", "imprisonment")
    assert prison["place"] == "Sednaya Military Prison"


def test_pronoun_attaches_event_to_the_person_in_focus_not_a_possessive():
    text = ("Omar Saadeh, 29, served in the army until 2014. "
            "Assad's forces shelled the town that year. He deserted his post in 2015 and fled to Jordan.")
    record = run(text)
    assert [p["name"] for p in record["persons"]] == ["Omar Saadeh"]
    [escape] = events_of(record, "Omar Saadeh", "escape")
    assert escape["place"] == "Jordan"


def test_cataphoric_officer_is_the_person_named_next():
    text = ("On May 3, the authorities delivered the body of an officer who had defected from the army to his "
            "family in the town of Busra al-Sham, three years after he was arrested. "
            "Major Adel Mansour Haddad defected in 2012.")
    record = run(text, published="2021-06-01")
    adel = person(record, "Adel Mansour Haddad")
    assert adel["origin"] == "Busra al-Sham"  # as the document spells it
    [handover] = events_of(record, "Adel Mansour Haddad", "body_handover")
    assert handover["date"] == "2021-05-03"
    [arrest] = events_of(record, "Adel Mansour Haddad", "arrest")
    assert arrest["date"] == "2018-05"


def test_unit_hierarchy_both_ways():
    text = ("He joined the 9th Division's 52nd Brigade in 2010. "
            "Later he served in the 41st Regiment of the 3rd Division.")
    record = run(text)
    orgs = {o["name"]: o for o in record["organizations"]}
    assert orgs["52nd Brigade"]["parent"] == orgs["9th Division"]["id"]
    assert orgs["41st Regiment"]["parent"] == orgs["3rd Division"]["id"]
    assert orgs["52nd Brigade"]["kind"] == "brigade"


def test_security_office_and_branch_names():
    text = ("Ziad Haj Ali was arrested by the Fourth Division's security office and taken to Raid Branch 215 "
            "in Damascus, his brother told Enab Baladi.")
    record = run(text)
    orgs = {o["name"]: o for o in record["organizations"]}
    assert orgs["Fourth Division's security office"]["parent"] == orgs["Fourth Division"]["id"]
    assert orgs["Raid Branch 215"]["kind"] == "branch"
    assert orgs["Enab Baladi"]["kind"] == "media"


def test_relative_dates_resolved_with_publication_date_and_null_without():
    text = "Tarek Shaaban was arrested last November. In August, Tarek Shaaban disappeared."
    with_date = run(text, published="2021-02-09")
    assert events_of(with_date, "Tarek Shaaban", "arrest")[0]["date"] == "2020-11"
    assert events_of(with_date, "Tarek Shaaban", "enforced_disappearance")[0]["date"] == "2020-08"
    without = run(text)
    assert events_of(without, "Tarek Shaaban", "arrest")[0]["date"] is None


def test_partial_dates_keep_their_precision():
    text = "Munir Ghazal, 33, joined the Free Syrian Army in mid-2013 and left the group at the end of 2016."
    record = run(text)
    assert events_of(record, "Munir Ghazal", "joined_group")[0]["date"] == "2013"
    assert events_of(record, "Munir Ghazal", "left_group")[0]["date"] == "2016"


@pytest.mark.parametrize("sentence, quantity, high, qualifier, category", [
    ("More than 3,500 officers have defected from the army since 2011.", 3500, None, "more_than", "defection"),
    ("Tens of thousands of soldiers deserted their units.", 10000, 99999, "order_of", "defection"),
    ("Around 85 former fighters were forcibly disappeared after the settlement.", 85, None, "about",
     "enforced_disappearance"),
    ("The group documented the killing of twenty-one defectors in 2020.", 21, None, "exact", "death"),
    ("At least two hundred detainees were arrested at checkpoints.", 200, None, "at_least", "arrest"),
    ("Dozens of defectors were executed in the prison.", 12, 99, "order_of", "death"),
])
def test_claim_figures_and_qualifiers(sentence, quantity, high, qualifier, category):
    record = run(sentence)
    assert_valid(record, sentence)
    [claim] = record["claims"]
    assert (claim["quantity"], claim["quantity_high"], claim["qualifier"], claim["category"]) == (
        quantity, high, qualifier, category)


def test_claim_attribution_and_cause_over_background():
    text = ("According to the Syrian Network for Human Rights, 40 conscripts were killed after being "
            "conscripted in 2019.")
    [claim] = run(text)["claims"]
    assert claim["category"] == "death"
    assert claim["attributed_to"] == "Syrian Network for Human Rights"
    assert claim["period_start"] == "2019"


def test_money_is_an_extortion_event_not_a_claim():
    text = "Yasser Kharrat's mother said the family has paid three million Syrian liras to brokers for news of him."
    record = run(text)
    assert record["claims"] == []
    assert events_of(record, "Yasser Kharrat", "extortion")


def test_years_ages_and_durations_are_not_claims():
    text = "Hisham Darwish, 45, spent 12 years in the army and was held for 18 months in 2014 before 2016."
    assert run(text)["claims"] == []


def test_modal_and_negated_triggers_make_no_event():
    text = "Sufian Bakri, 22, did not defect. He feared he could be arrested or killed if he tried."
    record = run(text)
    assert events_of(record, "Sufian Bakri") == []


def test_bylines_and_translators_are_not_persons():
    text = ("By Nadia Fares\n\nColonel Jamil Saker defected in 2012.\n\n"
            "The report was translated into English by Hadi Kassem.")
    names = [p["name"] for p in run(text)["persons"]]
    assert names == ["Jamil Saker"]


def test_sources_pseudonym_notice():
    text = ("Mahmoud Serhan, 26, recalled being sent to the front, he told the outlet. "
            "*All sources have been given pseudonyms to protect them.")
    assert person(run(text), "Mahmoud Serhan")["pseudonym"] is True


def test_empty_and_non_latin_documents_return_valid_empty_records():
    for text in ("", "   \n ", "12345 -- 678"):
        record = run(text)
        assert record["persons"] == record["events"] == record["claims"] == []
        assert record["document"]["id"] == "t1"


def test_arabic_document_rank_names_places_and_triggers():
    text = "انشق النقيب خالد محمود العلي عن الجيش في درعا. ثم اعتقل الملازم أول سامر حسن الديب في حمص."
    record = run(text, language="ar")
    assert_valid(record, text)
    ranks = {p["name"]: p["rank"] for p in record["persons"]}
    assert ranks == {"خالد محمود العلي": "captain", "سامر حسن الديب": "first lieutenant"}
    kinds = {e["type"] for e in record["events"]}
    assert {"defection", "arrest"} <= kinds


def test_megabyte_document_runs_and_stays_consistent():
    paragraph = ("Captain Rafiq Sabbagh defected from the 5th Brigade in 2012 and fled to Turkey. "
                 "More than 300 soldiers defected that year, according to the Violations Documentation Center. ")
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    record = run(text)
    assert len(text) > 1_000_000
    assert [p["name"] for p in record["persons"]] == ["Rafiq Sabbagh"]
    assert len(record["claims"]) > 1000
    first = record["claims"][0]["evidence"][0]
    assert text[first["start"]:first["end"]] == first["quote"]


def test_deterministic_keys():
    warm_up()
    text = "Sergeant Luay Shams, 23, was arrested in 2019 and taken to Palmyra Military Prison."
    assert run(text) == run(text)


@pytest.mark.slow
@pytest.mark.skipif(not (SEEDS.is_dir() and SCORER.exists()), reason="../shared seeds and scorer not available")
def test_seed_scores_meet_the_thresholds(tmp_path):
    from tawthiq.extract.rules.evaluate import run as run_folder

    assert run_folder(SEEDS, tmp_path) == 5
    result = subprocess.run([sys.executable, str(SCORER), str(SEEDS / "gold"), str(tmp_path), "--json"],
                            capture_output=True, text=True, check=True)
    scores = json.loads(result.stdout)
    assert scores["macro_f1"] >= 0.75
    assert scores["persons"]["f1"] >= 0.90
    assert scores["claims"]["f1"] >= 0.80


FRAGMENTS = ["Captain", "Lt. Col.", "Omar", "al-Khatib", "Abu", "Hana", ",", ".", " ", "\n", "defected", "was arrested",
             "in 2013", "last May", "on 4 June", "more than", "1,200", "tens of", "soldiers", "Daraa", "the 7th Division's",
             "32nd Brigade", "Branch 215", "he", "his body", "Name:", "Rank: Sergeant", "Age: 30", "“", "”", "(", ")",
             "انشق", "النقيب", "سامر", "حسن", "الديب", "اعتقل", "في", "2012", "؟", "-", "’s", "told", "Syria Direct"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60), st.sampled_from([None, "2020-02-29", "2019", "bad"]))
@settings(max_examples=150, deadline=None)
def test_any_mix_of_genre_fragments_gives_a_valid_record(parts, published):
    text = " ".join(parts)
    record = extract_document(text, document_id="fuzz", published=published)
    assert_valid(record, text)


def test_active_verb_object_and_kunya_of_the_mother():
    text = ("Col. Fares Haddad defected in 2012. His wife, Umm Ziad, stayed in Homs. In 2014, officers arrested "
            "his son, Ziad Haddad, then 19. Ziad was held at the Palestine Branch for eight months.")
    record = run(text)
    assert events_of(record, "Ziad Haddad", "arrest")[0]["date"] == "2014"
    assert events_of(record, "Ziad Haddad", "imprisonment")[0]["place"] == "Palestine Branch"
    assert events_of(record, "Umm Ziad") == []
    assert events_of(record, "Fares Haddad", "arrest") == []


def test_list_bulletin_fields():
    text = ("Name: Rafe Kanaan al-Ali\nRank: First Lieutenant\nAge: 34\nFrom: Kafr Zita, Hama\n"
            "Defection: August 2012, from a unit in Homs\nArrest: detained on 21 July 2019 at his home\n"
            "Status: whereabouts unknown\n")
    record = run(text, published="2019-08-01")
    rafe = person(record, "Rafe Kanaan al-Ali")
    assert (rafe["rank"], rafe["age"], rafe["origin"]) == ("first lieutenant", 34, "Kafr Zita")
    dates = {e["type"]: e["date"] for e in events_of(record, "Rafe Kanaan al-Ali")}
    assert dates["defection"] == "2012-08"
    assert dates["arrest"] == "2019-07-21"
    assert dates["enforced_disappearance"] == "2019-07-21"


def test_testimony_first_person_is_the_witness():
    text = ("About the witness: Samir, 30, is from Saraqib. The witness's name has been changed.\n\n"
            "I was conscripted in 2009. In September 2013 I crossed into Turkey.")
    record = run(text)
    samir = person(record, "Samir")
    assert (samir["age"], samir["origin"], samir["pseudonym"]) == (30, "Saraqib", True)
    assert events_of(record, "Samir", "conscription")[0]["date"] == "2009"
    assert events_of(record, "Samir", "escape")[0]["date"] == "2013-09"


def test_same_day_and_narrative_month_dates():
    text = ("Nizar Atassi returned to Syria in April 2018 under an amnesty. He was arrested at the border the same "
            "day. His unit established positions in Tadef in May 2012, then withdrew to Aleppo in July.")
    record = run(text)
    assert events_of(record, "Nizar Atassi", "arrest")[0]["date"] == "2018-04"
    assert {e["date"] for e in events_of(record, "Nizar Atassi", "deployment")} == {"2012-05", "2012-07"}


def test_events_of_relatives_are_not_the_defectors():
    text = ("Ahmad Sharaf, 24, a former conscript from Kafr Zita who fled to Idlib in 2020, said his brother was "
            "arrested at a checkpoint on 3 March. Weeks later, his brother's house was demolished.")
    record = run(text, published="2021-05-01")
    ahmad = person(record, "Ahmad Sharaf")
    assert (ahmad["age"], ahmad["origin"]) == (24, "Kafr Zita")
    kinds = {e["type"] for e in events_of(record, "Ahmad Sharaf")}
    assert "arrest" not in kinds
    assert {"escape", "reprisal"} <= kinds


def test_coordinated_subjects_share_one_event():
    text = ("First Lieutenant Yahya Khoury, Sergeant Adel Hakim al-Masri and Private Nour Shaheen were arrested in "
            "Douma in September 2018. In May 2021, the families of Khoury and al-Masri received death certificates. "
            "A fourth man, whom we call Samer because he fears for his relatives, was released.")
    record = run(text)
    ids = {p["name"]: p["id"] for p in record["persons"]}
    [arrest] = [e for e in record["events"] if e["type"] == "arrest"]
    assert set(arrest["subjects"]) == {ids["Yahya Khoury"], ids["Adel Hakim al-Masri"], ids["Nour Shaheen"]}
    [notice] = [e for e in record["events"] if e["type"] == "death_notification"]
    assert set(notice["subjects"]) == {ids["Yahya Khoury"], ids["Adel Hakim al-Masri"]}
    assert person(record, "Samer")["pseudonym"] is True


def test_named_armed_groups_apostrophes_and_header_organisations():
    text = ("HAMA VALLEY DOCUMENTATION GROUP\n\nSergeant Ma'moun Sa'eed al-Hallaq defected in 2013 and joined the SDF "
            "in 2016. He left the SDF in 2019.")
    record = run(text)
    orgs = {o["name"]: o for o in record["organizations"]}
    assert orgs["Hama Valley Documentation Group"]["kind"] == "ngo"
    name = "Ma'moun Sa'eed al-Hallaq"
    assert person(record, name)["rank"] == "sergeant"
    [joined] = events_of(record, name, "joined_group")
    assert (joined["date"], joined["agents"]) == ("2016", [orgs["SDF"]["id"]])
    assert events_of(record, name, "left_group")[0]["date"] == "2019"
    [defection] = events_of(record, name, "defection")
    assert defection["agents"] == []  # the SDF is not what he defected from


@pytest.mark.parametrize("text, expected", [
    ("Lieutenant Firas Jomaa was among the first officers to defect in 2011.", {("defection", "2011")}),
    ("Regime forces arrested Nasser Kanj at a checkpoint in 2019. He was summoned by a branch in Homs and never "
     "returned.", {("arrest", "2019"), ("enforced_disappearance", "2019")}),
    ("Major Sami Barakat benefited from the amnesty in 2019.", {("reconciliation", "2019")}),
    ("Captain Hazem Saleh, a defected officer from Homs, was killed under torture in 2016.",
     {("defection", None), ("torture", "2016"), ("death", "2016")}),
])
def test_common_phrasings_of_the_genre(text, expected):
    record = run(text)
    assert {(e["type"], e["date"]) for e in record["events"]} == expected


def test_arabic_relatives_figures_and_organisations():
    text = ("قال الرائد المنشق أحمد محمود الخطيب لعنب بلدي إنه انشق عن الجيش عام 2012 وانضم إلى الجيش السوري الحر.\n"
            "وأضاف أن شقيقه اعتقل في أيار 2019 على حاجز في حمص.\n"
            "وبحسب الشبكة السورية لحقوق الإنسان، قتل أكثر من 14 ألف شخص تحت التعذيب منذ عام 2011.")
    record = run(text, published="2021-01-01")
    assert_valid(record, text)
    assert [(p["name"], p["rank"]) for p in record["persons"]] == [("أحمد محمود الخطيب", "major")]
    assert {(e["type"], e["date"]) for e in record["events"]} == {("defection", "2012"), ("joined_group", "2012")}
    assert [(c["quantity"], c["qualifier"], c["category"]) for c in record["claims"]] == [(14000, "more_than", "death")]
    assert {o["kind"] for o in record["organizations"]} == {"media", "armed_group", "ngo"}


def test_pseudonym_notes_make_persons():
    text = ('A former detainee, "Hassan" (not his real name), said he was tortured in 2013. '
            "Mahmoud (a pseudonym), 33, deserted in 2014.")
    record = run(text)
    assert (person(record, "Hassan")["pseudonym"], events_of(record, "Hassan", "torture")[0]["date"]) == (True, "2013")
    mahmoud = person(record, "Mahmoud")
    assert (mahmoud["pseudonym"], mahmoud["age"]) == (True, 33)
    assert events_of(record, "Mahmoud", "defection")[0]["date"] == "2014"


def test_a_long_list_keeps_every_distinct_person():
    given = ["Rami", "Fadi", "Nabil", "Samir", "Ziad", "Hani", "Tarek", "Bassel"]
    syllables = ["Ba", "Ka", "Da", "Ra", "Sa", "Ta", "Ha", "Za", "Ma", "Na"]
    lines = [f"{i + 1}. Sergeant {given[i % 8]} {given[(i // 8) % 8]} al-{syllables[i % 10]}"
             f"{syllables[(i // 10) % 10].lower()}{syllables[(i // 100) % 10].lower()}di, from Daraa, was arrested in 2019."
             for i in range(1000)]
    record = run("\n".join(lines))
    assert len(record["persons"]) == 1000
    assert len([e for e in record["events"] if e["type"] == "arrest"]) == 1000


def test_a_units_defection_without_a_named_person():
    text = ("This was followed by the defection of a small number of elements from the Air Force Intelligence "
            "Directorate in Hama, the source said.")
    record = run(text)
    [event] = record["events"]
    orgs = {o["id"]: o["name"] for o in record["organizations"]}
    assert (event["type"], event["subjects"], [orgs[a] for a in event["agents"]]) == (
        "defection", [], ["Air Force Intelligence Directorate"])
    assert event["place"] == "Hama"
