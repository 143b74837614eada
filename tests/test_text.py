from tawthiq.text import fold, fold_arabic, fold_latin, script_of


def test_arabic_alef_hamza_ta_marbuta_maqsura_diacritics_tatweel_fold_together():
    assert fold_arabic("أحمد") == fold_arabic("احمد") == fold_arabic("إحمد")
    assert fold_arabic("درعا") == fold_arabic("دَرْعَا")
    assert fold_arabic("حماة") == fold_arabic("حماه")
    assert fold_arabic("مصطفى") == fold_arabic("مصطفي")
    assert fold_arabic("محـــمد") == "محمد"
    assert fold_arabic("مسؤول") == fold_arabic("مسوول")


def test_latin_case_and_diacritics_fold():
    assert fold_latin("Ḥamāh") == "hamah"
    assert fold("Dûma AL-Ṣanamayn") == "duma al-sanamayn"


def test_script_of():
    assert script_of("معاذ الصمادي") == "arabic"
    assert script_of("Moath al-Smadi") == "latin"
