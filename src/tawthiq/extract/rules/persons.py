"""Person mentions found by patterns, never by a list of names, and their coreference.

A capitalised word sequence (with the particles of Arabic names: al-/el-, bin, ibn,
Abu, Umm, Abd al-) becomes a person when the text around it says so: a rank or title
before it ("First Lieutenant X", "President X", "FSA commander X"), an age or an
apposition after it ("X, 27,", "X, a former lieutenant", "X, Director of ..."), a verb
of speech ("X says", "says X"), "named X", "his first name, X", or an Arabic name
particle ("Karim al-Tayyeb", "Abu X"). Later mentions resolve by surname or
first name ("al-Tayyeb", "Karim"), by a spelling variant of the surname ("al-Qudsy"
for "al-Qudsi", kept as an alias), by rank ("the corporal") and by pronoun ("he", "his")
to the person last in focus. Coreference state is per document and O(1) per mention.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from .gazetteers import Entry
from .pipeline import quote_span

TOKEN = (r"(?:(?:[Aa]l|[Ee]l|[Aa][dnrstz])-)?(?:[A-Z][a-z]*(?:['’](?!s\b)[A-Za-z]+)*[a-z]|[A-Z]['’][A-Z][a-z]+|Mc[A-Z][a-z]+)"
         r"(?:-[A-Za-z][a-z]*(?:['’](?!s\b)[a-z]+)*)*")
CONNECTOR = r"(?:bin|ibn|bint|ben|al|el|Al|El|abu|Abu|Umm|umm|de|van|von)"
NAME = re.compile(rf"(?<![\w-]){TOKEN}(?:\s+(?:{CONNECTOR}\s+)?{TOKEN}){{0,5}}")
TOKEN_RE = re.compile(TOKEN)

# Capitalised words that start sentences or headlines, and words that are never names.
FUNCTION_WORDS = set("""
The A An In On At Of For And But Or Nor So Yet According By From To With As This That These Those Since After Before
While When Where Why How What Who Whom Whose Which There Here Then Than Now Today Yesterday Tomorrow Also Even Still
He She It We They I You His Her Its Our Their My Your Him Them Us Me If Unless Although Though Because Despite Unlike
Like Among Amid Between During Until Following Meanwhile However Moreover Furthermore Nevertheless Instead Indeed
Many Most Some Several Few Each Every All Both Either Neither No Not None One Two Three Four Five Six Seven Eight Nine
Ten Dozens Hundreds Thousands Tens First Second Third Last Next Another Other Such Only Just Later Earlier Soon Once
Again Always Never Ever Perhaps Maybe Yes Do Does Did Has Have Had Is Are Was Were Be Been Being Will Would Can Could
Should May Might Must Shall Let Please Thank Thanks Mr Mrs Ms Dr Sir Madam Brother Sister Mother Father Uncle Aunt
God Allah Prophet Quran Islam Muslim Muslims Christian Christians Sunni Sunnis Shia Shiite Shiites Alawite Alawites
Druze Kurd Kurds Kurdish Arab Arabs Arabic English Turkish Russian Iranian American Syrian Syrians Jordanian
Lebanese Iraqi Israeli Saudi Qatari Emirati Egyptian European Western British French German Dutch Swedish Islamic
Shabiha Mukhabarat Baath Ba'ath Revolution Reconciliation Regime Government State Republic Army Military Security
Intelligence Police Forces Force Division Brigade Regiment Battalion Company Corps Branch Directorate Ministry Office
Council Front Group League Network Observatory Center Centre Institute Committee Commission Coalition Party Movement
Agency News Post Times Journal Media University College Academy School Prison Hospital Camp Airport Base Court
Province Governorate Countryside City Town Village Street Square Road Mosque Church Union Association Foundation
Organization Organisation Initiative Project Program Programme Fund Bank Law Code Agreement Agreements Article
Paragraph Number Decree Amnesty Amnesties Service Services Support Task Emergency Press Radio TV Channel Daily Weekly
Magazine Review Report Reports Brothers Liwa Jaysh Jaish Jabhat Harakat Kataib Katibat Faylaq Ahrar Ansar Saraya
Tahrir Hayat Sham Eid Ramadan Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
May June July August September October November December Twitter Facebook WhatsApp YouTube Telegram Google Internet
Defectors Defector Defections Defection Death Deaths Detainees Detainee Detention Torture Fuel Delivering Select
Share Subscribe Read More Photo Video Image Credit Source Sources Update Updated Editor Editors Note Translated
Helpful Logo Cheat Sheet Digest Nobody Everybody Everyone Somebody Someone Relatives Families Neighbours
Neighbors Residents Witnesses Activists Officials Locals Officers Soldiers Rebels Parents Children People Men Women Terms Privacy Policy Middle East North South West Eastern Western Northern Southern
Free Syria Russia Shabiha Turkey Iran Hezbollah Daesh ISIS Nusra Kingdom Vilayat Caesar Lieutenant Colonel Captain
Major General Sergeant Corporal Private Brigadier President Minister Imam Commander Director Leader Chief
""".split())
TITLES = {"President": "official", "Vice President": "official", "Prime Minister": "official", "Minister": "official",
          "Sheikh": "other", "Dr": "other", "Dr.": "other", "Mr.": "other", "Mr": "other", "Mrs.": "other",
          "Ms.": "other", "Imam": "other", "Judge": "official", "Governor": "official", "Commander": "commander",
          "Director": "official", "Chief": "official"}
LEADING_TITLES = {"Sheikh", "Shaikh", "Sheikha", "Hajji", "Hajj", "Haji", "Ustaz", "Mullah"}
TITLE_BEFORE = re.compile(r"(?:\b(?P<title>Vice President|Prime Minister|President|Minister|Sheikh|Hajj|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Imam|Judge|Governor|"
                          r"(?:Governor|Minister|Director|Head|Mayor|Chief|Commander|Minister of [A-Z]\w+) of (?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)?)|"
                          r"\b(?P<role>commander|leader|head|chief|spokesman|spokesperson|spokeswoman|activist|journalist|"
                          r"analyst|researcher|lawyer|defector|dissident|officer|soldier|conscript|detainee|founder|"
                          r"director|official|photographer|doctor|nurse|pilot|emir|brother|father|son|cousin|uncle|"
                          r"nephew|mother|wife|friend|colleague|witness|survivor)|"
                          r"\b(?P<named>named|called|nicknamed|known as|name,|name is|pseudonym|identified as|identified only as|"
                          r"goes by|go by|case of|story of|ask(?:ed)? to be called|gave (?:his|her) name as|identified himself as|"
                          r"(?:whom|who) we (?:call|have called|are calling|will call)|we (?:call|will call) (?:him|her)|"
                          r"identified herself as|calls himself|called himself))\s+$")
SPEECH_VERBS = (r"says|said|told|tells|adds|added|recalled|recalls|explains|explained|notes|noted|stated|states|"
                r"confirmed|confirms|reported|reports|claimed|claims|cautioned|cautions|recounted|recounts|"
                r"remembers|remembered|described|describes|asserted|stressed|insisted|warned|wrote|writes|argued|"
                r"argues|believes|continued|continues|commented|admitted|acknowledged|revealed|estimated|"
                r"asked|answered|replied|added|denied|confirmed|alleged|testified|speaking|spoke")
SPEECH_AFTER = re.compile(rf"^(?:['’]s)?\s*(?:,\s*[^,]{{1,80}},\s*)?(?:{SPEECH_VERBS})\b")
SPEECH_BEFORE = re.compile(rf"\b(?:{SPEECH_VERBS}|according to|told by|quoted|quoting)\s+$")
AGE_BEFORE = re.compile(r"\b(?P<age>\d{1,2})[- ]years?[- ]old\s+$")
AGE_AFTER = re.compile(r"^,\s*(?:(?:a|an|aged|then|now|then aged|now aged)\s+)?(?P<age>\d{1,2})(?:[- ]years?[- ]old)?(?:\s+[a-z]+){0,2}?\s*(?:[,);.]|from\b|who\b|$)")
AGE_PAREN = re.compile(r"^\s*\((?P<age>\d{1,2})\)|^,\s*who was (?P<age2>\d{1,2})\s+(?:when|at the time|years old)\b")
ROLE_NOUNS = (r"analyst|commander|leader|head|chief|director|spokesman|spokesperson|spokeswoman|activist|journalist|"
              r"researcher|lawyer|defector|dissident|officer|soldier|conscript|detainee|founder|official|member|"
              r"president|minister|colonel|captain|lieutenant|major|general|sergeant|corporal|private|brigadier|"
              r"resident|native|father|mother|brother|son|farmer|teacher|student|doctor|pilot|engineer|fighter|"
              r"volunteer|survivor|witness|relative|cousin|man|woman|veteran|columnist|reporter|correspondent|"
              r"editor|coordinator|secretary|deputy|emir|sheikh|judge|\d+[- ]years?[- ]old")
ROLE_WORDS = set(ROLE_NOUNS.split("|")) | {"economist", "historian", "professor", "writer", "author", "poet", "artist",
                                           "businessman", "merchant", "trader", "driver", "nurse", "cleric", "mayor",
                                           "governor", "spokesperson", "photographer", "blogger", "mukhtar", "imam"}
APPOSITION = re.compile(rf"^,\s*(?:a|an|the|another|one of the)\s+(?:[\w’'.-]+\s+){{0,7}}?(?P<noun>{ROLE_NOUNS})\b", re.I)
TITLE_AFTER = re.compile(r"^,\s*(?:the\s+)?(?:former\s+|current\s+|then-)?(?:Director|director|[Hh]ead|[Ll]eader|[Cc]ommander|"
                         r"[Ss]pokes(?:man|person|woman)|[Ff]ounder|[Cc]hairman|[Pp]resident|[Mm]ember|[Dd]eputy|[Cc]hief|"
                         r"[Ee]ditor|[Cc]oordinator|[Mm]inister|[Ss]ecretary|[Mm]anager|[Mm]ayor|[Gg]overnor)\b")
WHO_AFTER = re.compile(r"^,\s*who\b")
RANK_NOMINAL = re.compile(r"\b[Tt]he\s+(?:(?P<age>\d{1,2})[- ]year[- ]old\s+)?(?:(?:former|defected|young|Syrian|Syrian Army|army|regime|dissident)\s+)*"
                          r"(?P<rank>private|corporal|sergeant|warrant officer|second lieutenant|first lieutenant|lieutenant colonel|"
                          r"lieutenant|captain|major general|brigadier general|major|colonel|general)\b(?!\s+[A-Z])")
# "Assad's forces": the name modifies a thing; it is neither the focus nor an event's subject.
MODIFIER_AFTER = re.compile(r"^\s+(?:regime|forces|government|army|loyalists|troops|clan|militias?|family's|era|rule)\b|"
                            r"^['’]s?\s+(?!(?:family|brother|sister|father|mother|son|daughter|wife|husband|cousin|uncle|"
                            r"relatives?|arrest|detention|body|death|defection|disappearance|fate|whereabouts|case|town|"
                            r"village|home|house|unit|story|release|killing|execution|torture|trial|testimony|own)\b)[a-z]")
# What only a person does or has: "X Y was arrested", "X Y defected", "X Y's mother".
ACTION_AFTER = re.compile(r"^,?\s+(?:(?:was|were|had been|has been|is|had|has)\s+(?:\w+\s+)?(?:arrested|detained|killed|executed|"
                          r"abducted|kidnapped|tortured|conscripted|released|disappeared|born|sentenced|summoned|"
                          r"promoted|wounded|injured|defected|deserted|fled|died|joined|served|returned|surrendered)|"
                          r"defected|deserted|fled|died|joined|served|graduated|enlisted|volunteered|returned|went back|"
                          r"surrendered|escaped|crossed into|signed a settlement|settled his)\b")
VICTIM_BEFORE = re.compile(r"\b(?:arrested|detained|abducted|kidnapped|killed|executed|tortured|shot|released|summoned|"
                           r"conscripted|interrogated)\s+$")
KIN_AFTER = re.compile(r"^['’]s?\s+(?:family|brother|sister|father|mother|son|daughter|wife|husband|cousin|uncle|relatives?|"
                       r"lawyer|friend|colleague)\b")
FEMALE_BEFORE = re.compile(r"\b(?:wife|mother|sister|daughter|widow|aunt|grandmother|niece|Mrs\.?|Ms\.?|woman)\s*,?\s*$", re.I)
OBJECT_BEFORE = re.compile(r"\b(?:to|of|for|with|about|from|close to|near|against|by)\s+$")
# "the body of an officer who had defected": a person the next sentence names.
INDEFINITE_NOMINAL = re.compile(r"\b(?:of|was|is|,)\s+an?\s+(?:\d{1,2}-year-old\s+)?(?:(?:young|former|defected|retired|dissident)\s+)?"
                                r"(?P<noun>officer|defector|soldier|conscript|young man|man|detainee|lieutenant|captain|"
                                r"colonel|major|sergeant|corporal)\s+(?:who|from|whose)\b")
FIELD_NAME = re.compile(r"^\s*(?:Full\s+)?[Nn]ame\s*:\s*[\"“]?$")
WITNESS_BEFORE = re.compile(r"(?:\b[Ww]itness|\b[Tt]estimony of|\b[Nn]arrator|\b[Tt]old by|\b[Ii]nterviewee)\s*:?\s*(?:is\s+)?$")
FIRST_PERSON = re.compile(r"\b(?:I|me|my|myself|we|We|our|Our|us)\b")
ZERO_VERBS = (r"Defected|Deserted|Arrested|Detained|Abducted|Kidnapped|Transferred|Moved|Taken|Sent|Held|Released|Killed|"
              r"Executed|Tortured|Conscripted|Drafted|Enlisted|Volunteered|Joined|Served|Fled|Escaped|Crossed|Returned|"
              r"Settled|Disappeared|Died|Graduated|Promoted|Deployed|Stationed|Posted|Lives|Lived|Worked|Left|Tried|"
              r"Attempted|Signed|Handed|Summoned|An? (?:former |young )?(?:conscript|soldier|officer|defector|sergeant|"
              r"corporal|private|recruit)")
# Field labels of list bulletins ("Arrest: detained on 3 July ...") whose value is about the record's person.
FIELD_LABEL = r"(?!(?:Note|Editor['’]s note|Source|Sources|Photo|Credit|Update|Correction|Translation|Read more)\s*:)[A-Z][A-Za-z ]{1,24}:\s*"
ZERO_SUBJECT = re.compile(rf"(?:{FIELD_LABEL})?(?:{ZERO_VERBS})\s+(?:in|on|from|by|at|to|into|with|near|after|before|for|"
                          rf"during|since|and|as|his|her|a|an|the|\d)\b|{FIELD_LABEL}(?:[a-z\d]|(?:January|February|March|April|May|June|"
                          rf"July|August|September|October|November|December)\b)")
PRONOUN = re.compile(r"\b(?:he|him|his|himself|He|His|Him|[Tt]he family|[Tt]he body(?! of))\b")
PSEUDONYM_BEFORE = re.compile(r"(?:first name|pseudonym|nickname|gave (?:his|her) name as|calls himself|called himself|"
                              r"whom we call|who we call|we (?:will )?call (?:him|her)|not (?:his|her) real name|identified as|identified only as|"
                              r"asked to be (?:called|identified as)|a name (?:he|she) chose|name has been changed)[^.;]{0,30}$", re.I)
PSEUDONYM_AFTER = re.compile(r"^[\"”’']?\s*(?:\(|,\s*)(?:a\s+)?(?:pseudonym|not (?:his|her) real name|(?:his|her) name has been changed|"
                             r"a nom de guerre|an alias)", re.I)
PSEUDONYM_LATER = re.compile(r"^[^.;]*?\b(?:whose (?:real )?name (?:has been|was|is) (?:changed|withheld)|not (?:his|her) real name|"
                             r"(?:gave|give|gives|uses|used|using|asked to use|requested to use) only (?:his|her) first name|"
                             r"(?:is|was) a pseudonym|(?:his|her) name has been changed|nom de guerre|real name withheld)", re.I)
PAREN_NOTE = re.compile(r"^[\"”’']?\s*\([^)]{1,40}\)")
PSEUDONYM_CUE = re.compile(r"name|pseudonym|guerre|withheld", re.I)
# First words of Syrian place names ("Tal al-X", "Kafr X", "Hay al-X"): such a sequence is a place.
PLACE_HEADS = {"Tal", "Tell", "Tall", "Ain", "Ayn", "Deir", "Dayr", "Kafr", "Kfar", "Bab", "Jisr", "Jabal", "Jebel", "Wadi",
               "Khan", "Qasr", "Beit", "Bayt", "Ras", "Marj", "Sahl", "Hay", "Hayy", "Bir", "Maarat", "Maaret", "Khirbet",
               "Khirbat", "Mazraat", "Souq", "Suq", "Harat", "Dar", "Qalaat", "Tel", "Nahr", "Mukhayyam", "Mashfa"}
PLACE_AFTER = re.compile(r"^['’]?\s+(?:checkpoint|camp|prison|village|town|road|highway|street|neighbou?rhood|district|square|"
                         r"hospital|airport|airbase|base|barracks|crossing|area|region|countryside|mountains?|valley|river|"
                         r"mosque|school|plain|dam|bridge|junction|roundabout|market|quarter|suburb|governorate|province)\b", re.I)
LOCATIVE_BEFORE = re.compile(r"(?:\b(?:in|near|at|into|between|outside|around|towards?|via|through|across)\s+(?:the\s+)?|"
                             r"\bbetween\s+\S+(?:\s+\S+)?\s+and\s+)$")


@lru_cache(maxsize=4096)
def norm_name(name: str) -> str:
    """Normalised name for comparing mentions (the scorer's normalisation)."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("-", " ")
    s = re.sub(r"['`’‘ʻʼ]s\b", "", s)
    s = re.sub(r"['`’‘ʻʼ]", "", s)
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(t for t in s.split() if t not in ("al", "el"))


@lru_cache(maxsize=4096)
def skeleton(token: str) -> str:
    """Consonant skeleton of a romanised Arabic word: 'Qudsi' and 'Qudsy' both give 'qds'."""
    s = norm_name(token).replace(" ", "")
    s = re.sub(r"(?<=.)[aeiouy]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


@dataclass
class Person:
    """One person of a document. `name` is None while known only as 'the corporal'."""

    pid: int
    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    rank: str | None = None
    age: int | None = None
    origin: str | None = None
    pseudonym: bool = False
    roles: set[str] = field(default_factory=set)
    evidence: list[tuple[int, int]] = field(default_factory=list)  # sentence spans, absolute
    merged_into: int | None = None
    female: bool = False  # never the antecedent of he/him/his
    mentions: int = 0  # mentions by name so far, for choosing between two people of one family

    @property
    def tokens(self) -> list[str]:
        return norm_name(self.name).split() if self.name else []


@dataclass
class PersonMention:
    start: int  # offsets within the sentence
    end: int
    pid: int
    kind: str  # name, nominal, pronoun


class PersonRegistry:
    """The persons of one document and the coreference state."""

    def __init__(self):
        self.persons: list[Person] = []
        self.by_token: dict[str, list[int]] = {}  # name token -> pids (recent last)
        self.by_last: dict[str, list[int]] = {}  # last name token -> pids
        self.by_set: dict[frozenset, list[int]] = {}  # all tokens of a name -> pids
        self.by_skeleton: dict[str, list[int]] = {}
        self.focus: int | None = None
        self.cataphora: int | None = None  # "an officer who ..." named only in the next sentence
        self.narrator: int | None = None  # "About the witness: X, 30, ...": the "I" of a testimony
        self.unclaimed: dict[str, str] = {}  # last name -> a full name seen without a cue to be a person

    def get(self, pid: int) -> Person:
        person = self.persons[pid]
        while person.merged_into is not None:
            person = self.persons[person.merged_into]
        return person

    def new(self, name: str | None) -> Person:
        person = Person(len(self.persons), name)
        self.persons.append(person)
        if name:
            self._index(person, name)
        return person

    def _index(self, person: Person, name: str) -> None:
        tokens = norm_name(name).split()
        if not tokens:
            return
        self.by_set.setdefault(frozenset(tokens), []).append(person.pid)
        self.by_last.setdefault(tokens[-1], []).append(person.pid)
        for token in tokens:
            self.by_token.setdefault(token, []).append(person.pid)
        if len(tokens[-1]) >= 4:
            self.by_skeleton.setdefault(skeleton(tokens[-1]), []).append(person.pid)

    def name(self, person: Person, name: str) -> None:
        person.name = name
        self._index(person, name)

    def _live(self, pids) -> list[Person]:
        return [self.persons[p] for p in dict.fromkeys(self.get(p).pid for p in pids)]

    def find(self, name: str) -> tuple[Person | None, bool]:
        """The known person a name refers to, and whether it is a variant spelling (alias).

        Index lookups only (by surname, by token set, by the rarest token), so a list of
        thousands of names costs no more per name than an article of ten.
        """
        tokens = norm_name(name).split()
        if not tokens:
            return None, False
        if len(tokens) == 1:
            # A surname match ("al-Tayyeb") before a first name; among several, the person in
            # focus, then the one mentioned most, then the one introduced first.
            # "Khaled" is not "Umm Khaled": a kunya names a child, not its bearer.
            named = [p for p in self._live(self.by_last.get(tokens[0], []))
                     if p.tokens[:1] not in (["abu"], ["umm"]) or len(p.tokens) == 1] \
                or [p for p in self._live(self.by_token.get(tokens[0], [])) if p.tokens[:1] not in (["abu"], ["umm"])]
            if named:
                return min(named, key=lambda p: (p.pid != self.focus, -p.mentions, p.pid)), False
            if len(tokens[0]) >= 4:
                for person in reversed(self._live(self.by_skeleton.get(skeleton(tokens[0]), []))):
                    if len(person.tokens) >= 2 and skeleton(person.tokens[-1]) == skeleton(tokens[0]):
                        return person, True
            return None, False
        wanted = frozenset(tokens)
        found: list[Person] = []
        # Known names made of some of these words: "Salim Haddad" for "Salim Nour Haddad", or "Bilal" then "Bilal Khatib".
        for size in range(len(wanted), 0, -1):
            for subset in combinations(sorted(wanted), size):
                if size == 1 and subset[0] != tokens[0]:
                    continue
                found.extend(self._live(self.by_set.get(frozenset(subset), [])))
            if found:
                break
        if not found:
            # Known names containing all these words: "Salim Haddad" after "Salim Nour Haddad".
            postings = [self.by_token.get(t, []) for t in wanted]
            if all(postings):
                found = [p for p in self._live(min(postings, key=len)) if wanted <= set(p.tokens)]
        return (min(found, key=lambda p: p.pid), False) if found else (None, False)

    def with_rank(self, rank: str) -> Person | None:
        """'the corporal': the person in focus if of that rank, else the last person seen with it."""
        if self.focus is not None and self.get(self.focus).rank == rank:
            return self.get(self.focus)
        for person in reversed(self.persons):
            if person.merged_into is None and person.rank == rank:
                return person
        return None

    def merge(self, keep: Person, gone: Person) -> None:
        if keep.pid == gone.pid:
            return
        gone.merged_into = keep.pid
        keep.rank = keep.rank or gone.rank
        keep.age = keep.age or gone.age
        keep.origin = keep.origin or gone.origin
        keep.pseudonym = keep.pseudonym or gone.pseudonym
        keep.roles |= gone.roles
        keep.evidence.extend(e for e in gone.evidence if e not in keep.evidence)
        if self.focus == gone.pid:
            self.focus = keep.pid


@dataclass
class Candidate:
    start: int
    end: int
    text: str


def _candidates(text: str, blocked: list[tuple[int, int]]) -> list[Candidate]:
    """Capitalised word sequences outside gazetteer spans, edge function words stripped."""
    out = []
    mask = bytearray(len(text) + 1)
    for s, e in blocked:
        mask[s:e] = b"\x01" * (e - s)
    for m in NAME.finditer(text):
        tokens = [(t.start() + m.start(), t.end() + m.start(), t.group()) for t in TOKEN_RE.finditer(m.group())]
        run: list[tuple[int, int, str]] = []
        for token in tokens + [None]:
            stop = token is None or token[2] in FUNCTION_WORDS or any(mask[token[0]:token[1]])
            if not stop:
                run.append(token)
                continue
            while len(run) > 1 and (run[0][2] in LEADING_TITLES or run[0][2].lower() in ROLE_WORDS):
                run = run[1:]  # "Sheikh Ahmad al-X", "Economist Karam X": the title is not part of the name
            if run:
                out.append(Candidate(run[0][0], run[-1][1], text[run[0][0]:run[-1][1]]))
            run = []
    return out


def _has_particle(name: str) -> bool:
    return bool(re.search(r"(?:^|\s)(?:[Aa]l|[Ee]l|[Aa][dnrstz])-[A-Z]|\b(?:bin|ibn|bint|Abu|Abou|Umm|Abd|Abdul|Abdel)\b", name))


def find_persons(text: str, offset: int, gaz_hits: list[tuple[int, int, Entry]], org_spans: list[tuple[int, int]],
                 place_spans: list[tuple[int, int]], registry: PersonRegistry) -> list[PersonMention]:
    """Person mentions of one sentence (offsets within it), creating or resolving persons."""
    mentions: list[PersonMention] = []
    focus_at_start = registry.focus
    blocked = list(org_spans) + list(place_spans) + [(s, e) for s, e, entry in gaz_hits]
    ranks = {e: entry.name for s, e, entry in gaz_hits if entry.category == "rank"}
    rank_at = {e: s for s, e, entry in gaz_hits if entry.category == "rank"}

    for cand in _candidates(text, blocked):
        before, after = text[max(0, cand.start - 48):cand.start], text[cand.end:cand.end + 160]
        words = cand.text.split()
        # A rank immediately before: "First Lieutenant Karim Nasser", "Colonel Abu X".
        rank = None
        rank_end = len(text[:cand.start].rstrip().removesuffix("."))
        if cand.start - rank_end <= 2 and rank_end in ranks:
            rank = ranks[rank_end]
        title = TITLE_BEFORE.search(before)
        age_before = AGE_BEFORE.search(before) if "old" in before else None
        age_after = AGE_AFTER.match(after) or AGE_PAREN.match(after) or AGE_AFTER.match(PAREN_NOTE.sub("", after, count=1))
        speech = (SPEECH_AFTER.match(after) and not OBJECT_BEFORE.search(before)) or (
            len(words) > 1 and SPEECH_BEFORE.search(before))
        apposition = APPOSITION.match(after) or TITLE_AFTER.match(after)
        named = bool(title and title.group("named")) or (":" in before and bool(FIELD_NAME.search(before)))
        witness = bool(WITNESS_BEFORE.search(before)) if ("itness" in before or "estimony" in before or "arrator" in before
                                                          or "old by" in before or "nterviewee" in before) else False
        pseudonym_after = PSEUDONYM_AFTER.match(after)
        strong = bool(rank or age_before or age_after or named or witness or pseudonym_after
                      or (title and title.group("title")))
        particle = _has_particle(cand.text)
        kunya = words[0] in ("Abu", "Abou", "Umm") and len(words) >= 2

        if PLACE_AFTER.match(after) or (LOCATIVE_BEFORE.search(before) and not (strong or speech or apposition)) \
                or (words[0] in PLACE_HEADS and not strong):
            continue  # "the Tal al-X checkpoint", "between Nawa and al-Sheikh X": places
        person, alias = registry.find(cand.text)
        is_new = person is None
        if person is None:
            multi = len(words) >= 2
            accept = strong or (multi and (speech or apposition or particle or kunya or title or WHO_AFTER.match(after)
                                           or ACTION_AFTER.match(after) or KIN_AFTER.match(after)
                                           or VICTIM_BEFORE.search(before)))
            if not accept and not multi and (speech or apposition):
                accept = True
            if not accept:
                if multi:
                    registry.unclaimed[norm_name(words[-1])] = cand.text
                continue
            if not multi and norm_name(cand.text) in registry.unclaimed:
                # "Governor of Hama Mohammad Tareq X inaugurated ... X said": the full name seen before.
                cand = Candidate(cand.start, cand.end, registry.unclaimed.pop(norm_name(cand.text)))
            # "the 30-year-old sergeant, who asked to use only his first name, Bilal": name the focus.
            if named and registry.focus is not None and registry.get(registry.focus).name is None:
                person = registry.get(registry.focus)
                registry.name(person, cand.text)
            else:
                person = registry.new(cand.text)
        elif alias and cand.text not in person.aliases and norm_name(cand.text) not in person.tokens:
            person.aliases.append(cand.text)
        elif len(words) > len(person.tokens) and person.name and norm_name(cand.text) != norm_name(person.name):
            # A fuller form of a name seen before: "Bilal" then "Bilal Khatib".
            if set(person.tokens) <= set(norm_name(cand.text).split()):
                person.aliases.append(person.name)
                registry.name(person, cand.text)

        start = rank_at[rank_end] if rank else cand.start
        modifier = bool(MODIFIER_AFTER.match(after))
        person.mentions += 1
        mentions.append(PersonMention(start, cand.end, person.pid, "modifier" if modifier else "name"))
        if registry.cataphora is not None and registry.cataphora != person.pid and is_new:
            # "the body of an officer who had defected ... Captain X defected in 2012": the officer is X.
            registry.merge(person, registry.get(registry.cataphora))
        registry.cataphora = None if is_new else registry.cataphora
        if rank:
            person.rank = rank
        age = (age_before or age_after)
        if age:
            person.age = int(age.group("age") or age.group("age2"))
        if named and PSEUDONYM_BEFORE.search(before):
            person.pseudonym = True
        if pseudonym_after or (PSEUDONYM_CUE.search(after[:160]) and PSEUDONYM_LATER.search(after[:160])):
            person.pseudonym = True
        if apposition and apposition.groupdict().get("noun"):
            noun = apposition.group("noun").lower()
            _apposition_attributes(person, noun, gaz_hits, cand.end, text)
        if speech:
            person.roles.add("source")
        if title and title.group("title"):
            head = title.group("title").split()[0].rstrip(".")
            person.roles.add(TITLES.get(title.group("title").rstrip("."), "commander" if head == "Commander" else
                                        "official" if " of " in title.group("title") else "other"))
        if title and title.group("role") in ("commander", "leader", "head", "chief", "emir"):
            person.roles.add("commander")
        _add_evidence(person, text, offset, cand.start, cand.end)
        if words[0] in ("Umm", "Um", "Mrs", "Ms") or FEMALE_BEFORE.search(before):
            person.female = True
        if not modifier and not person.female:
            registry.focus = person.pid
        if witness and registry.narrator is None:
            registry.narrator = person.pid
            person.roles.add("source")

    # "the corporal": a person known so far only by rank, or the person in focus with that rank.
    for m in RANK_NOMINAL.finditer(text):
        if any(m.start() < pm.end and pm.start < m.end() for pm in mentions):
            continue
        rank = m.group("rank")
        person = registry.with_rank(rank) or registry.new(None)
        person.rank = person.rank or rank
        if m.group("age"):
            person.age = int(m.group("age"))
        mentions.append(PersonMention(m.start(), m.end(), person.pid, "nominal"))
        _add_evidence(person, text, offset, m.start(), m.end())
        registry.focus = person.pid

    m = INDEFINITE_NOMINAL.search(text)
    if m and not any(pm.kind in ("name", "nominal") for pm in mentions):
        person = registry.new(None)
        mentions.append(PersonMention(m.start("noun"), m.end("noun"), person.pid, "nominal"))
        registry.cataphora = person.pid
        registry.focus = person.pid

    # A clause without a subject ("Defected in 2012 and joined ...", "Arrested on 3 May"): the person in focus.
    if registry.focus is not None and ZERO_SUBJECT.match(text) and not any(pm.start < 3 for pm in mentions):
        mentions.append(PersonMention(0, 0, registry.get(registry.focus).pid, "pronoun"))
    if registry.narrator is not None:
        narrator = registry.get(registry.narrator).pid
        mentions.extend(PersonMention(m.start(), m.end(), narrator, "pronoun") for m in FIRST_PERSON.finditer(text))

    mentions.sort(key=lambda pm: pm.start)
    # Pronouns: the nearest person before them in this sentence, else the focus.
    named_spans = [(pm.start, pm.pid) for pm in mentions
                   if pm.kind != "modifier" and not registry.get(pm.pid).female]
    for m in PRONOUN.finditer(text):
        if any(m.start() >= pm.start and m.end() <= pm.end for pm in mentions):
            continue
        previous = [pid for start, pid in named_spans if start < m.start()]
        pid = previous[-1] if previous else (focus_at_start if focus_at_start is not None else registry.focus)
        if pid is not None:
            mentions.append(PersonMention(m.start(), m.end(), registry.get(pid).pid, "pronoun"))
    mentions.sort(key=lambda pm: pm.start)
    return mentions


def _add_evidence(person: Person, text: str, offset: int, start: int, end: int) -> None:
    """Up to three quotes per person, each the clause around one mention."""
    if len(person.evidence) < 3:
        left, right = quote_span(text, start, end, before=80, after=140)
        span = (offset + left, offset + right)
        if not any(s <= span[0] < e for s, e in person.evidence):
            person.evidence.append(span)


def _apposition_attributes(person: Person, noun: str, gaz_hits, end: int, text: str) -> None:
    """'X, a former Syrian Army lieutenant', 'X, a brigadier general who was an early defector'."""
    window = text[end:end + 80]
    for rank in ("lieutenant colonel", "brigadier general", "major general", "first lieutenant", "second lieutenant",
                 "warrant officer", "lieutenant", "colonel", "captain", "major", "general", "sergeant", "corporal",
                 "private"):
        if re.search(rf"^,\s*(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,5}}?{rank}\b", window, re.I):
            person.rank = person.rank or rank
            break
    if noun in ("commander", "leader", "head", "chief", "emir"):
        person.roles.add("commander")
    elif noun in ("director", "official", "minister", "president", "secretary", "deputy"):
        person.roles.add("official")
    elif noun in ("defector", "dissident"):
        person.roles.add("defector")
    elif noun in ("analyst", "researcher", "journalist", "activist", "columnist", "reporter", "correspondent", "editor"):
        person.roles.add("source")
