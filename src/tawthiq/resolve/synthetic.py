"""Synthetic Syrian name records with known truth, for linkage benchmarks and tests.

Every name here is a generic, common Arabic given name, family name, nisba or place:
no list of real people was used. A synthetic *person* has a given name, a father's name,
sometimes a grandfather's name, a family name (al-X, a nisba like al-Homsi, or Abu X),
sometimes a kunya, a mother's name, a rank, a birth year, an origin, units and a defection
date. How often each field is written follows documentation lists of detainees and
defectors, which usually record the father's name (85% of Latin records, 90% of Arabic
ones here), often the mother's name (50%), the birth year or an age (75%) and the place
of origin (75%). Each person
is written down by one to several *records*, as different sources would write them:

- transliteration variants (Mohammed/Muhammad/Mohamad, Abdul Latif/Abdulatif/Abd al-Latif,
  al-Samadi/Smadi, q/k/g, kh/h, ou/u/o, ee/i, doubled letters, apostrophes, al-/el-/none),
- Arabic-script copies (with and without hamza, ta marbuta as ha, joined abd-compounds),
- typos, upper-case list style, "FAMILY, Given" order, kunya forms,
- missing fields: father's or mother's name dropped, no rank, no birth year, age at a date instead
  of a birth year, no origin, town instead of governorate,
- many different people sharing common names: given and family names are drawn with
  Zipf-like frequencies, so namesakes grow with the size of the set, as in real lists.

`generate(n_records, seed)` is deterministic for a seed. `generate(..., reveal=True)` also
returns, per record, the latent values the record reveals (`SyntheticSet.revealed`: the
forms behind the written names, without spelling noise or typos, and the other fields as
drawn), for oracle bounds; the records are the same either way.
"""

from __future__ import annotations

import itertools
import random
import re
from bisect import bisect
from dataclasses import dataclass

from tawthiq.vocabulary import RANKS as RANKS_BY_SENIORITY

# ---------------------------------------------------------------------------------------
# Name lists: Arabic form | common Latin spellings (most usual first). Ordered roughly by
# frequency, most common first: the order drives the Zipf weights.

GIVEN_NAMES = """
محمد|Muhammad,Mohammed,Mohammad,Mohamed,Mohamad,Muhammed
أحمد|Ahmad,Ahmed
علي|Ali,Aly
محمود|Mahmoud,Mahmud,Mahmood
خالد|Khaled,Khalid
حسن|Hassan,Hasan
عمر|Omar,Umar
حسين|Hussein,Hussain,Husain,Houssein
إبراهيم|Ibrahim,Ebrahim
يوسف|Youssef,Yousef,Yusuf,Yousif
مصطفى|Mustafa,Moustafa,Mostafa
عبد الله|Abdullah,Abdallah,Abd Allah,Abdulla
عبد الرحمن|Abdulrahman,Abdul Rahman,Abd al-Rahman,Abdel Rahman,Abdurrahman
عبد الكريم|Abdulkarim,Abdul Karim,Abd al-Karim,Abdel Karim
عبد اللطيف|Abdul Latif,Abdulatif,Abd al-Latif,Abdellatif,Abdullatif
عبد القادر|Abdulkader,Abdul Qader,Abd al-Qadir,Abdelkader
عبد الرزاق|Abdulrazzaq,Abdul Razzak,Abd al-Razzaq,Abdel Razak
عبد الحميد|Abdulhamid,Abdul Hamid,Abd al-Hamid,Abdel Hamid
عبد السلام|Abdulsalam,Abdul Salam,Abd al-Salam,Abdessalam
عبد العزيز|Abdulaziz,Abdul Aziz,Abd al-Aziz,Abdelaziz
عبد الناصر|Abdulnasser,Abdul Nasser,Abd al-Nasir,Abdel Nasser
سامر|Samer,Samir
ياسر|Yasser,Yaser,Yasir
رامي|Rami,Ramy
فادي|Fadi,Fady
بشار|Bashar,Bachar
ماهر|Maher,Mahir
وليد|Walid,Waleed
سعيد|Said,Saeed,Sa'id,Saied
نور الدين|Nour al-Din,Nureddin,Nour Eddine,Nuraldeen
صلاح|Salah,Salaheddine
جمال|Jamal,Gamal,Djamal
كمال|Kamal,Kemal
فراس|Firas,Feras
عماد|Imad,Emad
زياد|Ziad,Ziyad
أيمن|Ayman,Aiman
مازن|Mazen,Mazin
باسل|Basel,Basil
طارق|Tarek,Tariq,Tarik
وائل|Wael,Wa'il
هيثم|Haitham,Haytham
منذر|Munther,Monzer,Mundhir
عدنان|Adnan
غسان|Ghassan,Ghasan
نبيل|Nabil,Nabeel
جميل|Jamil,Jameel
عادل|Adel,Adil
فيصل|Faisal,Faysal,Fayçal
قاسم|Qassem,Kassem,Qasim,Gassem
سليمان|Suleiman,Sulayman,Soliman,Sleiman
عيسى|Issa,Eissa,Isa
موسى|Moussa,Musa,Mousa
عثمان|Othman,Osman,Uthman
بكر|Bakr,Bakir
زيد|Zaid,Zeid,Zayd
حمزة|Hamza,Hamzah
حمدي|Hamdi,Hamdy
أنس|Anas
معاذ|Muaz,Moaz,Mu'adh
بلال|Bilal,Belal
أسامة|Osama,Usama,Oussama
مأمون|Mamoun,Ma'moun,Mamun
رياض|Riad,Riyad,Riyadh
فايز|Fayez,Faiz
ناصر|Nasser,Naser,Nasir
منير|Munir,Mounir
شادي|Shadi,Chadi
مهند|Muhannad,Mohanad,Mouhanad
نزار|Nizar,Nezar
هشام|Hisham,Hicham
جهاد|Jihad,Jehad
راتب|Rateb,Ratib
رضوان|Radwan,Ridwan
شريف|Sharif,Sherif,Cherif
صالح|Saleh,Salih
طلال|Talal
عامر|Amer,Amir
عبدو|Abdo,Abdou
غازي|Ghazi
فؤاد|Fouad,Fuad,Fu'ad
قيس|Qais,Kais,Qays
كريم|Karim,Kareem
لؤي|Louay,Luay,Lu'ay
مالك|Malek,Malik
مروان|Marwan
مصعب|Musab,Mos'ab,Mosaab
نادر|Nader,Nadir
هاني|Hani,Hany
وسيم|Wassim,Wasim,Waseem
ياسين|Yassin,Yasin,Yaseen
يحيى|Yahya,Yehia
إياد|Iyad,Eyad
أكرم|Akram
أمجد|Amjad
أنور|Anwar,Anouar
بسام|Bassam,Basam
ثائر|Thaer,Tha'ir,Thair
جلال|Jalal
حازم|Hazem,Hazim
حسام|Hussam,Hossam,Houssam
خليل|Khalil,Khaleel
رائد|Raed,Ra'id
سامي|Sami,Samy
سليم|Salim,Saleem
شاكر|Shaker,Chaker
صبحي|Subhi,Sobhi
ضياء|Diaa,Dia',Diya
عصام|Issam,Essam
علاء|Alaa,Ala'a
عمار|Ammar,Amar
غياث|Ghiath,Ghayath
فارس|Fares,Faris
لطفي|Lutfi,Lotfi
مجد|Majd
محسن|Mohsen,Muhsin
مراد|Murad,Mourad
معتز|Moataz,Mutaz,Mu'taz
مهدي|Mahdi,Mehdi
نضال|Nidal,Nedal
هادي|Hadi,Hady
وحيد|Wahid,Waheed
يامن|Yamen,Yamin
"""

# Mothers' names (documentation lists of detainees and defectors often record the mother's
# name, as Syrian civil records do), most common first.
FEMALE_NAMES = """
فاطمة|Fatima,Fatma,Fatmeh
مريم|Maryam,Mariam,Miriam
خديجة|Khadija,Khadijeh,Khadiga
عائشة|Aisha,Aysha,Aicha
زينب|Zainab,Zeinab,Zaynab
أمينة|Amina,Ameena,Amineh
نور|Nour,Noor,Nur
هدى|Huda,Houda,Hoda
سعاد|Suad,Souad,Su'ad
ليلى|Layla,Leila,Laila
سميرة|Samira,Sameera,Samireh
نجاح|Najah,Nagah
وفاء|Wafaa,Wafa
رنا|Rana
سلمى|Salma,Selma
هند|Hind,Hend
منى|Mona,Muna
سناء|Sanaa,Sana'
رقية|Ruqaya,Roukaya,Ruqayya
حليمة|Halima,Haleema
صبحية|Subhiya,Sobhia
نجوى|Najwa,Nagwa
غادة|Ghada,Ghadah
لمى|Lama
ريم|Reem,Rim
عبير|Abir,Abeer
دلال|Dalal
جميلة|Jamila,Jameela
بشرى|Bushra,Boushra
نوال|Nawal
وداد|Widad,Wedad
إيمان|Iman,Eman
رحاب|Rihab,Rehab
ابتسام|Ibtisam,Ebtesam
سهام|Siham,Seham
آمنة|Amna,Amneh
"""

# Family names proper (tribal, occupational, descriptive); nisbas and al-<given> /
# Abu <given> family names are added below.
FAMILY_NAMES = """
الحمد|Hamad,Hamd
الحسن|Hasan,Hassan
الخطيب|Khatib,Khateeb
الزعبي|Zoubi,Zu'bi,Zoabi
الحريري|Hariri
العلي|Ali
الشيخ|Sheikh,Shaikh,Cheikh
المصري|Masri,Misri
الصمادي|Samadi,Smadi
النجار|Najjar,Najar
الحداد|Haddad
الخياط|Khayyat,Khayat
العطار|Attar
الصباغ|Sabbagh,Sabagh
الدرويش|Darwish,Darwich
السيد|Sayed,Sayyid,Said
الحاج|Hajj,Haj
القاسم|Qasim,Kassem,Qassem
الرفاعي|Rifai,Refai,Rifa'i
الجبلي|Jabali,Jebali
الكردي|Kurdi,Kurdy
التركماني|Turkmani
العمري|Omari,Umari
الشامي|Shami,Chami
البكري|Bakri
الجاسم|Jasim,Jassem
الضاهر|Daher,Dhaher,Zaher
المحمد|Mohammad,Muhammad
الأسعد|As'ad,Asaad
الفارس|Fares,Faris
النعيمي|Nuaimi,Naimi,Nu'aymi
الحلبي|Halabi
الحمصي|Homsi,Himsi
الإدلبي|Idlibi,Edlibi
الحوراني|Hourani,Horani,Hawrani
الديري|Deiri,Dayri
الحموي|Hamawi,Hamwi
الدمشقي|Dimashqi
الرقاوي|Raqqawi
الجولاني|Joulani,Jawlani
العبيد|Obeid,Ubayd
الشمري|Shammari,Chammari
الجبوري|Jubouri,Jabouri
العنزي|Anazi,Enezi
البدوي|Badawi,Bedawi
المقداد|Miqdad,Mekdad
الطويل|Tawil,Taweel
القصير|Qusayr,Kassir
الأحمر|Ahmar
الأسود|Aswad
الخضر|Khodr,Khidr
السعدي|Saadi,Sa'di
الراشد|Rashed,Rashid
العثمان|Othman,Osman
الصالح|Saleh,Salih
البيطار|Bitar,Baytar
الحلاق|Hallaq,Hallak
الفرا|Farra
القباني|Qabbani,Kabbani
الحكيم|Hakim,Hakeem
النحاس|Nahhas,Nahas
الخوري|Khoury,Khouri
الساعاتي|Saati,Sa'ati
الزين|Zein,Zain
الموسى|Mousa,Musa
العيسى|Issa,Eissa
اليوسف|Yousef,Youssef
الإبراهيم|Ibrahim
الخليل|Khalil
الحسين|Hussein,Hussain
الأحمد|Ahmad,Ahmed
المحمود|Mahmoud,Mahmud
العبدالله|Abdullah,Abdallah
"""

# Places of origin: governorate | its Latin spellings | towns (Arabic|Latin,...;...).
PLACES = """
دمشق|Damascus,Dimashq|المزة|Mezzeh,Mazzeh;الميدان|Midan,Maydan;القابون|Qaboun,Qabun
ريف دمشق|Rif Dimashq,Damascus Countryside,Rural Damascus|دوما|Douma,Duma;داريا|Darayya,Daraya;الزبداني|Zabadani;يبرود|Yabroud,Yabrud;التل|al-Tall,Al Tal
حلب|Aleppo,Halab|منبج|Manbij,Menbij;الباب|al-Bab,Al Bab;عندان|Anadan;تل رفعت|Tal Rifaat,Tell Rifaat
حمص|Homs,Hims|الرستن|Rastan,al-Rastan;تلبيسة|Talbiseh,Talbisa;القصير|Qusayr,al-Qusair;تلكلخ|Talkalakh,Tell Kalakh
حماة|Hama,Hamah|السلمية|Salamiyah,Salamieh;محردة|Mhardeh,Muhradah;كفرزيتا|Kafr Zita,Kafrzita;اللطامنة|Latamneh,al-Lataminah
إدلب|Idlib,Idleb|معرة النعمان|Maarat al-Numan,Ma'arrat al-Nu'man;سراقب|Saraqib,Saraqeb;جسر الشغور|Jisr al-Shughur,Jisr ash-Shughur;خان شيخون|Khan Shaykhun,Khan Sheikhoun
اللاذقية|Latakia,Lattakia,Al-Ladhiqiyah|جبلة|Jableh,Jabla;الحفة|al-Haffah,Haffa
طرطوس|Tartus,Tartous|بانياس|Baniyas,Banias;صافيتا|Safita
درعا|Daraa,Deraa,Dar'a|بصرى|Bosra,Busra;نوى|Nawa;طفس|Tafas;جاسم|Jasim,Jassem;إنخل|Inkhil,Inkhel
السويداء|Suwayda,Sweida,As-Suwayda|شهبا|Shahba;صلخد|Salkhad
القنيطرة|Quneitra,Al-Qunaytirah|خان أرنبة|Khan Arnabah,Khan Arnabeh
دير الزور|Deir ez-Zor,Deir al-Zour,Deir Ezzor|الميادين|Mayadin,al-Mayadeen;البوكمال|Albu Kamal,Abu Kamal
الرقة|Raqqa,al-Raqqah,Rakka|الطبقة|Tabqa,al-Thawrah
الحسكة|Hasakah,al-Hasakah,Hassakeh|القامشلي|Qamishli,Kamishli;رأس العين|Ras al-Ayn,Ras al-Ain
"""

# Arabic rank | Latin spellings, and the vocabulary term; most frequent first.
RANKS = [
    ("ملازم أول", ["First Lieutenant", "1st Lt.", "First Lt"], "first lieutenant"),
    ("نقيب", ["Captain", "Capt."], "captain"),
    ("رائد", ["Major", "Maj."], "major"),
    ("مساعد", ["Warrant Officer", "WO"], "warrant officer"),
    ("ملازم", ["Second Lieutenant", "2nd Lt.", "Lieutenant"], "second lieutenant"),
    ("رقيب", ["Sergeant", "Sgt."], "sergeant"),
    ("مقدم", ["Lieutenant Colonel", "Lt. Col."], "lieutenant colonel"),
    ("عقيد", ["Colonel", "Col."], "colonel"),
    ("مجند", ["Private", "Pvt.", "Conscript"], "private"),
    ("عريف", ["Corporal", "Cpl."], "corporal"),
    ("عميد", ["Brigadier General", "Brig. Gen."], "brigadier general"),
    ("لواء", ["Major General", "Maj. Gen."], "major general"),
]

# RANKS (indexes) from the lowest to the highest.
SENIORITY = sorted(range(len(RANKS)), key=lambda i: RANKS_BY_SENIORITY.index(RANKS[i][2]))

# Sound triliteral roots (Arabic letters) for the long tail of family names: a root poured
# into a pattern gives names of the kind Haddad, Hamdan, Mansour, Qutayba.
ROOTS = """حمد سلم كتب نصر قسم حسن خلد فضل شرف رشد صبر جبر قدر حكم عزم نجم زهر بدر سعد فرح كرم جمل
طلب غنم سمر ظهر حرب شمس قطن زرع برك نبل فرج سبع ذبح خطب درس نعم رحم صدق فتح جلب حفظ شكر حلم كسب
عمر رزق قبل صلح نقش غزل دبس بشر حلب خضر دهن رسل زكر سحب شدد صنع طبخ عرف فهم قتل لطف مدح نشر هجر
بطل ترك جرد حبس خرط دفع ربط سكر شهب ضرب عقل فلح قلب لبس مسك نفع حصد جدل حرث خبز دقق رعد سلخ شطب
صقر طحن عسل فتل قصب كحل نحل حكر جزر برد""".split()
LETTER_LATIN = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
# (Arabic template, Latin template) with 1, 2, 3 standing for the root letters.
PATTERNS = [
    ("12ا3", "1a22a3"),  # fa''al: Haddad
    ("12و3", "1a22ou3"),  # fa''ul: Sabbour
    ("123ان", "1a23an"),  # fa'lan: Hamdan
    ("1ا23", "1a2e3"),  # fa'il: Hamed
    ("12ي3", "1o2ay3"),  # fu'ayl: Qutayb
    ("م12و3", "ma12ou3"),  # maf'ul: Mansour
    ("12ا3ي", "1a22a3i"),  # nisba of fa''al
    ("1ا23ي", "1a2e3i"),  # nisba of fa'il: Hamedi
    ("12ي3ي", "1o2ay3i"),  # nisba of fu'ayl: Qutaybi
    ("1ا2و3", "1a2ou3"),  # fa'ul: Haddour
]


def pattern_family_names() -> list[NameForm]:
    """Family names built from ROOTS and PATTERNS, with their Arabic and Latin forms."""
    forms = []
    for root in ROOTS:
        for arabic, latin in PATTERNS:
            ar = arabic.replace("1", root[0]).replace("2", root[1]).replace("3", root[2])
            la = latin
            for digit, letter in zip("123", root):
                la = la.replace(digit, LETTER_LATIN[letter])
            la = la.replace("''", "'").lstrip("'")
            forms.append(NameForm(ar, (la[:1].upper() + la[1:],)))
    return forms


UNIT_KINDS = [("Brigade", "اللواء"), ("Regiment", "الفوج"), ("Division", "الفرقة"), ("Battalion", "الكتيبة")]


@dataclass(frozen=True)
class NameForm:
    """One name with its Arabic form and its spellings, most usual first."""

    arabic: str
    latin: tuple[str, ...]


def _parse(block: str) -> list[NameForm]:
    forms = []
    for line in block.strip().splitlines():
        arabic, latin = line.split("|")
        forms.append(NameForm(arabic, tuple(latin.split(","))))
    return forms


# ---------------------------------------------------------------------------------------
# Transliteration variation: rules that turn one spelling into others.

_VOWEL_DROP = re.compile(r"^([bdfghjklmnpqrstvwxyz])[aeiou]([bdfghjklmnpqrstvwxyz][aeiou])", re.I)
_DOUBLE = re.compile(r"([bdfhjklmnrstz])\1")
_SUBSTITUTIONS = [
    ("ou", "u"), ("u", "ou"), ("ou", "o"), ("oo", "u"), ("ee", "i"), ("i", "ee"), ("q", "k"), ("q", "g"),
    ("kh", "h"), ("sh", "ch"), ("j", "dj"), ("th", "s"), ("dh", "z"), ("e", "a"), ("a", "e"),
    ("ei", "ai"), ("ai", "ei"), ("y", "i"), ("'", ""), ("ah", "a"), ("ie", "i"), ("w", "ou"),
]


def spelling_variants(word: str) -> list[str]:
    """Spellings a transliterator might produce from `word` (one rule at a time)."""
    out = []
    lower = word.lower()
    for old, new in _SUBSTITUTIONS:
        position = lower.find(old)
        if position > 0 or (position == 0 and old in ("q", "kh", "j", "ou", "u")):
            out.append(word[:position] + _match_case(word[position:position + len(old)], new) + word[position + len(old):])
    dropped = _VOWEL_DROP.sub(r"\1\2", word)
    if dropped != word and len(dropped) >= 4:
        out.append(dropped)
    single = _DOUBLE.sub(r"\1", word)
    if single != word:
        out.append(single)
    return [v for v in dict.fromkeys(out) if v and v != word]


def _match_case(original: str, new: str) -> str:
    return new.capitalize() if original[:1].isupper() else new


def _weighted_spellings(form: NameForm) -> tuple[list[str], list[float]]:
    """Usual spellings weighted by their order, rule variants of the first two rarer."""
    spellings: dict[str, float] = {}
    for i, spelling in enumerate(form.latin):
        spellings[spelling] = spellings.get(spelling, 0) + 1.0 / (i + 1)
    for spelling in form.latin[:2]:
        for variant in spelling_variants(spelling):
            spellings.setdefault(variant, 0.06)
    return list(spellings), list(itertools.accumulate(spellings.values()))


_HAMZA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def _arabic_variant(rng: random.Random, arabic: str) -> str:
    """Spelling differences of Arabic script: hamza seats, ta marbuta, joined abd-compounds."""
    r = rng.random()
    if r < 0.25:
        arabic = arabic.translate(_HAMZA)
    elif r < 0.35:
        arabic = arabic.replace("ة", "ه").replace("ى", "ي")
    if arabic.startswith("عبد ") and rng.random() < 0.3:
        arabic = arabic.replace("عبد ", "عبد", 1)
    return arabic


# ---------------------------------------------------------------------------------------
# Typos.

_LATIN_LETTERS = "abdefhijklmnorstuyz"
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced or two letters swapped."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])
    alphabet = _ARABIC_LETTERS if "\u0600" <= text[i] <= "\u06ff" else _LATIN_LETTERS
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + rng.choice(alphabet) + text[i + 1:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


# ---------------------------------------------------------------------------------------
# People and their records.


@dataclass
class SyntheticPerson:
    truth_id: str
    given: NameForm
    father: NameForm
    grandfather: NameForm | None
    mother: NameForm
    family: NameForm
    family_style: str  # "al" (al-X, written with or without the article), "abu" (Abu X) or "plain"
    kunya_son: NameForm | None
    rank: int | None  # index into RANKS
    birth_year: int
    governorate: int  # index into the place list
    town: int | None
    units: list[str]
    defection: str


@dataclass
class SyntheticSet:
    """Records for link_records, and the truth: record id -> person id."""

    records: list[dict]
    truth: dict[str, str]
    persons: int
    # With reveal=True: record id -> what the record reveals of its person, before spelling
    # noise: "given", "father", "grandfather", "mother", "kunya" (Arabic forms, the keys
    # present only when written), "family" ("<style>:<Arabic form>", always), "birth_year"
    # (as written, so perturbed by 1 in 5% of records) or "age" ([age, year of the age]),
    # "governorate" and "town" (indexes into the place list; a town comes with its
    # governorate), "rank" (index into RANKS as written), "units" (the "number|kind" units
    # written), "event" (the defection-date prefix written).
    revealed: dict[str, dict] | None = None


class _Zipf:
    """Draws list items with weight 1 / rank**s."""

    def __init__(self, items: list, s: float):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(len(items))))

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


class Generator:
    """Holds the prepared name lists; `records(n)` writes n records for new people."""

    def __init__(self, seed: int = 20240601, reveal: bool = False):
        self.rng = random.Random(seed)
        self.reveal = reveal  # keep what each record reveals (self.revealed), see SyntheticSet
        given = _parse(GIVEN_NAMES)
        family = _parse(FAMILY_NAMES)
        self.given = _Zipf(given, 0.9)
        self.female = _Zipf(_parse(FEMALE_NAMES), 0.9)
        # Families: the written list first (most common), then a long tail of Abu <given> and
        # pattern-built names, shuffled; far flatter than given names, as in real lists.
        tail = [(g, "abu") for g in given[:60]] + [(f, "plain") for f in pattern_family_names()]
        random.Random(seed).shuffle(tail)
        self.family = _Zipf([(f, "al") for f in family] + tail, 0.6)
        self.places = []
        for line in PLACES.strip().splitlines():
            governorate, town_list = line.split("|", 2)[:2], line.split("|", 2)[2]
            towns = _parse(town_list.replace(";", "\n"))
            self.places.append((NameForm(governorate[0], tuple(governorate[1].split(","))), towns))
        self._spellings: dict[NameForm, tuple[list[str], list[float]]] = {}
        self._next_person = itertools.count(1)
        self._next_record = itertools.count(1)
        self.revealed: dict[str, dict] = {}

    def spell(self, form: NameForm) -> str:
        spellings = self._spellings.get(form)
        if spellings is None:
            spellings = self._spellings[form] = _weighted_spellings(form)
        names, cum = spellings
        return names[bisect(cum, self.rng.random() * cum[-1])]

    def person(self) -> SyntheticPerson:
        rng = self.rng
        family, style = self.family.draw(rng)
        governorate = rng.randrange(len(self.places))
        towns = self.places[governorate][1]
        birth_year = int(rng.triangular(1950, 2001, 1988))
        units = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            kind = rng.randrange(len(UNIT_KINDS))
            units.append(f"{rng.randrange(1, 160)}|{kind}")
        year = rng.choice((2011, 2012, 2012, 2012, 2013, 2013, 2014, 2015, 2016))
        return SyntheticPerson(
            truth_id=f"t{next(self._next_person)}",
            given=self.given.draw(rng),
            father=self.given.draw(rng),
            grandfather=self.given.draw(rng) if rng.random() < 0.5 else None,
            mother=self.female.draw(rng),
            family=family,
            family_style=style,
            kunya_son=self.given.draw(rng) if rng.random() < 0.2 else None,
            rank=_draw_rank(rng) if rng.random() < 0.8 else None,
            birth_year=birth_year,
            governorate=governorate,
            town=rng.randrange(len(towns)) if rng.random() < 0.7 else None,
            units=units,
            defection=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        )

    def record(self, p: SyntheticPerson) -> dict:
        """What one source writes about person `p`."""
        rng = self.rng
        # What the record reveals of p, kept aside (never in the record) when self.reveal.
        shown: dict = {"family": f"{p.family_style}:{p.family.arabic}"}
        arabic = rng.random() < 0.25
        name = self._arabic_name(p, shown) if arabic else self._latin_name(p, shown)
        if rng.random() < 0.08:
            name = typo(rng, name)
        record: dict = {"id": f"r{next(self._next_record)}", "name": name}
        if p.rank is not None and rng.random() < 0.6:
            index = p.rank
            if rng.random() < 0.08:  # promoted, or written at an earlier rank: the next one by seniority
                step = SENIORITY.index(index) + rng.choice((-1, 1))
                index = SENIORITY[max(0, min(len(RANKS) - 1, step))]
            record["rank"] = RANKS[index][2]
            shown["rank"] = index
        if rng.random() < 0.5:
            record["mother"] = _arabic_variant(rng, p.mother.arabic) if arabic else self.spell(p.mother)
            shown["mother"] = p.mother.arabic
        r = rng.random()
        if r < 0.5:
            record["birth_year"] = p.birth_year + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0)
            shown["birth_year"] = record["birth_year"]
        elif r < 0.75:
            year = rng.randint(2012, 2024)
            record["age"] = year - p.birth_year - rng.randint(0, 1)
            record["age_at"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            shown["age"] = [record["age"], year]
        if rng.random() < 0.75:
            governorate, towns = self.places[p.governorate]
            place = towns[p.town] if p.town is not None and rng.random() < 0.5 else governorate
            record["origin"] = _arabic_variant(rng, place.arabic) if arabic else self.spell(place)
            shown["governorate"] = p.governorate
            if place is not governorate:
                shown["town"] = p.town
        units = [u for u in p.units if rng.random() < 0.35]
        record["units"] = [_unit_name(u) for u in units]
        record["event_dates"] = [p.defection[: rng.choice((4, 7, 10, 10))]] if rng.random() < 0.4 else []
        shown["units"] = units
        if record["event_dates"]:
            shown["event"] = record["event_dates"][0]
        if self.reveal:
            self.revealed[record["id"]] = shown
        return record

    def _latin_name(self, p: SyntheticPerson, shown: dict) -> str:
        rng = self.rng
        parts = [self.spell(p.given)]
        written = {"given": p.given.arabic}
        if rng.random() < 0.85:  # documentation lists usually carry the father's name
            parts.append(self.spell(p.father))
            written["father"] = p.father.arabic
            if p.grandfather and rng.random() < 0.3:
                parts.append(self.spell(p.grandfather))
                written["grandfather"] = p.grandfather.arabic
        family = self.spell(p.family)
        if p.family_style == "abu":
            family = rng.choice(("Abu ", "Abou ", "Abo ")) + family
        elif p.family_style == "al":
            family = rng.choice(("al-", "al-", "al-", "Al-", "el-", "Al ", "")) + family
        if p.kunya_son and rng.random() < 0.3:
            kunya = "Abu " + self.spell(p.kunya_son)
            shown["kunya"] = p.kunya_son.arabic
            if rng.random() < 0.3:  # "Abu X Family": no given or father's name
                return f"{kunya} {family}"
            shown.update(written)
            return f"{' '.join(parts)} {family} ({kunya})"
        shown.update(written)
        style = rng.random()
        if style < 0.08:
            return f"{family.upper()}, {' '.join(parts)}"
        if style < 0.15:
            return f"{' '.join(parts)} {family}".upper()
        return f"{' '.join(parts)} {family}"

    def _arabic_name(self, p: SyntheticPerson, shown: dict) -> str:
        rng = self.rng
        parts = [_arabic_variant(rng, p.given.arabic)]
        shown["given"] = p.given.arabic
        if rng.random() < 0.9:  # Arabic lists usually carry the father's name
            parts.append(_arabic_variant(rng, p.father.arabic))
            shown["father"] = p.father.arabic
            if p.grandfather and rng.random() < 0.4:
                parts.append(_arabic_variant(rng, p.grandfather.arabic))
                shown["grandfather"] = p.grandfather.arabic
        family = _arabic_variant(rng, p.family.arabic)
        if p.family_style == "abu":
            family = "أبو " + family
        elif rng.random() < 0.15 and family.startswith("ال"):
            family = family[2:]
        name = " ".join(parts + [family])
        if p.kunya_son and rng.random() < 0.3:
            name += f" (أبو {_arabic_variant(rng, p.kunya_son.arabic)})"
            shown["kunya"] = p.kunya_son.arabic
        return name

    def records(self, n_records: int) -> SyntheticSet:
        """About n_records records (exactly n) for as many new people as it takes."""
        rng = self.rng
        records: list[dict] = []
        truth: dict[str, str] = {}
        persons = 0
        while len(records) < n_records:
            p = self.person()
            persons += 1
            # Most people are written about once; some by many sources.
            copies = 1 + _heavy_tail(rng, 9) if rng.random() < 0.5 else 1
            for _ in range(min(copies, n_records - len(records))):
                record = self.record(p)
                records.append(record)
                truth[record["id"]] = p.truth_id
        return SyntheticSet(records, truth, persons, self.revealed if self.reveal else None)


def _heavy_tail(rng: random.Random, most: int) -> int:
    """1 usually, more now and then (Pareto), never above `most`."""
    while True:
        k = int(rng.paretovariate(1.6))
        if k <= most:
            return k


def _draw_rank(rng: random.Random) -> int:
    return min(int(rng.expovariate(0.35)), len(RANKS) - 1)


def _unit_name(unit: str) -> str:
    number, kind = unit.split("|")
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} {UNIT_KINDS[int(kind)][0]}"


def generate(n_records: int, seed: int = 20240601, reveal: bool = False) -> SyntheticSet:
    """`n_records` synthetic records with their truth, the same for the same seed (and the
    same with or without `reveal`, which also keeps what each record reveals)."""
    return Generator(seed, reveal).records(n_records)
