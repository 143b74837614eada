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
