"""Fictional documents for tests and benchmarks (generated word salad, no real people).

Every name here is invented; the text only has to look like English or Arabic prose to
the ingestion code (letters, words, paragraphs), not to mean anything.
"""

import random
from pathlib import Path

ENGLISH = (
    "the army unit soldier officer report village checkpoint winter summer road family brother "
    "said was were had after before during near north south east west city town river bridge "
    "battalion brigade division months years later again never always several many few people "
    "witness statement archive record meeting left joined returned arrested released moved "
    "fictional sample example placeholder generated text for testing only"
).split()
ARABIC = (
    "الجيش الوحدة الجندي الضابط التقرير القرية الحاجز الشتاء الصيف الطريق العائلة الأخ "
    "قال كان كانت بعد قبل خلال قرب شمال جنوب شرق غرب المدينة البلدة النهر الجسر "
    "الكتيبة اللواء الفرقة أشهر سنوات لاحقا مجددا أبدا عدة كثير قليل الناس "
    "الشاهد الإفادة الأرشيف السجل الاجتماع غادر انضم عاد اعتقل أفرج انتقل "
    "مثال نص تجريبي مولد للاختبار فقط إلى في من على مسؤول مدرسة مستشفى"
).split()
INVENTED_NAMES = ("Captain Fictus Examplar", "Major Nemo Placeholder", "النقيب مثال افتراضي", "الرائد وهمي تجريبي")


def paragraph(rng: random.Random, words: list[str], sentences: int) -> str:
    out = []
    for _ in range(sentences):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
        if rng.random() < 0.15:
            sentence += " " + rng.choice(INVENTED_NAMES)
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def document_text(rng: random.Random, size: int = 8000) -> str:
    """About `size` bytes (UTF-8) of fictional text; half the documents Arabic, some mixed."""
    roll = rng.random()
    parts, length = [f"Generated fictional document {rng.randrange(10**9)}"], 0
    while length < size:
        words = ARABIC if (roll < 0.5) != (rng.random() < 0.1) else ENGLISH
        text = paragraph(rng, words, rng.randint(3, 7))
        parts.append(text)
        length += len(text.encode("utf-8")) + 2
    return "\n\n".join(parts)


def write_corpus(folder: Path, count: int, size: int = 8000, seed: int = 1) -> list[Path]:
    """Write `count` .txt files (UTF-8) under folder, in sub-folders of 1000; returns their paths."""
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        sub = folder / f"batch{number // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"doc{number:06d}.txt"
        path.write_text(document_text(rng, size), encoding="utf-8")
        paths.append(path)
    return paths
