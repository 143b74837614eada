"""Claims: figures about many people or operations, with qualifier, category and source.

A figure counts when a population noun follows it ("more than 4,000 officers", "tens
of them", "three specific defection operations") or when it ends "the number of ...
has reached N". Years, ages, durations, money, percentages and article numbers are
not claims; money paid by a family is an extortion event (events module).
The category is the violation word nearest the figure in its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
         "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
WORD_NUMBER = (r"(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
               r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
               r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?(?:\s+(?:dozen|hundred|thousand|million)"
               r"(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|"
               r"sixty|seventy|eighty|ninety))?)*)")
VAGUE = {  # phrase -> (low, high)
    "several hundred": (100, 999), "a few hundred": (100, 999), "several thousand": (1_000, 9_999),
    "a few thousand": (1_000, 9_999), "several dozen": (12, 99),
    "tens of thousands": (10_000, 99_999), "hundreds of thousands": (100_000, 999_999),
    "thousands": (1_000, 9_999), "hundreds": (100, 999), "dozens": (12, 99), "tens": (10, 99),
    "scores": (20, 99),
}
QUALIFIERS = [
    ("more_than", r"more than|over|upwards of|in excess of|above"),
    ("at_least", r"at least|no fewer than|no less than|a minimum of"),
    ("fewer_than", r"fewer than|less than|under|up to|no more than|at most"),
    ("about", r"around|about|approximately|nearly|almost|roughly|some|an estimated|estimated|close to|"
              r"approx\.|circa|more or less"),
]
QUALIFIER = "|".join(f"(?P<{name}>{pattern})" for name, pattern in QUALIFIERS)
POPULATION = (r"(?:[\w’'-]+\s+){0,4}?(?:people|persons|men|women|children|civilians|soldiers|officers|defectors|deserters|"
              r"detainees|prisoners|members|elements|fighters|conscripts|recruits|victims|bodies|operations|cases|"
              r"individuals|youths|young men|personnel|troops|servicemen|policemen|dissidents|refugees|families|"
              r"activists|students|residents|generals|colonels|lieutenants|captains|majors|sergeants|corporals|pilots|"
              r"journalists|doctors|medics|nurses|lawyers|judges|clerics|teachers|engineers|"
              r"privates|volunteers|reservists|others|of them|of whom|of those|of these|arrests|killings|deaths|defections|"
              r"disappearances|executions|abductions|detentions|reprisals|notifications|payments)\b")
POPULATION_AFTER = re.compile(rf"[\"”’']?\s+(?:of\s+)?(?P<pop>{POPULATION})", re.I)
ONE_OF_AFTER = re.compile(r"\s+(?:from|in|of|who)\b")
COMPANIONS = re.compile(r"\s+of\s+(?:his|her)\b")
EVENT_NOUN = re.compile(r"(?:operations|cases|arrests|killings|deaths|defections|disappearances|executions|abductions|"
                        r"detentions|reprisals|notifications|payments|of these|of those)$")
# When nothing happens to them in the clause, who they are says what the figure counts.
NOUN_CATEGORY = {"defectors": "defection", "deserters": "defection", "detainees": "arrest", "prisoners": "arrest"}
# "and 58 have died in custody": a figure whose population was named earlier in the clause.
BARE_VERB = re.compile(r"\s+(?:(?:have|has|had|were|was|are|remain|remained|are still|were still)\s+(?:been\s+)?(?:\w+\s+)?)?"
                       r"(?:died|killed|arrested|detained|executed|disappeared|tortured|defected|conscripted)\b", re.I)
NUMBER_START = re.compile(r"(?<![\w.,])(?:\d|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                          r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
                          r"seventy|eighty|ninety|tens|hundreds|thousands|dozens|scores|several|a few)\b)", re.I)
QUALIFIER_BEFORE = re.compile(rf"(?:{QUALIFIER})\s+$", re.I)
FIGURE = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|"
    rf"(?P<vague>tens of thousands|hundreds of thousands|several hundred|a few hundred|several thousand|a few thousand|"
    rf"several dozen|(?:thousands|hundreds|dozens|tens|scores)(?=\s+of\b|[.,;]))|{WORD_NUMBER})\b",
    re.I)
HAS_DIGIT = re.compile(r"\d")
LETTERS = re.compile(r"[a-z]+")
NUMBER_WORDS = set(UNITS) | {"tens", "hundreds", "thousands", "dozens", "scores", "several", "few"}
NOT_A_CLAIM_AFTER = re.compile(
    r"(?:\s*(?:-|\s)\s*(?:years?|months?|weeks?|days?|hours?|minutes?|times|meters|metres|km|kilometers|miles|percent|%|"
    r"liras?|pounds|dollars|euros|SYP|USD|\$|am|pm|a\.m\.|p\.m\.)\b|[-\s]years?[-\s]old|th\b|st\b|nd\b|rd\b|%)", re.I)
RANGE = re.compile(r"\s+and\s+(?P<high>\d{1,3}(?:,\d{3})+|\d+)\b")
NOT_A_CLAIM_BEFORE = re.compile(r"(?:\b(?:he|she) and)\s*$|(?:Article|Paragraph|Law|Number|No\.|Decree|Resolution|Branch|Division|Brigade|"
                                r"Regiment|Battalion|Hospital|page|\$|£|€|SYP|USD)\s*$", re.I)
NUMBER_OF = re.compile(r"\bnumber of\b(?P<what>[^.;]{0,250}?)\b(?:is|are|was|were|has|have|had|stands?|stood|reached|"
                       r"reach|amounts?|totals?|totalled|estimated|at)\b[^.;\d]{0,40}?$", re.I)
ONE_OF = re.compile(r"\bone of\s+$", re.I)
CATEGORIES = [
    ("death_notification", re.compile(r"\bnotified of (?:a|the|their) deaths?\b|\bdeath (?:notifications?|certificates?|records?)\b|"
                                      r"\binformed of (?:a|the|their) deaths?\b", re.I)),
    ("extortion", re.compile(r"\bpayments?\b|\bbrib\w*|\bransoms?\b|\bextort\w*", re.I)),
    ("reprisal", re.compile(r"\breprisals?\b", re.I)),
    ("joined_group", re.compile(r"\bjoin(?:ed)?\s+(?:the\s+)?(?:rebel|armed|opposition)\s+(?:groups?|factions?)\b", re.I)),
    ("body_handover", re.compile(r"\bbod(?:y|ies)\b|\bremains\b", re.I)),
    ("defection", re.compile(r"\bdefect\w*|\bdesert(?:ed|ion|ions|ers)\b|\bleft the (?:regime['’]s |army['’]s )?"
                             r"(?:forces|army|military)\b", re.I)),
    ("enforced_disappearance", re.compile(r"\bdisappear\w*|\bmissing\b", re.I)),
    ("death", re.compile(r"\bkill(?:ed|ing)\b|\bdied\b|\bdeaths?\b|\bdead\b|\bexecuted\b|\blost their lives\b|\bmartyred\b", re.I)),
    ("torture", re.compile(r"\btortur\w*", re.I)),
    ("arrest", re.compile(r"\barrest\w*|\bdetain\w*|\bimprison\w*|\babduct\w*|\bkidnapp\w*|\bjailed\b|\bin custody\b", re.I)),
    ("conscription", re.compile(r"\bconscript(?:ed|ion)\b|\brecruited\b|\bdrafted\b|\b(?:ordered|called|sent) back to\b|"
                                r"\brecalled to\b|\breserve service\b", re.I)),
    ("reconciliation", re.compile(r"\breconcil\w*|\bsettled their\b|\bsettlements?\b|\breturned to Syria\b", re.I)),
    ("escape", re.compile(r"\bfled\b|\bescaped\b|\blive in (?:a |the )?(?:\w+ )?camps?\b", re.I)),
]
BACKGROUND = re.compile(r"\b(?:after|before|since|following|until|without)\s+(?:the\s+|being\s+|their\s+|his\s+|having\s+)?$", re.I)
RELATIVE_START = re.compile(r"\s*,?\s*(?:who|that|which|whose)\b(?:\s+(?:had|have|has|were|was)\b)?", re.I)
MAIN_VERB = re.compile(r"\b(?:have|has|had|were|was|are|is|remain|remained)\b", re.I)
RELATIVE = re.compile(r"\b(?:who|that|which)\s+(?!they\b|he\b|she\b|it\b|we\b)(?:had\s+|have\s+|has\s+)?(?:[\w-]+\s+){0,2}$", re.I)
OUTCOME = re.compile(r"\bonly to be\s+(?:\w+\s+)?$", re.I)
ATTRIBUTION = re.compile(r"\baccording to\s+(?:the\s+|a\s+)?(?P<src>(?:[\w’'-]+\s+){0,6}?[\w’'-]+?)(?=[,.;:]|\s+(?:in|during|following|since|who|which)\b|$)", re.I)


@dataclass
class Claim:
    quantity: int
    quantity_high: int | None
    qualifier: str
    category: str
    population: str | None = None
    place: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    attributed_to: str | None = None
    evidence: list[tuple[int, int]] = field(default_factory=list)


def words_to_number(text: str) -> int | None:
    """'two million' -> 2000000, 'twenty-one' -> 21, '4,000' -> 4000, '1.5 million' -> 1500000."""
    text = text.lower().replace(",", "").strip()
    parts = text.replace("-", " ").split()
    if not parts:
        return None
    try:
        total = float(parts[0])
        for word in parts[1:]:
            total *= SCALES.get(word, 1)
        return int(total)
    except ValueError:
        pass
    total, current = 0, 0
    for word in parts:
        if word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current


def _relative_clause(text: str, pop_end: int) -> tuple[int, int]:
    """The span of a relative clause right after the population ("who returned under the settlement"),
    up to the main verb ("have died"); (0, 0) when there is none."""
    m = RELATIVE_START.match(text, pop_end)
    if not m:
        return 0, 0
    main = MAIN_VERB.search(text, m.end(), m.end() + 200)
    return m.start(), (main.start() if main else m.end())


def _category(text: str, start: int, end: int, pop_end: int, inside: bool = False) -> str | None:
    """The violation word nearest the figure in its clause (outside the population noun)."""
    left = max(text.rfind(";", max(0, start - 200), start), text.rfind(". ", max(0, start - 200), start), start - 201) + 1
    right = text.find(";", end, pop_end + 200)
    right = min(len(text), pop_end + 200) if right == -1 else right
    best = None
    clause = _relative_clause(text, pop_end)
    for name, pattern in CATEGORIES:
        for m in pattern.finditer(text, left, right):
            if start <= m.start() < pop_end and name != "body_handover" and not inside:
                continue  # "200 defectors": the noun is who they are, not what happened
            distance = (m.start() - pop_end) if m.start() >= pop_end else (start - m.end()) * 1.3
            if distance >= 160:
                continue
            context = text[max(0, m.start() - 25):m.start()]
            if BACKGROUND.search(context):
                distance += 400  # "killed after being conscripted", "disappeared since the Reconciliation"
            elif OUTCOME.search(context):
                distance = 0  # "conscripted ... only to be forcibly disappeared"
            elif clause[0] <= m.start() < clause[1] or (m.start() >= pop_end and RELATIVE.search(text, pop_end, m.start())):
                distance += 150  # "defectors who signed settlements ... have been arrested": who they are
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else None


def _first_category(text: str, start: int, end: int) -> str | None:
    """'the number of people who have been killed ... and whose families were notified': the first violation named."""
    found = []
    for name, pattern in CATEGORIES:
        for m in pattern.finditer(text, start, end):
            if m.group().lower().endswith(("ors", "ers")):
                continue  # "defectors": who they are, not what happened to them
            if not BACKGROUND.search(text[max(0, m.start() - 25):m.start()]):
                found.append((m.start(), name))
    return min(found)[1] if found else None


def find_claims(text: str, offset: int, dates: list, places: list, date_spans: list[tuple[int, int]],
                attribution: str | None) -> list[Claim]:
    """Claims of one sentence; `attribution` is the source the sentence quotes, if any."""
    claims: list[Claim] = []
    if not (HAS_DIGIT.search(text) or not NUMBER_WORDS.isdisjoint(LETTERS.findall(text.lower()))):
        return claims
    done = 0
    for hit in NUMBER_START.finditer(text):
        if hit.start() < done:
            continue  # "thousands" inside "tens of thousands"
        m = FIGURE.match(text, hit.start())
        if not m:
            continue
        done = m.end()
        num_start, end = m.span()
        qualifier_match = QUALIFIER_BEFORE.search(text, max(0, num_start - 25), num_start)
        start = qualifier_match.start() if qualifier_match else num_start
        if any(s <= num_start < e for s, e in date_spans):
            continue
        if NOT_A_CLAIM_AFTER.match(text, end) or NOT_A_CLAIM_BEFORE.search(text, max(0, num_start - 20), num_start):
            continue
        if text[end:end + 1] in ("-", "–") or (num_start > 0 and text[num_start - 1] in "-/"):
            continue
        vague = m.group("vague")
        if vague:
            low, high = VAGUE[vague.lower()]
            qualifier = "order_of"
        else:
            low = words_to_number(m.group("num"))
            if low is None:
                continue
            high = None
            qualifier = next((name for name, _ in QUALIFIERS if qualifier_match and qualifier_match.group(name)), "exact")
            between = RANGE.match(text, end) if text[max(0, num_start - 9):num_start].lower().rstrip().endswith("between") else None
            if between:
                high, qualifier, end = words_to_number(between.group("high")), "about", between.end()
                done = end
        population = POPULATION_AFTER.match(text, end)
        number_of = NUMBER_OF.search(text, max(0, num_start - 320), num_start)
        one_of = ONE_OF.search(text, max(0, start - 10), start) and ONE_OF_AFTER.match(text, end)
        bare = BARE_VERB.match(text, end)
        if not (population or number_of or one_of or bare):
            continue
        if population and COMPANIONS.match(text, end):
            continue  # "defected with three of his officers": his companions, not a figure
        if low < 3 and not vague and not number_of:
            continue  # one or two persons: events, or a source ("two persons from the town"), not a figure
        pop_end = population.end() if population else end
        category = _category(text, start, end, pop_end,
                             inside=bool(population and EVENT_NOUN.search(population.group("pop"))))
        if number_of and not population:
            category = _first_category(text, number_of.start("what"), number_of.end("what")) or category
        if category is None and population and len(population.group("pop").split()) <= 2:
            category = NOUN_CATEGORY.get(population.group("pop").split()[-1].lower())
        if category is None:
            continue
        if population:
            phrase = population.group("pop")
        elif number_of:
            phrase = number_of.group("what").strip()
            phrase = re.split(r"\s+(?:who|that|which|whose)\b", phrase)[0]
        else:
            phrase = None
        claim = Claim(low, high, qualifier, category, population=phrase)
        near = [p for p in places if abs(p.start - end) < 120]
        if near:
            claim.place = min(near, key=lambda p: abs(p.start - end)).phrase(text)
        resolved = [d.value for d in dates if d.value]
        if resolved:
            claim.period_start = resolved[0]
            claim.period_end = resolved[1] if len(resolved) > 1 else (resolved[0] if re.search(r"\b(?:in|during)\s+" + re.escape(resolved[0]) + r"\b(?:\s+alone)?", text) else None)
        claim.attributed_to = attribution
        q_start = number_of.start() if number_of else max(0, start - 60)
        q_end = min(len(text), pop_end + 100)
        q_start, q_end = _trim(text, q_start, q_end)
        claim.evidence.append((offset + q_start, offset + q_end))
        claims.append(claim)
    return claims


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to whole words and drop edge spaces and punctuation."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and text[end - 1] in " ,;:“\"(":
        end -= 1
    return start, end


def attribution_of(text: str) -> str | None:
    """'according to X' in a sentence: the source named."""
    m = ATTRIBUTION.search(text)
    return m.group("src").strip() if m else None
