"""Arabic-script documents: persons after a rank word, places, and event triggers.

A small rule set, not a full extractor: a rank word ("النقيب", "الملازم أول") and the
two to four words after it make a person; governorates and towns come from the
gazetteers' Arabic spellings; a few verbs (انشق, اعتقل, قتل تحت التعذيب, اختفى قسريا)
make events about the person named nearest before them in the sentence.
"""

from __future__ import annotations

import re

from tawthiq.text import fold_arabic

from .gazetteers import load

SENTENCE = re.compile(r"[^.!?؟\n]+[.!?؟]?")
ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0660-\u0669\u0671-\u06D3]+")
STOP = {fold_arabic(w) for w in "في من إلى على عن مع بعد قبل منذ خلال الذي التي الذين وقد قد كان كانت أن إن لا لم ما هو هي و".split()}
TRIGGERS = [
    ("defection", re.compile(r"انشق|انشقاق")),
    ("arrest", re.compile(r"اعتقل|اعتقال|احتجز|احتجاز|اعتقلت")),
    ("death", re.compile(r"قتل|استشهد|توفي|مقتل|لقي حتفه|أعدم|إعدام")),
    ("torture", re.compile(r"تحت التعذيب|عذب|تعذيب")),
    ("enforced_disappearance", re.compile(r"اختفى قسري|الاختفاء القسري|أخفي قسري|مختف")),
    ("reconciliation", re.compile(r"تسوية|مصالحة")),
    ("conscription", re.compile(r"التحق بالخدمة|سيق إلى الخدمة|الخدمة الإلزامية|الخدمة الاحتياطية")),
]


def _rank_lookup():
    gaz = load()
    ranks = {}
    for key, entry in gaz.lookup.items():
        if entry.category == "rank" and all(ARABIC_WORD.fullmatch(w) for w in key):
            ranks[tuple(fold_arabic(w) for w in key)] = entry.name
    return ranks


def extract(text: str, record: dict) -> dict:
    """Fill `record` (an empty extraction record) from an Arabic text."""
    gaz = load()
    ranks = _rank_lookup()
    places = {fold_arabic(" ".join(k)): e for k, e in gaz.lookup.items()
              if e.category in ("governorate", "place") and all(ARABIC_WORD.fullmatch(w) for w in k)}
    persons: dict[str, dict] = {}
    events = []
    for sm in SENTENCE.finditer(text):
        sentence_start = sm.start()
        words = [(m.start() + sentence_start, m.end() + sentence_start, fold_arabic(m.group()))
                 for m in ARABIC_WORD.finditer(sm.group())]
        mentions = []  # (position, person id)
        i = 0
        while i < len(words):
            rank = None
            for size in (2, 1):
                key = tuple(w[2] for w in words[i:i + size])
                if len(key) == size and key in ranks:
                    rank, i = ranks[key], i + size
                    break
            if rank is None:
                i += 1
                continue
            name_words = []
            while i < len(words) and len(name_words) < 4 and words[i][2] not in STOP \
                    and not any(t.search(words[i][2]) for _, t in TRIGGERS):
                name_words.append(words[i])
                i += 1
            if len(name_words) < 2:
                continue
            name = text[name_words[0][0]:name_words[-1][1]]
            key = fold_arabic(name)
            person = persons.get(key)
            if person is None:
                person = persons[key] = {
                    "id": f"p{len(persons) + 1}", "name": name, "aliases": [], "rank": rank, "age": None,
                    "origin": None, "pseudonym": False, "roles": [], "evidence": [], "key": "person:" + key}
            if len(person["evidence"]) < 3:
                person["evidence"].append({"quote": sm.group().strip(), "start": sentence_start + len(sm.group()) - len(sm.group().lstrip()),
                                           "end": sentence_start + len(sm.group().rstrip())})
            mentions.append((name_words[0][0], person))
        place = next((places[w[2]].name for w in words if w[2] in places), None)
        for kind, trigger in TRIGGERS:
            for m in trigger.finditer(sm.group()):
                position = sentence_start + m.start()
                before = [p for pos, p in mentions if pos < position]
                person = before[-1] if before else (mentions[0][1] if mentions else None)
                if person is None:
                    continue
                quote = sm.group().strip()
                start = sentence_start + len(sm.group()) - len(sm.group().lstrip())
                events.append({"type": kind, "subjects": [person["id"]], "agents": [], "date": None, "date_end": None,
                               "place": place, "manner": "torture" if kind == "death" and "تعذيب" in quote else
                               ("unknown" if kind == "death" else None),
                               "evidence": [{"quote": quote, "start": start, "end": start + len(quote)}],
                               "key": f"event|{kind}|{person['key']}|{start}"})
                if kind == "defection":
                    person["roles"] = sorted(set(person["roles"]) | {"defector"})
                elif kind != "reconciliation":
                    person["roles"] = sorted(set(person["roles"]) | {"victim"})
    seen = set()
    for event in events:
        marker = (event["type"], event["subjects"][0])
        if marker in seen:
            continue
        seen.add(marker)
        event["id"] = f"e{len(record['events']) + 1}"
        record["events"].append(event)
    for person in persons.values():
        person["roles"] = person["roles"] or ["other"]
        record["persons"].append(person)
    return record
