"""Events of one sentence: a trigger phrase per type, its subject, agents, place and date.

The subject is the person mention nearest before the trigger in the sentence (the
grammatical subject in "X, a former lieutenant who defected"), else the nearest after it
("Damascus delivered X's body"), pronouns and "the corporal" already resolved by the
persons module. Triggers under a modal or a negation ("could see him imprisoned",
"did not defect", "refused to defect") are skipped. "N months after he was conscripted"
dates the inner event N months before the sentence's other date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DateMention
from .pipeline import quote_span, trie_regex

I = re.IGNORECASE
UNIT_WORDS = r"(?:Division|Brigade|Regiment|Battalion|Company|Corps|Branch|Directorate|army|Army|police|Police)"

TRIGGERS: list[tuple[str, re.Pattern]] = [(kind, re.compile(pattern, flags)) for kind, pattern, flags in [
    ("graduation", r"\bgraduat(?:ed|es|ing)\s+(?:as|from|in)\b|\bcompleted (?:his|a|the) (?:military )?(?:course|training)\b", I),
    ("service", r"\b(?:served|serving|serves)\s+(?:in|as|with|at|for|under)\b|\bwas\s+(?:just\s+|only\s+|still\s+)?(?:an?\s+)?"
                r"(?:[\w-]+\s+){0,2}(?:officer|soldier|conscript|corporal|sergeant|lieutenant|captain|major|colonel|pilot|"
                r"recruit|worker|driver|clerk|guard|cook|mechanic|technician|medic|gunner)\s+(?:in|at|with)\s+(?:the|his|her)\b|"
                r"\bspent\s+(?:nearly\s+|about\s+|almost\s+|more than\s+)?(?:a|one|two|three|four|five|six|\d+)\s+(?:years?|months?)"
                r"[\w\s]{0,25}?\s+(?:with|in)\s+the\s+(?:government|regime|army|Syrian|military)\b|"
                rf"\bjoined\s+the\s+(?:\d+\w*\s+|[A-Z]\w+['’]s\s+)?(?:[\w’']+\s+){{0,3}}{UNIT_WORDS}\b|"
                rf"\bworked\s+(?:as\s+an?\s+\w+\s+)?(?:in|at|for)\s+the\s+(?:[\w’']+\s+){{0,3}}{UNIT_WORDS}\b|"
                rf"\b(?:his|her)\s+(?:post|position|unit|base)\s+(?:in|with|at)\s+the\s+(?:[\w’']+\s+){{0,3}}{UNIT_WORDS}\b|"
                r"\bserved\s+(?:for\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty)\s+years\b", 0),
    ("deployment", r"\b(?:deployed|stationed|redeployed|posted|transferred|dispatched)\s+(?:back\s+)?(?:to|at|in|between|near|around|on)\b|"
                   r"\bestablish(?:ed|ing) positions in\b|\btook up positions\b|\b(?:his|their|the) unit (?:fought|moved|was sent)\b|"
                   r"\bwithdrew to\b|\bmoving between the front\s?lines\b|\bsent to the front\b|"
                   r"\b(?:battalion|brigade|unit|division|regiment|company)\s+(?:was|were)\s+(?:sent|moved|deployed|redeployed)\b|"
                   r"\b(?:holding|held|took up|taking up)\s+positions\b", I),
    ("defection_attempt", r"\b(?:tried|attempted|trying|attempting|planned|planning|sought|failed)\s+to\s+defect\b|"
                          r"\b(?:failed|foiled|thwarted)\s+(?:defection|attempt to defect)\b|\bcaught (?:while )?trying to defect\b|"
                          r"\bhad tried more than once\b|\b(?:tried|attempted|trying)\s+to\s+(?:leave|flee|escape|desert|abandon)\s+"
                          r"(?:his|her|their|the)\s+(?:unit|army|post|base|battalion|brigade|barracks)\b", I),
    ("defection", r"\bdefected\b|\b(?:an?|the)\s+(?:early\s+|senior\s+|former\s+)?defector\b|\b(?:his|her|['’]s)\s+defection\b|"
                  r"\bdefections? like\b|\bdeserted\b|\bsplit from the (?:army|regime)\b|\bannounced (?:his|her) defection\b|"
                  r"\bAmong the defectors (?:are|is|were|was)\b|\bfleeing soldiers\b|\bamong the first (?:\w+ )?to defect\b|"
                  r"\bwalked out of (?:his|her|the) (?:office|post|unit|barracks|base|position)\b|"
                  r"\b(?:walked away from|abandoned|left|deserted)\s+(?:his|her|their|an?|the)\s+(?:[\w-]+\s+){0,3}?"
                  r"(?:post|unit|position|barracks|battalion|brigade|regiment|division)\b", I),
    ("escape", r"\b(?:fled|escaped|smuggled|made (?:his|her|their) way)\s+(?:\w+\s+)?(?:in)?to\b|\bcrossed (?:the border )?into\b|"
               r"\barrived in\s+(?:Turkey|Jordan|Lebanon|Iraq|the liberated|opposition|rebel)|\bbound for\b|"
               r"\breached (?:the )?(?:liberated|opposition|free|rebel)|\breached the (?:Turkish|Jordanian|Lebanese|Iraqi) border\b|"
               r"\bcrossed the (?:Turkish|Jordanian|Lebanese|Iraqi) border\b|\bleft Syria\b|\bfled (?:the country|Syria)\b|"
               r"\b(?:lives|lived|living|resides|resided|settled)\s+in\s+(?:Turkey|Jordan|Lebanon|Iraq|Germany|Europe|Sweden|"
               r"France|the Netherlands|Austria|Egypt|Gaziantep|Istanbul|Reyhanli|Antakya|Hatay|Kilis|Urfa|Amman|Irbid|"
               r"Mafraq|Beirut|Arsal|Erbil|the Zaatari|Zaatari|the camp|a camp)\b", 0),
    ("joined_group", r"\bjoin(?:ed|ing)?\s+(?:the\s+|an?\s+|one of the\s+)?(?:[\w-]+\s+){0,2}(?:armed\s+groups?|rebel\s+"
                     r"(?:groups?|brigades?|factions?|battalions?)|opposition\s+(?:groups?|factions?))\b|"
                     r"\bfight(?:ing|s)?\s+(?:with|for|alongside)\s+(?:a|the)\s+(?:local\s+)?rebel\b|"
                     r"\bjoin(?:ed|ing)?\s+(?:the\s+|one of the\s+)?(?:armed\s+opposition|opposition|rebels?\b|armed groups?|"
                     r"(?:\w+\s+)?factions?|Free Syrian|FSA|Jabhat|Jaysh|Jaish|Liwa|Ahrar|Hay)|\bending up in\b|\bnow commands\b|"
                     r"\b(?:later\s+)?headed the (?:rebel\s+)?|\bworked with the\s+(?:Free|FSA|rebel|opposition)|\bfield commander in\b|"
                     r"\bcommander (?:of|in) (?:one of )?the (?:small )?(?:opposition|rebel)|"
                     r"\bspent\b[^.;]{0,40}\bwith\s+(?:a|the|an)\s+(?:\w+\s+)?(?:faction|armed group|rebel group|opposition group)", 0),
    ("left_group", r"\b(?:leave|left|quit|leaving)\s+the\s+(?:group|faction|organi[sz]ation|movement)\b", I),
    ("reconciliation", r"\b(?:took|take|taking|taken)\s+part\s+in\s+the\s+(?:\d{4}\s+)?(?:reconciliation|settlement)\b|"
                       r"\bappl(?:y|ied|ying)\s+(?:to\s+settle|for\s+(?:a\s+)?(?:settlement|status settlement))\b|"
                       r"\b(?:returned|went back|came back)\s+(?:to\s+Syria|home\b|through\b|via\b)|"
                       r"\bunder (?:a|the) (?:settlement|reconciliation|amnesty)\b|\bbenefit(?:ed|ing)? from (?:a|the) (?:\w+ )?amnesty\b|"
                       r"\bjoin(?:ed|ing)\s+the\s+(?:reconciliation|settlement)\b|\bturn(?:ed|ing)\s+(?:himself|herself|themselves)\s+in\b|"
                       r"\bsettled (?:his|her|their) (?:status|situation)\b|\bmembers of the reconciliation\b|"
                       r"\b(?:signed|signing|accepted|accepting|concluded|made)\s+(?:a|the|an?\s+\w+|his|her|their)\s+(?:reconciliation|settlement)\b|\bhanded (?:himself|themselves) over\b", I),
    ("conscription", r"\bconscripted\b|\b(?:enrolled|enlisted)\s+in\b|\bjoined\s+the\s+(?:military|army|compulsory|mandatory)\s+service\b|"
                     r"\bvolunteer(?:ed|ing)\s+(?:with|in|for|into)\s+the\s+(?:police|army|military|government|regime|security|"
                     r"Syrian|\w+ Division)\b|\bcalled\s+(?:up\s+)?(?:to|for)\s+(?:the\s+)?(?:military\s+)?reserve\b|"
                     r"\bafter joining the (?:government|regime) forces\b|\bdrafted into\b|"
                     r"\b(?:ordered|called|summoned|sent)\s+back\s+(?:to|into)\s+(?:military\s+)?(?:service|the army|his unit)\b|"
                     r"\brecalled\s+to\s+(?:military\s+|reserve\s+)?(?:service|the army)\b|\bcalled up\b", I),
    ("arrest", r"\barrested\b|\bdetained\b|\b(?:his|her|['’]s)\]?\s+arrest\b|\babducted\b|\bkidnapped\b|\bapprehended\b|"
               r"\bpicked up by\b|\bled (?:him|her) away\b|\btook (?:him|her) (?:away|from)\b|"
               r"\bstopped at (?:a|the|that|this)\b[^.;]{0,40}\bcheckpoint\b", I),
    ("imprisonment", r"\b(?:taken|transferred|moved|sent|referred|brought)\s+to\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}?"
                     r"(?:Branch|Prison|prison|branch|Airport|building|Directorate)\b|\bended up in\b|\bheld (?:in|at)\b|"
                     r"\bimprisoned\s+(?:in|at)\b|\bjailed\s+(?:in|at)\b|\blater to\s+(?:the\s+)?[A-Z]|"
                     r"\breleased\s+(?:\w+\s+){0,3}?from\s+(?:the\s+)?[A-Z]|\bwhere (?:he|she) had been (?:held|detained)\b|"
                     r"\b(?:taken|transferred|moved|sent|referred)\s+to\s+the\s+military\s+police\b|"
                     r"\b(?:saw|seen|met)\s+(?:him|her|(?:al-)?[A-Z][\w-]+)\s+in\s+(?:the\s+)?[A-Z][\w-]+\s+(?:Military\s+)?(?:Prison|Branch)", 0),
    ("enforced_disappearance", r"\bforcibly disappeared\b|\bdisappeared\b|\bto an unknown (?:location|destination|place)\b|"
                               r"\bwhereabouts (?:are |remain |is |remained )?unknown\b|\blost contact with (?:him|her)\b|"
                               r"\bfate (?:is |remains |remained )?unknown\b|\bno (?:news|information) (?:about|of) (?:him|his fate)\b|"
                               r"\bdo(?:es)? not know anything about him\b|"
                               r"\b(?:family|they) (?:heard|has heard|have heard) nothing\b|(?<!was )(?<!were )(?<!been )\bnever (?:returned|came back|came home)\b|"
                               r"\b(?:not|never|no one|nobody|n['’]t)\b[^.;]{0,40}?\bwhere (?:he|she) (?:was|is|had been) (?:being )?(?:held|detained)\b|"
                               r"\bwhereabouts were unknown\b|\bnot (?:heard from|seen) (?:him|her)\b[^.;]{0,20}\bsince\b|"
                               r"\b(?:has|have|had) not been (?:seen|heard from)\b|\bno news (?:of|about|from) (?:him|her) since\b", I),
    ("torture", r"\btortur(?:ed|e|ing)\b", I),
    ("death", r"\b(?:was|were|been|got|is)\s+(?:\w+\s+)?(?:killed|executed|martyred)\b|\bdied\b|"
              r"(?<!notified of )(?<!informed of )(?<!news of )(?<!notified about )(?<!informed about )(?<!until )"
              r"\b(?:his|her)\s+death\b|"
              r"\bkilled (?:him|in)\b|\blost (?:his|her) life\b|\bhis fate was death\b|"
              r"\bshot\s+(?:him|her|[A-Z][\w-]+)(?:\s+dead)?\b|\bwas\s+shot\s+dead\b|"
              r"\b(?:registered|declared|listed|recorded)\s+as\s+(?:dead|deceased)\b", I),
    ("death_notification", r"\bnotified (?:of|about) (?:his|her|the) death\b|\binformed (?:of|about) (?:his|her) death\b|"
                           r"\bdeath certificate\b|\bnotified that (?:he|she) (?:had )?died\b|"
                           r"\b(?:was|were)\s+(?:told|informed|notified)\b[^.;]{0,80}?\bthat\b[^.;]{0,60}?\b(?:had\s+)?died\b|"
                           r"\binformed\s+(?:them|the family|his family|her family)\s+that\b[^.;]{0,40}?\bdied\b|"
                           r"\bdeath\s+(?:record|notice|notification|certificate)s?\b|"
                           r"\b(?:learned|learnt|found out|discovered|heard)\s+(?:of|about)\s+(?:his|her)\s+death\b|"
                           r"\b(?:family|relatives)\s+(?:was\s+|were\s+)?(?:informed|notified)\s+(?:by|on|in|that)\b", I),
    ("body_handover", r"\b(?:delivered|handed over|returned|received|handed)\s+(?:[\w’'-]+\s+){0,4}?(?:body|remains|corpse)\b|"
                      r"\b(?:body|corpse|remains)\b[^.;]{0,80}?\b(?:was|were)\s+(?:delivered|handed|returned)\b|"
                      r"\b(?:body|corpse|remains)\s+(?:delivered|handed over|returned)\b", I),
    ("extortion", r"\bbrib(?:ed|ery|e|es|ing)\b|\bransom\b|\bwastas?\b|"
                  r"\bfor\s+(?:[\d,.]+|\w+\s+(?:million|thousand))\s+(?:US\s+)?(?:dollars|liras?|pounds|SYP|USD)\b|\bpaid\s+(?:\S+\s+){0,4}?(?:liras?|pounds|dollars|\$|SYP|USD)|"
                  r"\b(?:demanded|extorted)\s+(?:\S+\s+){0,4}?(?:liras?|pounds|dollars|money)", I),
    ("reprisal", r"\b(?:burned|burnt|confiscated|seized|demolished|looted)\s+(?:his|her|their)\s+(?:house|home|property|land|shop)|"
                 r"\barrested (?:his|her) (?:father|brother|mother|wife|son|family)\b|"
                 r"\b(?:his|her|their|the family|the family's)(?: \w+['’]s)? (?:house|home|property|land|shop|farm)\b[^.;]{0,30}?\b(?:was|were|had been)\s+(?:\w+\s+)?"
                 r"(?:burned|burnt|confiscated|seized|demolished|looted|destroyed|taken)|"
                 r"\b(?:house|home|property|land|shop|farm)\s+of\b[^.;]{0,60}?\b(?:was|were|had been)\s+(?:\w+\s+)?"
                 r"(?:burned|burnt|confiscated|seized|demolished|looted|destroyed|taken)", I),
    ("promotion", r"\bpromoted\b|\b(?:was|were)\s+made\s+an?\s+(?:sergeant|corporal|lieutenant|captain|major|colonel|general|"
                  r"brigadier|officer)\b|\bhonorary\s+(?:captain|rank|major|colonel|lieutenant|general)\b|\bposthumous(?:ly)?\s+(?:promoted|rank)", I),
]]
# Cheap substring tests that must pass before a type's full pattern runs (speed).
KEYWORDS = {
    "graduation": ("graduat", "completed"),
    "service": ("serv", "officer", "soldier", "conscript", "worker", "spent", "joined", "worked", "corporal", "sergeant",
                "lieutenant", "captain", "major", "colonel", "pilot", "recruit", "post", "position", "base", "driver",
                "clerk", "guard", "cook", "medic", "mechanic", "technician", "gunner"),
    "deployment": ("deploy", "posted", "sent", "moved", "positions", "station", "transferred", "dispatched", "positions", "unit", "withdrew",
                   "frontline", "front line", "front"),
    "defection_attempt": ("defect", "tried", "attempted", "trying"),
    "defection": ("defect", "desert", "split from", "fleeing", "walked away", "walked out", "abandoned", "left"),
    "escape": ("fled", "escaped", "smuggled", "made", "crossed", "arrived", "bound for", "reached", "lives", "lived", "left syria",
               "living", "resid", "settled in"),
    "joined_group": ("join", "ending up", "commands", "headed", "worked with", "commander", "spent", "fight"),
    "left_group": ("leav", "left", "quit"),
    "reconciliation": ("part in", "reconcil", "settle", "amnesty", "benefit", "turn", "handed", "appl", "returned", "went back", "came back"),
    "conscription": ("conscript", "enrolled", "enlisted", "service", "volunteer", "reserve", "joining", "drafted", "back",
                     "recalled", "called up"),
    "arrest": ("arrest", "detain", "abduct", "kidnap", "apprehend", "picked up", "away", "took", "checkpoint"),
    "imprisonment": ("taken", "saw", "seen", "met", "transferred", "moved", "sent", "referred", "brought", "ended up", "held", "imprison",
                     "jailed", "later to", "released", "where he", "where she"),
    "enforced_disappearance": ("disappear", "whereabouts", "held", "detained", "since", "seen", "never", "unknown", "lost contact", "news", "information", "know anything",
                               "where he", "where she", "heard nothing"),
    "torture": ("tortur",),
    "death": ("kill", "shot", "dead", "deceased", "execut", "martyr", "died", "death", "lost his", "lost her"),
    "death_notification": ("notified", "informed", "certificate", "told", "learn", "found out", "discovered", "heard", "death record", "death notice", "death notification"),
    "body_handover": ("body", "remains", "corpse"),
    "extortion": ("brib", "ransom", "wasta", "paid", "demanded", "extort", "dollars", "lira", "pounds", "syp", "usd"),
    "reprisal": ("burn", "seized", "taken", "confiscat", "seized", "demolish", "loot", "destroyed", "arrested his", "arrested her"),
    "promotion": ("promot", "made a", "made an", "honorary", "posthum"),
}
DIED_IN = re.compile(r"[^.;]{0,30}?\bin\s+(?:the\s+)?[A-Z]")
PRISON = re.compile(r"\b(?:Prison|Branch|prison|branch)\b")
# One pass over the sentence finds every keyword; a keyword also stands for those it contains.
KEYWORD_RE = trie_regex({k for ks in KEYWORDS.values() for k in ks})
KEYWORD_TYPES = {k: {t for t, ks in KEYWORDS.items() for k2 in ks if k2 in k} for ks in KEYWORDS.values() for k in ks}
# Death also follows from a notification or a body handed over.
IMPLIES_DEATH = {"death_notification", "body_handover"}
MODAL = re.compile(r"\b(?:not|n['’]t|never|could|would|might|may|will|if|whether|want|wants|wanted|fear|fears|feared|"
                   r"afraid|refuse|refused|refuses|risk|possibility|unable|would-be|yet to|to be|against|secure|postponed|"
                   r"prevent|prevented|delay|delayed|facilitate|arrange|encourage|urged?)\s+(?:[\w’'-]+\s+){0,3}$", I)
MANNERS = [("torture", re.compile(r"\bunder torture\b|\btortured to death\b|\bdied (?:from|of|due to) torture\b", I)),
           ("execution", re.compile(r"\bexecut(?:ed|ion)\b|\bhanged\b", I)),
           ("combat", re.compile(r"\bkilled (?:during|in|while) (?:the )?(?:fighting|battle|clashes|liberation|war|combat|"
                                 r"an? (?:battle|attack|offensive)|shelling|air ?strike|the storming)|\bkilled during the (?:war|liberation)", I))]
AFTER_SHIFT = re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                         r"(?P<unit>years?|months?)\s+after\s+(?:he|she|his|her|the\s+\w+(?:\s+\w+)?\s+(?:informed|told|notified))\b[^,.;]*", I)
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


@dataclass
class Event:
    type: str
    subjects: list[int]  # person ids
    agents: list[str] = field(default_factory=list)  # organisation keys
    date: str | None = None
    date_end: str | None = None
    place: str | None = None
    manner: str | None = None
    evidence: list[tuple[int, int]] = field(default_factory=list)  # absolute spans
    same_time: str = ""  # "any": "the same day" (the last date of the account); "own": "since" (his last date)
    roughly: bool = False  # "weeks later": only the year of the previous event
    sentence: int = 0  # index of the sentence in the document (paragraph breaks add 1000)
    sequel: bool = False  # "then", "later": after the previous sentence's date, not at it


ROUGHLY = re.compile(r"\b(?:days|weeks) later\b|\ba (?:week|month) later\b", I)
SEQUEL = re.compile(r"\b(?:then|later|afterwards|subsequently|after that|eventually|now|today|currently|within (?:a|an|one|two|three|a few) "
                    r"(?:days?|weeks?|months?|years?)|(?:months|a year|years) later|the (?:next|following) year)\b", I)
SAME_TIME = re.compile(r"\b(?:(?:in|on|during)\s+)?(?:the same (?:day|night|week|month)|that (?:same )?(?:day|night|week)|"
                       r"the next day|a day later|hours later|minutes later|days later|weeks later|a week later|"
                       r"shortly (?:after|afterwards)|immediately)\b", I)
SINCE_THEN = re.compile(r"\bsince(?: then)?\s*[.;]?\s*$", I)  # "has not been seen since": his own last date only
TIMING = [("same", SAME_TIME, ("same", "that day", "that night", "that week", "next day", "later", "shortly", "immediately")),
          ("since", SINCE_THEN, ("since",)), ("roughly", ROUGHLY, ("later",)),
          ("sequel", SEQUEL, ("then", "later", "after", "subsequently", "eventually", "within", "next year", "now",
                              "today", "currently",
                              "following year"))]


def _shift(value: str | None, months: int) -> str | None:
    if not value:
        return None
    year = int(value[:4])
    if len(value) >= 7:
        index = year * 12 + int(value[5:7]) - 1 - months
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return str(year - (months + 11) // 12) if months % 12 else str(year - months // 12)


def _clause_bounds(text: str, position: int) -> tuple[int, int]:
    """The clause around `position`: between semicolons, dashes and sentence edges."""
    left = max(text.rfind(";", 0, position), text.rfind(" — ", 0, position), text.rfind("—", 0, position))
    right_candidates = [i for i in (text.find(";", position), text.find("—", position)) if i != -1]
    return left + 1, (min(right_candidates) if right_candidates else len(text))


SERVED_FOR = re.compile(r"\bafter\s+serving\b[^.;]{0,40}?\bfor\s+(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+years\b", I)
SPENT = re.compile(r"\bspent\s+(?:nearly\s+|about\s+|almost\s+|around\s+|more than\s+)?(?P<y>\d+|a|an|one|two|three|four|five)?\s*"
                   r"(?:years?)?(?:\s+and\s+)?(?:(?P<m>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months?)?"
                   r"[^.;]*?\bbefore\b", I)


def _number(word: str | None) -> int:
    if not word:
        return 0
    return int(word) if word.isdigit() else NUMBERS[word.lower()]


def _durations(event: Event, kind: str, text: str, start: int, dates: list[DateMention]) -> None:
    """'after serving in the army for five years' (ends at the sentence's date) and
    'spent a year and nine months with the forces before ... last November' (ends there)."""
    later = [d for d in dates if d.value and d.start > start]
    if kind == "service":
        m = SERVED_FOR.search(text, max(0, start - 20))
        if m and m.start() <= start and dates and any(d.value for d in dates):
            anchor = next(d for d in dates if d.value)
            event.date_end = anchor.value
            event.date = _shift(anchor.value[:4], 12 * _number(m.group("n")))
            return
    if kind in ("service", "deployment"):
        m = SPENT.search(text)
        if m and later and m.start() <= start + 40:
            months = 12 * _number(m.group("y") if m.group("y") and re.search(r"years?", m.group(0), I) else None) \
                + _number(m.group("m"))
            anchor = next((d for d in later if d.start > m.end() - 8), None)
            if months and anchor:
                event.date, event.date_end = _shift(anchor.value[:7], months), anchor.value


# List bulletins: "Defection: August 2012, from the Air Defence Command" is an event of the label's type.
LABELS = {"defection": "defection", "defected": "defection", "arrest": "arrest", "arrested": "arrest", "detention": "arrest",
          "death": "death", "killed": "death", "reconciliation": "reconciliation", "settlement": "reconciliation",
          "disappearance": "enforced_disappearance", "enforced disappearance": "enforced_disappearance",
          "imprisonment": "imprisonment", "conscription": "conscription", "escape": "escape", "torture": "torture",
          "unit": "service", "promotion": "promotion"}
LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ]{1,24}):\s*")


def _within(spans: list[tuple[int, int]], left: int, right: int) -> bool:
    return any(left <= s < right for s, _ in spans)


def _date(event: Event, text: str, m: re.Match, shifts, dates: list[DateMention], left: int, right: int) -> None:
    """The event's date: shifted ("nine months after he was conscripted"), else the nearest in its clause.

    A date before the trigger but across "and"/"," belongs to the previous clause; a relative
    clause in the pluperfect ("an officer who had defected") or a nominal trigger ("his arrest")
    keeps only a date right after it.
    """
    start, end = m.span()
    shift = next(((n, years) for s, e, n, years in shifts if s <= start < e), None)
    if shift:
        anchors = [d for d in dates if d.value and not (d.start >= start and d.end <= end + 80)]
        anchor = min(anchors, key=lambda d: abs(d.start - start), default=None)
        if anchor:
            event.date = _shift(anchor.value, shift[0] * (12 if shift[1] else 1))
        return
    if ADJECTIVE_USE.match(text, end) and m.group().lower() == "defected":
        return  # "a defected officer": who he is, not when something happened
    near_only = bool(re.search(r"\b(?:(?:who|that|which)\s+had\s+(?:been\s+)?|when\s+(?:he|she)\s+)$", text[max(0, start - 20):start])
                     or re.match(r"(?:his|her|['’]s)\b", m.group(), I))
    reach = 30 if near_only else 110
    in_clause = [d for d in dates if left <= d.start < right and d.value
                 and ((end - 110 <= d.end <= start + 1 and not near_only) or end <= d.start <= end + reach)]
    if not in_clause:
        return
    best = min(in_clause, key=lambda d: (d.start - end) if d.start >= end else
               (start - d.end) * 1.5 + (100 if COORDINATION.search(text, d.end, start) else 0))
    if best.is_end and best.start < start:
        event.date = best.value  # "lived in Lebanon until May 2022, when he returned": it happened then
    elif best.is_end:
        event.date_end = best.value
        starts = [d for d in in_clause if not d.is_end and d.start < best.start]
        event.date = starts[-1].value if starts else None
    else:
        event.date = best.value
        ends = [d for d in in_clause if d.is_end and d.start > best.start]
        event.date_end = ends[0].value if ends else None


def find_events(text: str, offset: int, persons: list, orgs: list, places: list, dates: list[DateMention],
                org_kinds: dict[str, tuple[str, str | None]]) -> list[Event]:
    """Events of one sentence. `persons`/`orgs`/`places` are mentions with sentence offsets."""
    events: list[Event] = []
    low = text.lower()
    shifts = [(m.start(), m.end(), int(m.group("n")) if m.group("n").isdigit() else NUMBERS[m.group("n").lower()],
               m.group("unit").lower().startswith("year")) for m in AFTER_SHIFT.finditer(text)] if " after " in low else []
    label = LABEL.match(text)
    label_type = LABELS.get(label.group("label").lower()) if label else None
    present = set()
    for keyword in KEYWORD_RE.findall(low):
        present |= KEYWORD_TYPES[keyword]
    # Time words of the sentence, found once: "the same day", "since", "weeks later", "then".
    timing = {name: [m.span() for m in pattern.finditer(text)] if any(k in low for k in keys) else []
              for name, pattern, keys in TIMING}
    for kind, pattern in TRIGGERS:
        if kind not in present:
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if MODAL.search(text[max(0, start - 40):start]) and kind not in ("enforced_disappearance", "death_notification"):
                continue
            if kind == "deployment" and UNIT_DESCRIPTION.search(text, max(0, start - 40), start):
                continue  # "a battalion stationed near Izraa" describes a unit
            subjects = _subjects(persons, start, end, text, kind)
            if not subjects:
                continue
            event_kind = kind
            if kind == "service" and m.group().lower().startswith("join") and any(
                    start <= o.start < end and org_kinds.get(o.key, ("", ""))[0] == "armed_group" for o in orgs):
                event_kind = "joined_group"  # "joined the Northern Shield Brigade, a rebel group"
            event = Event(event_kind, subjects)
            left, right = _clause_bounds(text, start)
            _date(event, text, m, shifts, dates, left, right)
            _durations(event, kind, text, start, dates)
            if not event.date:
                event.same_time = "any" if _within(timing["same"], left, right) else (
                    "own" if _within(timing["since"], left, right) else "")
            event.roughly = _within(timing["roughly"], left, right)
            event.sequel = _within(timing["sequel"], left, right)
            # Place: the nearest place in the clause; for imprisonment the facility or branch it names.
            near = [p for p in places if left <= p.start < right]
            if kind == "imprisonment":
                held = [(p.start, p.phrase(text)) for p in near if p.kind == "facility" and p.start >= start]
                held += [(o.start, text[o.start:o.end]) for o in orgs
                         if o.start >= start and org_kinds.get(o.key, ("", ""))[0] in ("branch", "directorate")]
                if held:
                    event.place = min(held)[1]
            elif near:
                place = min(near, key=lambda p: abs(p.start - end))
                event.place = place.phrase(text)
            agents = [o.key for o in orgs if left <= o.start < right]
            if event_kind in ("joined_group", "left_group"):
                agents = [k for k in agents if org_kinds.get(k, ("", ""))[0] == "armed_group"]
            elif event_kind in ("defection", "defection_attempt", "service", "deployment", "conscription", "promotion",
                                "graduation"):
                agents = [k for k in agents if org_kinds.get(k, ("", ""))[1] == "government"]
            elif event_kind == "escape":
                agents = []
            elif kind in ("arrest", "imprisonment", "torture", "enforced_disappearance"):
                agents = [k for k in agents if org_kinds.get(k, ("", ""))[1] != "opposition" or kind == "arrest"]
            event.agents = list(dict.fromkeys(agents))[:3]
            if kind == "death":
                event.manner = next((name for name, rx in MANNERS if rx.search(text)), "unknown")
            event.evidence.append(tuple(x + offset for x in quote_span(text, start, end)))
            events.append(event)
            if kind == "death" and event.place and PRISON.search(event.place) and m.group().lower().startswith("died") \
                    and DIED_IN.match(text, end):
                events.append(Event("imprisonment", subjects, place=event.place, evidence=list(event.evidence)))
            if kind in IMPLIES_DEATH:
                events.append(Event("death", subjects, manner="unknown", evidence=list(event.evidence)))
    # "joined the SDF", "left Ahrar al-Sham": any armed group the sentence names.
    for org in orgs:
        if org_kinds.get(org.key, ("", ""))[0] != "armed_group":
            continue
        for kind, pattern in (("joined_group", JOIN_BEFORE), ("left_group", LEAVE_BEFORE)):
            m = pattern.search(text, max(0, org.start - 30), org.start)
            if not m or any(e.type == kind and e.evidence[0][0] - offset <= m.start() <= e.evidence[0][1] - offset
                            for e in events):
                continue
            subjects = _subjects(persons, m.start(), m.end(), text, kind)
            if subjects:
                event = Event(kind, subjects, agents=[org.key])
                left, right = _clause_bounds(text, m.start())
                _date(event, text, m, [], dates, left, right)
                event.evidence.append(tuple(x + offset for x in quote_span(text, m.start(), org.end)))
                events.append(event)
    # "the defection of a number of elements from the Air Force Intelligence Directorate": a unit's
    # defection, no person named.
    for m in UNIT_DEFECTION.finditer(text) if "defection of" in low else ():
        org = next((o for o in orgs if m.start() <= o.start <= m.end() + 2
                    and org_kinds.get(o.key, ("", None))[1] == "government"), None)
        if org and not any(e.type == "defection" and org.key in e.agents for e in events):
            event = Event("defection", [], agents=[org.key])
            left, right = _clause_bounds(text, m.start())
            _date(event, text, m, [], dates, left, right)
            near = [p for p in places if left <= p.start < right and p.kind != "facility"]
            event.place = near[-1].phrase(text) if near else None
            event.evidence.append(tuple(x + offset for x in quote_span(text, m.start(), max(m.end(), org.end), before=20)))
            events.append(event)
    if label_type and not any(e.type == label_type for e in events):
        subjects = _subjects(persons, label.end(), label.end(), text)
        if subjects:
            event = Event(label_type, subjects)
            value_dates = [d for d in dates if d.value and d.start >= label.end()]
            event.date = value_dates[0].value if value_dates else None
            event.agents = [o.key for o in orgs if o.start >= label.end()][:2]
            near = [p for p in places if p.start >= label.end()]
            event.place = near[0].phrase(text) if near else None
            if label_type == "death":
                event.manner = next((name for name, rx in MANNERS if rx.search(text)), "unknown")
            event.evidence.append((offset, offset + len(text)))
            events.append(event)
    return events


UNIT_DESCRIPTION = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+)?(?:battalion|brigade|unit|regiment|division|company)\s+$", I)
ADJECTIVE_USE = re.compile(r"\s+(?:officers?|soldiers?|colonels?|generals?|lieutenants?|captains?|majors?|sergeants?|"
                           r"pilots?|conscripts?|men|personnel|troops|police(?:men)?)\b", I)
COORDINATION = re.compile(r"\band\b|,|;")
ACTIVE_VERB = re.compile(r"(?:arrested|detained|abducted|kidnapped|killed|executed|tortured|shot)\b", I)
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|be|is|are|got|being)\s+(?:\w+\s+)?$", I)
UNIT_DEFECTION = re.compile(r"\bdefection of (?:a (?:small |large )?number of |dozens of |some |several |\d[\d,]* |the )?"
                            r"(?:[\w-]+\s+){0,8}?(?:elements|soldiers|officers|members|personnel|troops|men)\b"
                            r"(?:\s+(?:from|of|in)\s+(?:the\s+|an?\s+)?)?", I)
JOIN_BEFORE = re.compile(r"\bjoin(?:ed|ing|s)?\s+(?:the\s+)?(?:ranks\s+of\s+(?:the\s+)?)?$", I)
LEAVE_BEFORE = re.compile(r"\b(?:left|quit|leaving|leave|split from|broke with)\s+(?:the\s+)?$", I)
COORDINATED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:(?:the\s+)?(?:[A-Z][\w.]+\s+){0,2})?")
RELATIVE_AFTER = re.compile(r"(?:['’]s)?\s+(?:(?:eldest|elder|older|younger|youngest|little|twin)\s+)?(?:brothers?|father|sons?|"
                            r"cousins?|uncle|mother|wife|sisters?|relatives?|nephews?|daughters?|parents)\b", I)
OTHER_SUBJECT = re.compile(r"\b(?:she|they|it|She|They|It)\s+(?:\w+\s+)?$")
PLURAL_SUBJECT = re.compile(r"\b(?:they|we)\b|\b\d[\d,]*\s+(?:of\s+them|of\s+whom|[a-z]+s)\b|\bof (?:them|whom)\b|"
                            r"\b(?:said|says|told|added|claimed|explained|recalled|noted)\b(?! (?:he|she)\b)|\b(?:soldiers|officers|defectors|members|elements|people|persons|men|others|"
                            r"families|these|many|fighters|troops)\s+(?:\w+\s+)?(?:were|are|have|had|was|will|would|could)\b", I)


def _subjects(persons: list, start: int, end: int, text: str, kind: str = "") -> list[int]:
    """The subject and the names coordinated with it: "X, Y and Z were arrested" -> [X, Y, Z]."""
    chosen = _subject(persons, start, end, text, kind)
    if chosen is None:
        return []
    found = [chosen]
    if chosen.kind == "name":
        names = [p for p in persons if p.kind == "name" and p.end <= chosen.start]
        current = chosen
        while names and COORDINATED.fullmatch(text, names[-1].end, current.start):
            current = names.pop()
            found.insert(0, current)
    return list(dict.fromkeys(p.pid for p in found))


def _subject(persons: list, start: int, end: int, text: str, kind: str = ""):
    """The person a trigger is about: nearest mention before it in the clause, else right after it.

    A mention is passed over when another, plural subject stands between it and the
    trigger ("He claimed that some soldiers were trying to defect"), and a pronoun
    antecedent must be close to the trigger.
    """
    left, right = _clause_bounds(text, start)
    usable = [p for p in persons if p.kind != "modifier"]
    inside = [p for p in usable if start < p.start < end and p.kind == "name"]
    if inside:
        return inside[0]  # "delivered X's body", "saw X in Sednaya Prison"
    if ACTIVE_VERB.match(text, start) and not PASSIVE_BEFORE.search(text, max(0, start - 12), start):
        objects = [p for p in usable if end <= p.start < min(right, end + 60) and p.kind == "name"]
        if objects:
            return objects[0]  # "arrested his eldest son, Khaled X": the one it happened to
    if OTHER_SUBJECT.search(text, max(0, start - 20), start):
        return None  # "before she died", "they arrested ..."
    before = [p for p in usable if left <= p.start <= start and p.end <= end]
    if before:
        chosen = before[-1]
        relative = RELATIVE_AFTER.match(text, chosen.end) if kind != "reprisal" else None
        while relative:
            if re.fullmatch(r"[^,;]{0,14}", text[relative.end():start]):
                return None  # "his brother was arrested": it happened to a relative
            before.pop()  # "because his parents live in Hama, bribed": look further back
            if not before:
                return None
            chosen = before[-1]
            relative = RELATIVE_AFTER.match(text, chosen.end)
        gap = text[chosen.end:start]
        if PLURAL_SUBJECT.search(gap) or (chosen.kind == "pronoun" and len(gap) > 150):
            return None
        return chosen
    after = [p for p in usable if start < p.start < min(right, end + 60)]
    if after:
        return after[0]
    return None
