"""The project's controlled vocabulary, from shared/spec/extraction-format.md.

Plain data so that the extractor, the store and the web layer all read one list.
Each mapping is term -> short human description.
"""

EXTRACTION_FORMAT = "tawthiq-extraction/1"

EVENT_TYPES = {
    "graduation": "finished a military college or course",
    "service": "served in a unit or post (a period)",
    "deployment": "a unit or person was stationed or sent somewhere",
    "defection_attempt": "tried or planned to defect and did not (yet) complete it",
    "defection": "left the regime's military, security or police forces",
    "escape": "reached safety: a border crossed, a camp or opposition area reached",
    "joined_group": "joined an armed group",
    "left_group": "left an armed group",
    "reconciliation": "took part in a reconciliation (settlement) agreement, or turned oneself in under an amnesty",
    "conscription": "conscripted, called to reserve service, or volunteered into the regime's forces",
    "arrest": "arrested or detained by a state or armed actor",
    "imprisonment": "held in a named prison, branch or facility",
    "enforced_disappearance": "fate or whereabouts unknown after detention or removal",
    "torture": "tortured",
    "death": "killed or died",
    "death_notification": "the family was notified of a death",
    "body_handover": "a body was delivered to the family",
    "extortion": "money demanded or paid for information or release",
    "reprisal": "action against a defector's family or property",
    "promotion": "promoted, including an honorary or posthumous rank",
}

DEATH_MANNERS = {
    "combat": "killed in fighting",
    "torture": "died under torture",
    "execution": "executed",
    "unknown": "manner not known",
}

# Ordered from lowest to highest.
RANKS = [
    "private",
    "corporal",
    "sergeant",
    "warrant officer",
    "second lieutenant",
    "first lieutenant",
    "lieutenant",
    "captain",
    "major",
    "lieutenant colonel",
    "colonel",
    "brigadier general",
    "major general",
    "general",
]

ORGANIZATION_KINDS = {
    "army": "an army or armed forces as a whole",
    "division": "division",
    "brigade": "brigade",
    "regiment": "regiment",
    "battalion": "battalion",
    "company": "company",
    "directorate": "an intelligence or security directorate",
    "branch": "a branch of a directorate",
    "office": "an office (e.g. a division's security office)",
    "ministry": "ministry",
    "police": "police or military police",
    "armed_group": "a non-state armed group",
    "ngo": "a documentation group or other NGO",
    "media": "a news outlet",
    "government": "a government body",
    "other": "anything else",
}

SIDES = {"government": "the regime", "opposition": "the opposition", "other": "neither"}

PERSON_ROLES = {
    "defector": "left the regime's forces",
    "victim": "suffered a violation",
    "official": "holds an official post",
    "commander": "commands a unit or group",
    "source": "quoted or interviewed",
    "family": "a relative of someone in the record",
    "other": "anything else",
}

CLAIM_QUALIFIERS = {
    "exact": "the figure as stated",
    "about": "around, approximately",
    "more_than": "more than",
    "at_least": "at least",
    "fewer_than": "fewer than, under",
    "order_of": "an order of magnitude (tens of thousands)",
}

NAME_KINDS = {
    "primary": "the name the person is best known by",
    "alias": "another spelling or form of the name",
    "pseudonym": "a name given to protect the person",
    "kunya": "Abu/Umm X",
}

SCRIPTS = {"latin": "Latin script", "arabic": "Arabic script"}

DATE_PRECISIONS = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}

REVIEW_STATES = {
    "suggested": "proposed by the machine, not yet reviewed",
    "confirmed": "a reviewer accepted it as it was",
    "corrected": "a reviewer accepted it with changes",
    "rejected": "a reviewer rejected it",
}

# Admiralty code: reliability of the source (A-F), separate from the credibility of
# a piece of information (1-6), which a reviewer records per document.
SOURCE_RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
INFORMATION_CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}

SOURCE_KINDS = {
    "publisher": "a news outlet or publisher",
    "documentation_group": "a local documentation group",
    "ngo": "a human-rights organisation",
    "official": "a government or official body",
    "list": "an imported list of persons",
    "testimony": "a witness or testimony collection",
    "other": "anything else",
}


def choices(mapping) -> list[tuple[str, str]]:
    """Django `choices` from a vocabulary mapping or list."""
    if isinstance(mapping, dict):
        return [(key, key.replace("_", " ")) for key in mapping]
    return [(key, key) for key in mapping]
