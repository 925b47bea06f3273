import unicodedata

import confusables
import pytest

from cleannet.engines.lookalike.text import (
    fold_keyword,
    fold_label,
    fold_vietnamese,
    is_mixed_script,
    load_confusables,
    registry_allows_idn,
    skeleton,
    visual_fold,
)


def _package_table() -> dict[str, str]:
    path = confusables.__file__.rsplit("/", 1)[0] + "/assets/confusables.txt"
    table = {}
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            parts = line.split(";")
            if len(parts) >= 3 and parts[2].strip().startswith("MA"):
                source = "".join(chr(int(x, 16)) for x in parts[0].split())
                table[source] = "".join(chr(int(x, 16)) for x in parts[1].split())
    return table


def test_it_ships_the_same_table_as_the_confusables_package():
    ours = load_confusables()
    theirs = _package_table()
    assert len(ours) == len(theirs) > 6000
    for source in list(theirs)[::97]:
        assert ours[source] == theirs[source]


def test_it_agrees_with_the_confusables_package_on_lookalike_pairs():
    for fake in ["vietcornbank", "vietcombаnk", "vıetcombank"]:
        assert confusables.is_confusable(fake, "vietcombank")
        assert visual_fold(fold_vietnamese(skeleton(fake))) == "vietcombank"


def test_the_skeleton_follows_uts39():
    assert skeleton("m") == "rn"
    assert skeleton("1") == "l"
    assert skeleton("đ") == unicodedata.normalize("NFD", "d\u0335")


def test_it_drops_vietnamese_marks_and_maps_d_with_stroke():
    assert fold_vietnamese("Điện lực") == "dien luc"
    assert fold_vietnamese("viẹtcombank") == "vietcombank"


def test_the_visual_fold_merges_latin_lookalikes():
    assert visual_fold("vietc0mbank") == "vietcombank"
    assert visual_fold("vvinner") == "winner"
    assert visual_fold("clone") == "done"
    assert visual_fold("paypa1") == "paypal"
    assert visual_fold("vietinbank") == "vietinbank"


@pytest.mark.parametrize(
    ("label", "plain", "marks", "lookalike"),
    [
        ("viẹtcombank", "vietcombank", True, False),
        ("vietcombаnk", "vietcombаnk", False, True),
        ("ｖｉｅｔｃｏｍｂａｎｋ", "vietcombank", False, False),
    ],
)
def test_it_folds_a_label_to_what_it_looks_like(label, plain, marks, lookalike):
    folded = fold_label(label)
    assert folded.plain == plain
    assert folded.looks == "vietcombank"
    assert (folded.marks, folded.confusables) == (marks, lookalike)


def test_it_folds_keywords_to_ascii_words():
    assert fold_keyword("Thế Giới Di Động") == "thegioididong"
    assert fold_keyword("VCB") == "vcb"


def test_it_flags_latin_mixed_with_cyrillic_but_not_vietnamese():
    assert is_mixed_script("vietcombаnk")
    assert not is_mixed_script("viẹtcombank")
    assert not is_mixed_script("пример")


def test_the_vn_registry_issues_vietnamese_idn_only_directly_under_vn():
    assert registry_allows_idn("điệnlực", "vn")
    assert not registry_allows_idn("điệnlực", "com.vn")
    assert not registry_allows_idn("vietcombаnk", "vn")
    assert registry_allows_idn("bücher", "de")
