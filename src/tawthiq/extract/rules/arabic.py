"""Arabic-script documents: persons, units and branches, places, dates, events and figures.

A smaller rule set than the English one, for the bulletins of local documentation groups.
Matching runs on a folded copy of the text (no diacritics, one alef, ه for ة, ي for ى)
whose every character maps back to the original, so evidence quotes stay verbatim.

Persons: a rank word ("النقيب", "الملازم أول") or a title ("مدير الأرشيف") and the name
after it, or a name followed by an age ("(36 عاماً)"); later "العميد الكفيري" resolves by
surname. Events: trigger verbs (انشق، اعتقل، نُقل إلى، توفي، تبلّغت عائلته بوفاته، سلّم
جثمانه …) about the person named nearest before them, or the person the paragraph is about.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from tawthiq.text import fold_arabic

from .dates import parse_published
from .gazetteers import load

TASHKEEL = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
SINGLE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
                        "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9"})
ARABIC = re.compile(r"[\u0600-\u06FF]")


class Folded:
    """The text without diacritics and with folded letters, and a map back to original offsets."""

    def __init__(self, text: str):
        chars, index = [], []
        for i, ch in enumerate(text):
            if TASHKEEL.match(ch):
                continue
            chars.append(ch.translate(SINGLE))
            index.append(i)
        index.append(len(text))
        self.text = "".join(chars)
        self.index = index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of folded text[start:end]."""
        return self.index[start], self.index[end - 1] + 1 if end > start else self.index[start]


def f(pattern: str) -> re.Pattern:
    """Compile a pattern written in ordinary Arabic against the folded text."""
    return re.compile(TASHKEEL.sub("", pattern).translate(SINGLE))


W = r"[\u0621-\u064A]+"  # one folded Arabic word
MONTHS = {"كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "اذار": 3, "مارس": 3, "نيسان": 4, "ابريل": 4,
          "ايار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6, "تموز": 7, "يوليو": 7, "اب": 8, "اغسطس": 8,
          "ايلول": 9, "سبتمبر": 9, "تشرين الاول": 10, "اكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11,
          "كانون الاول": 12, "ديسمبر": 12}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(rf"(?:(?P<day>\d{{1,2}})\s+)?(?<![\u0621-\u064A])(?P<month>{MONTH})(?![\u0621-\u064A])(?:\s*/\s*(?:{MONTH}))?(?:\s+(?:عام\s+)?(?P<year>(?:19|20)\d\d))?"
                  rf"|(?:(?:منتصف|مطلع|اواخر|اوائل|نهايه|بدايه)\s+)?(?:عام|سنه)\s+(?P<year2>(?:19|20)\d\d)|(?P<year3>(?:19|20)\d\d)")
AGE = re.compile(r"^\s*[(،,]?\s*\(?(?P<age>\d{1,2})\s+(?:عاما|عام|سنه|سنوات)\)?")
ORIGIN = re.compile(rf"^\s*(?:\([^)]*\))?\s*[،,]?\s*من\s+(?:(?:مدينه|بلده|قريه|حي|ريف)\s+)?(?P<place>(?:ال)?{W}(?:\s+(?!في\b|من\b){W})?)")
TITLE = f(r"(?:مدير|رئيس|قائد|المتحدث باسم|الناطق باسم|مسؤول)\s+(?:ال)?\S+\s+$")
STOP = {fold_arabic(w).translate(SINGLE) for w in (
    "في من إلى على عن مع بعد قبل منذ خلال الذي التي الذين وقد قد كان كانت أن إن لا لم ما هو هي وهو وهي و "
    "المنشق المنشقين السابق المعتقل المجند الشهيد الراحل رتبة بتاريخ عام تابع التابع").split()}
RANK_BEFORE_UNIT = re.compile(r"^\s*\d")  # "اللواء 71": a brigade, not a major general
TRIGGERS = [(kind, f(pattern)) for kind, pattern in [
    ("defection", r"(?<!\S)و?انشق(?!ين)\S*|(?<!\S)انشقاق"),
    ("reconciliation", r"(?:اجرى|أجرى|اجروا|عقد)\s+تسوي|تسوية وضع|سوّى وضع"),
    ("arrest", r"(?<!\S)و?(?:اعتقل|اعتُقل|احتجز|اوقف|أوقف|قبض)\S*"),
    ("imprisonment", r"(?:نقل|نُقل|اقتيد|حول|حُوّل)\s+(?:إلى|الى)\s+(?:سجن|فرع|الفرع|السجن)"),
    ("enforced_disappearance", r"مصيره\s+مجهول|مجهول المصير|(?<!\S)اختفى|(?<!\S)مختفٍ|(?<!\S)مختفيا"),
    ("death", r"(?<!\S)(?:ب|و)?وفاته|(?<!\S)و?توفي|(?<!\S)و?قتل(?!ى)\S*|مقتله|استشهد|أعدم|اعدم|لقي حتفه"),
    ("death_notification", r"(?:تبلغت|تبلّغت|ابلغت|أُبلغت|أبلغت)\s+(?:عائلته|اسرته|أسرته|ذووه)|شهادة وفاة"),
    ("body_handover", r"(?:سلم|سلّم|تسليم|تسلمت|تسلّمت|استلمت)\s+(?:\S+\s+){0,3}?(?:جثمان|جثه|جثة)"),
    ("torture", r"تعذيب|عُذّب|عذب"),
    ("extortion", r"(?:دفعت|دفع|دفعوا)\s+(?:\S+\s+){0,4}?(?:ليرة|ليره|دولار)|رشوة|رشوه|فدية"),
    ("reprisal", r"مصادرة|مصادره|انتقامي|انتقاما|(?:أحرق|احرق|هدم|هُدم)\S*\s+منزل"),
    ("promotion", r"(?<!\S)رُقّي|(?<!\S)رقي\s|ترقيته|ترقية"),
    ("escape", r"(?:يقيم|لجأ|فر|فرّ|وصل)\s+(?:في|إلى|الى)\s+(?:الأردن|الاردن|تركيا|لبنان|العراق|أوروبا|اوروبا)"),
    ("conscription", r"سيق\s+(?:إلى|الى)\s+الخدمة|التحق\s+بالخدمة|(?<!\S)جُنّد|الخدمة الإلزامية|الخدمه الالزاميه|الخدمة الاحتياطية"),
    ("joined_group", r"انضم\s+(?:إلى|الى)"),
]]
FIGURE = re.compile(r"(?<![\d/])\d[\d,]*(?![\d/])\s+(?:(?:الف|الاف|مليون|ملايين)\s+)?(?P<what>\S+)")
KIN_BEFORE = f(r"(?<!\S)(?:شقيق|أخ|أخو|والد|ابن|عم|خال|زوج|ابنة|شقيقة|أخت|والدة)(?:ه|ها)\s+$")
MODAL_BEFORE = f(r"(?<!\S)و?(?:لم|لن|لا)\s+(?!يزال|تزال)\S{0,2}$")
PREFIX = r"(?:لل|[وبل]ال|ال|[وبل])?"
UNITS = [(f(p), kind) for p, kind in [
    (rf"(?<!\S){PREFIX}فرقة\s+ال\S+", "division"),
    (rf"(?<!\S){PREFIX}لواء\s+\d+(?:\s+(?:ميكانيك|مدرع|مشاة|دبابات))?", "brigade"),
    (rf"(?<!\S){PREFIX}كتيبة\s+\d+", "battalion"),
    (rf"(?<!\S){PREFIX}فرع\s+(?:ال\S+\s+ال[\u0621-\u064A]+(?:\s+في\s+[\u0621-\u064A]+)?|[\u0621-\u064A]+(?:\s+\d+)?)", "branch"),
]]


def _without_prefix(name: str) -> str:
    """'للفرقة التاسعة' -> 'الفرقة التاسعة', 'وفرع فلسطين' -> 'فرع فلسطين', 'لشعبة' -> 'شعبة'."""
    bare = TASHKEEL.sub("", name)
    if bare.startswith("لل"):
        return "ال" + name[name.index("ل", name.index("ل") + 1) + 1:]
    if bare[:1] in ("و", "ب", "ل") and (bare[1:3] == "ال" or bare[1:].startswith(("فرع", "شعب", "فرق", "لواء", "كتيب"))):
        return name[name.index(bare[0]) + 1:]
    return name
GENERIC_BRANCH = f(r"المخابرات|الأمن")
POPULATION = f(r"شخص|اشخاص|منشق|معتقل|عائل|ضابط|عنصر|مقاتل|مجند|عسكري|منهم|من المنشقين|حالة|حالات")
CLAIM_CATEGORIES = [(kind, f(p)) for kind, p in [
    ("death_notification", r"بوفاة|تبلّغت|شهادات وفاة"),
    ("enforced_disappearance", r"المختفين|مختف|الإخفاء|مجهول"),
    ("body_handover", r"جثامين|جثث"),
    ("death", r"وفاة|قتل|مقتل|توفي"),
    ("arrest", r"اعتقال|اعتقل|احتجاز|معتقلين|اعتُقلوا"),
    ("defection", r"انشقاق|انشق"),
]]
ORG_WORD = f(r"(?:ال|لل|و|ب|ل)?(?:فرع|شعبة|فرقة|لواء|كتيبة|أقسام|قسم|مكتب|إدارة|دائرة|سجن|مشفى|حاجز)$")
RELEASE = f(r"أُفرج|الإفراج|افرج|أطلق سراح")
QUALIFIERS = [("more_than", f(r"أكثر من\s+$")), ("at_least", f(r"^\s*(?:\S+\s+)?على الأقل")),
              ("about", f(r"(?:حوالي|نحو|قرابة|ما يقارب)\s+$")), ("fewer_than", f(r"أقل من\s+$"))]


@lru_cache(maxsize=1)
def _lookups():
    """The Arabic spellings of the gazetteers (folded), and one pattern each for ranks, organisations, places."""
    ranks, orgs, places = {}, {}, {}
    for key, entry in load().lookup.items():
        if not all(ARABIC.search(w) for w in key):
            continue
        phrase = " ".join(key).translate(SINGLE)
        {"rank": ranks, "organization": orgs}.get(entry.category, places)[phrase] = entry

    def pattern(name, words):
        return re.compile(rf"(?<!\S)[وبل]?(?P<{name}>" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                          + r")(?![\u0621-\u064A\d])")

    return ranks, orgs, pattern("rank", ranks), pattern("org", orgs), pattern("place", places)


def _date_value(m: re.Match, published: date | None) -> str | None:
    year = m.group("year") or m.group("year2") or m.group("year3")
    if m.group("month"):
        month = MONTHS[m.group("month")]
        if not year:
            if published is None:
                return None
            year = published.year if month <= published.month else published.year - 1
        if m.group("day"):
            return f"{int(year):04d}-{month:02d}-{int(m.group('day')):02d}"
        return f"{int(year):04d}-{month:02d}"
    return year


def extract(text: str, record: dict) -> dict:
    """Fill `record` (an empty extraction record) from an Arabic text."""
    published = parse_published(record["document"].get("published"))
    folded = Folded(text)
    ft = folded.text
    ranks, orgs, rank_re, org_re, place_re = _lookups()
    persons: list[dict] = []
    org_items: dict[str, dict] = {}
    events: list[dict] = []
    claims: list[dict] = []
    focus = None

    def quote(start: int, end: int) -> dict:
        s, e = folded.span(start, end)
        return {"quote": text[s:e], "start": s, "end": e}

    def person_named(name_f: str, start: int, end: int) -> dict:
        tokens = [t.removeprefix("ال") for t in name_f.split()]
        for p in persons:
            have = [t.removeprefix("ال") for t in p["_folded"].split()]
            if tokens == have or (len(tokens) == 1 and tokens[0] == have[-1]) or (len(tokens) > 1 and set(tokens) <= set(have)):
                return p
        s, e = folded.span(start, end)
        p = {"id": f"p{len(persons) + 1}", "name": text[s:e], "aliases": [], "rank": None, "age": None, "origin": None,
             "pseudonym": False, "roles": [], "evidence": [], "key": "person:" + name_f, "_folded": name_f}
        persons.append(p)
        return p

    def add_org(name_f: str, start: int, end: int, kind: str, side: str | None, display: str | None = None) -> dict:
        name_f = _without_prefix(name_f)
        item = org_items.get(name_f)
        if item is None:
            s, e = folded.span(start, end)
            item = org_items[name_f] = {"id": f"o{len(org_items) + 1}", "name": display or text[s:e], "kind": kind,
                                        "side": side, "parent": None, "evidence": [quote(start, end)],
                                        "key": "org:" + name_f}
        return item

    publisher = record["document"].get("publisher")
    if publisher:
        pub_f = TASHKEEL.sub("", publisher).translate(SINGLE)
        for m in re.finditer(re.escape(pub_f), ft):
            add_org(pub_f, m.start(), m.end(), "ngo", "other")

    for sm in re.finditer(r"[^.!?؟\n]+|\n\s*\n", ft):
        if not sm.group().strip():
            focus = None  # a new paragraph of a bulletin is about someone else unless it names him
            continue
        s_start, s_end = sm.span()
        sentence = sm.group()
        mentions: list[tuple[int, dict]] = []
        for m in rank_re.finditer(sentence):
            after = sentence[m.end():]
            if RANK_BEFORE_UNIT.match(after) or sentence[:m.start()].rstrip().endswith("رتبه"):
                continue
            words = list(re.finditer(r"\S+", after))
            while words and words[0].group() in STOP:  # "العميد المنشق سليمان ..."
                words = words[1:]
            name_words = []
            for w in words[:4]:
                token = w.group().strip("،,()")
                if not re.fullmatch(W, token) or not _is_name(token):
                    break
                name_words.append(w)
                if token.startswith("ال") or w.group().endswith(("،", ",")):
                    break  # the family name ends the name
            if not name_words or (len(name_words) == 1 and not persons):
                continue
            start = s_start + m.end() + name_words[0].start()
            end = s_start + m.end() + name_words[-1].start() + len(name_words[-1].group().rstrip("،,()"))
            p = person_named(ft[start:end], start, end)
            p["rank"] = p["rank"] or ranks[m.group("rank")].name
            mentions.append((start, p))
        # "مدير الأرشيف منيف حمود الذهبي", "4. محمد علاء الكفيري (22 عاماً)"
        for m in re.finditer(rf"(?<!\S)(?P<name>{W}\s+{W}\s+(?:ال)?{W})(?=\s*\(\d{{1,2}}\s+عام)", sentence):
            if any(abs(s_start + m.start() - pos) < 3 for pos, _ in mentions):
                continue
            if _is_name(m.group("name")):
                start, end = s_start + m.start("name"), s_start + m.end("name")
                mentions.append((start, person_named(ft[start:end], start, end)))
        for m in re.finditer(rf"(?P<name>{W}\s+{W}\s+ال{W})", sentence):
            if TITLE.search(sentence[:m.start()]) and _is_name(m.group("name")) \
                    and not any(abs(s_start + m.start() - pos) < 3 for pos, _ in mentions):
                start, end = s_start + m.start("name"), s_start + m.end("name")
                p = person_named(ft[start:end], start, end)
                p["roles"] = sorted(set(p["roles"]) | {"source"})
                mentions.append((start, p))
        mentions.sort(key=lambda x: x[0])
        for pos, p in mentions:
            tail = ft[pos + len(p["_folded"]):pos + len(p["_folded"]) + 80]
            age = AGE.match(tail)
            if age:
                p["age"] = p["age"] or int(age.group("age"))
            skip = age.end() if age else 0
            origin = ORIGIN.match(tail[skip:])
            if origin and not p["origin"]:
                o_start = pos + len(p["_folded"]) + skip + origin.start("place")
                p["origin"] = text[slice(*folded.span(o_start, o_start + len(origin.group("place"))))]
            if len(p["evidence"]) < 3:
                p["evidence"].append(quote(s_start, s_end))

        # Organisations: gazetteer names and unit/branch patterns.
        unit_spans = []
        for pattern, kind in UNITS:
            for m in pattern.finditer(sentence):
                unit_spans.append(m.span())
                start, end = s_start + m.start(), s_start + m.end()
                o_start, o_end = folded.span(start, end)
                name = _without_prefix(text[o_start:o_end])
                if kind == "branch" and " في " in name and not GENERIC_BRANCH.search(ft[start:end]):
                    name = name.split(" في ")[0]
                add_org(TASHKEEL.sub("", name).translate(SINGLE), start, end, kind, "government", display=name)
        for m in org_re.finditer(sentence):
            if any(a <= m.start("org") < b for a, b in unit_spans):
                continue
            entry = orgs[m.group("org")]
            start, end = s_start + m.start("org"), s_start + m.end("org")
            add_org(m.group("org"), start, end, entry.kind, entry.side, display=text[slice(*folded.span(start, end))])

        dates = [(s_start + m.start(), _date_value(m, published), s_start + m.end()) for m in DATE.finditer(sentence)]
        place_hits = [(s_start + m.start("place"), m.group("place")) for m in place_re.finditer(sentence)]
        if mentions:
            focus = mentions[0][1]  # a bulletin's paragraph is about the person it opens with
        # Triggers next to a figure about many people ("قتل أكثر من 14 ألف شخص تحت التعذيب") are the figure's.
        figures = [(max(0, f.start() - 30), f.end() + 60) for f in FIGURE.finditer(sentence)
                   if POPULATION.match(f.group("what"))]
        for kind, trigger in TRIGGERS:
            for m in trigger.finditer(sentence):
                position = s_start + m.start()
                if MODAL_BEFORE.search(sentence[:m.start()]) or re.match(r"\S*وا(?!\S)", sentence[m.start():]):
                    continue  # negated, or a plural verb ("اعتُقلوا"): not about the person
                if KIN_BEFORE.search(sentence[:m.start()]) or any(a <= m.start() < b for a, b in figures):
                    continue  # "شقيقه اعتقل": his brother; "قتل أكثر من 14 ألف": a figure, not a person
                before = [p for pos, p in mentions if pos < position]
                after = [p for pos, p in mentions if position < pos < position + 40]
                person = before[-1] if before else (after[0] if after else focus)
                if person is None:
                    continue
                later = [(pos, v) for pos, v, _ in dates if pos >= position and v]
                earlier = [(pos, v, end) for pos, v, end in dates if pos < position and v and position - pos < 40]
                if earlier and not ft[earlier[-1][2]:position].strip():
                    value = earlier[-1][1]  # "في 16 شباط 2021 تبلّغت عائلته": the date just before the verb
                elif later and later[0][0] - position < 160:
                    value = later[0][1]
                else:
                    value = earlier[-1][1] if earlier else None
                near_places = [name for pos, name in place_hits if pos >= position]
                event = {"type": kind, "subjects": [person["id"]], "agents": [], "date": value, "date_end": None,
                         "place": (near_places[0] if near_places else None), "manner": None,
                         "evidence": [quote(position, min(s_end, position + len(m.group()) + 80))],
                         "key": f"event|{kind}|{person['key']}|{folded.span(position, position + 1)[0]}"}
                if kind == "death":
                    event["manner"] = "torture" if "تعذيب" in sentence else "unknown"
                events.append(event)
                if kind == "defection":
                    person["roles"] = sorted(set(person["roles"]) | {"defector"})
                elif kind not in ("reconciliation", "promotion", "escape", "conscription", "joined_group"):
                    person["roles"] = sorted(set(person["roles"]) | {"victim"})
                if kind in ("death_notification", "body_handover"):
                    events.append(dict(event, type="death", manner="unknown", date=None,
                                       key=event["key"].replace(kind, "death", 1)))
        claims.extend(_claims(sentence, s_start, dates, quote))

    for kind, other in (("enforced_disappearance", "arrest"), ("arrest", "enforced_disappearance")):
        for event in events:
            if event["type"] == kind and not event["date"]:
                dated = {e["date"] for e in events if e["type"] == other and e["subjects"] == event["subjects"] and e["date"]}
                if len(dated) == 1:
                    event["date"] = dated.pop()
    seen = {}
    for event in events:
        marker = (event["type"], event["subjects"][0])
        if marker in seen:
            kept = seen[marker]
            kept["date"] = kept["date"] or event["date"]
            continue
        seen[marker] = event
        event["id"] = f"e{len(record['events']) + 1}"
        record["events"].append(event)
    for p in persons:
        p.pop("_folded")
        p["roles"] = p["roles"] or ["other"]
        if p["evidence"]:
            record["persons"].append(p)
    kept_ids = {p["id"] for p in record["persons"]}
    record["events"] = [e for e in record["events"] if set(e["subjects"]) <= kept_ids]
    record["organizations"] = list(org_items.values())
    for i, claim in enumerate(claims):
        claim["id"] = f"c{i + 1}"
        record["claims"].append(claim)
    return record


def _is_name(words: str) -> bool:
    return not any(w in STOP or ORG_WORD.match(w) for w in words.split())


def _claims(sentence: str, s_start: int, dates, quote) -> list[dict]:
    """Figures about many people: a number, then who ("شخصاً", "منشق", "منهم"), and what happened."""
    out = []
    for m in re.finditer(r"(?<![\d/])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?![\d/])(?P<scale>\s+(?:الف|الاف|مليون|ملايين)(?![\u0621-\u064A]))?", sentence):
        n = int(m.group("n").replace(",", "")) * (1_000_000 if m.group("scale") and "مل" in m.group("scale") else
                                                  1000 if m.group("scale") else 1)
        after = sentence[m.end():m.end() + 30]
        if 1900 <= n <= 2099 or re.match(r"\s*(?:عام|سنه|ليره|دولار|/)", after) or n < 3:
            continue
        if RELEASE.search(sentence[max(0, m.start() - 40):m.start()]):
            continue  # releases are not a violation
        if any(abs((s_start + m.start()) - pos) < 25 and v and str(n) in v for pos, v, _ in dates):
            continue
        if not POPULATION.match(after.lstrip()):
            continue
        window = sentence[max(0, m.start() - 60):m.end() + 80]
        category = next((kind for kind, pattern in CLAIM_CATEGORIES if pattern.search(window)), None)
        if category is None:
            continue
        before = sentence[max(0, m.start() - 20):m.start()]
        qualifier = "exact"
        for name, pattern in QUALIFIERS:
            if (name == "at_least" and pattern.match(sentence[m.end():m.end() + 30])) or (name != "at_least" and pattern.search(before)):
                qualifier = name
        start = s_start + max(0, m.start() - 40)
        end = s_start + min(len(sentence), m.end() + 60)
        out.append({"quantity": n, "quantity_high": None, "qualifier": qualifier, "category": category,
                    "population": None, "place": None, "period_start": None, "period_end": None,
                    "attributed_to": None, "evidence": [quote(start, end)],
                    "key": f"claim|{category}|{n}|{start}"})
    return out
