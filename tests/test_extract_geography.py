from tawthiq.extract.rules.geography import locate_place


def test_a_town_is_filed_under_its_governorate():
    assert locate_place("Nawa") == ("place", "Daraa")


def test_an_unknown_village_before_a_known_governorate_is_a_place_in_it():
    assert locate_place("Samad in eastern Daraa") == ("place", "Daraa")


def test_facilities_and_arabic_spellings():
    assert locate_place("Sednaya prison")[0] == "facility"
    assert locate_place("درعا") == ("governorate", "Daraa")


def test_nothing_known_is_none():
    assert locate_place("somewhere in the desert") is None
    assert locate_place("") is None


def test_arabic_letters_written_either_way_are_one_spelling():
    # ة written ه and ى written ي, as lists often do.
    assert locate_place("الرقه") == ("governorate", "Raqqa")
    assert locate_place("نوي") == ("place", "Daraa")
