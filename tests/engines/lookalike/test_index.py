from cleannet.engines.lookalike.index import BrandIndex
from cleannet.engines.lookalike.model import Brand

BRANDS = [
    Brand(
        "vietcombank", "Vietcombank", ("vietcombank.com.vn", "vcbs.com.vn"), ("vietcombank", "vcb")
    ),
    Brand("sendo", "Sendo", ("sendo.vn",), ("sendo",)),
    Brand("acb", "ACB", ("acb.com.vn",), ("acb",)),
]


def test_it_finds_the_owner_of_an_official_name_or_a_name_below_it():
    index = BrandIndex(BRANDS)
    assert index.official_owner("vcbs.com.vn") == "vietcombank"
    assert index.official_owner("ebanking.vietcombank.com.vn") == "vietcombank"
    assert index.official_owner("vietcombank.com.vn.evil.ru") is None
    assert index.official_owner("myvietcombank.com.vn") is None


def test_it_finds_every_keyword_and_official_name_in_one_pass():
    index = BrandIndex(BRANDS)
    found = {
        (f.brand, f.token, f.kind) for f in index.find("vcb.vietcombank.com.vn-x.xyz", folded=False)
    }
    assert ("vietcombank", "vcb", "keyword") in found
    assert ("vietcombank", "vietcombank", "keyword") in found
    assert ("vietcombank", "vietcombank.com.vn", "official") in found


def test_folded_forms_match_only_when_asked():
    index = BrandIndex(BRANDS)
    assert not list(index.find("vietc0mbank", folded=False))
    assert [f.token for f in index.find("vietcombank", folded=True)] == ["vietcombank"]


def test_the_deletion_index_finds_typos_within_the_bound():
    index = BrandIndex(BRANDS)
    assert [(s.brand, s.distance) for s in index.similar("vietcombak")] == [("vietcombank", 1.0)]
    assert [s.brand for s in index.similar("vietconbak")] == ["vietcombank"]  # sub + deletion
    assert [s.brand for s in index.similar("vietcmbnk")] == ["vietcombank"]  # two deletions
    assert index.similar("vietconbanc") == ()  # two substitutions: the documented blind spot
    assert index.similar("vietcbnk") == ()  # 3 deletions
    assert [s.brand for s in index.similar("sendu")] == ["sendo"]
    assert index.similar("sindu") == ()  # 5-letter keywords allow only 1


def test_short_keywords_have_no_typo_neighbours():
    index = BrandIndex(BRANDS)
    assert index.similar("acd") == ()
    assert index.similar("vietcombank") == ()


def test_an_index_of_no_brands_finds_nothing():
    index = BrandIndex([])
    assert list(index.find("vietcombank.com", folded=True)) == []
    assert index.official_owner("vietcombank.com.vn") is None


def test_keywords_of_six_letters_allow_two_edits_that_keep_their_length():
    index = BrandIndex([Brand("tpbank", "TPBank", ("tpb.vn",), ("tpbank", "tpb"))])
    assert [s.distance for s in index.similar("tpbxnk")] == [1.0]
    assert [(s.keyword, s.keeps) for s in index.similar("tpbnrk")] == [("tpbank", "tpb")]
    assert [s.keeps for s in index.similar("tpaxnk")] == [""]  # two edits, same length
    assert index.similar("peban") == ()  # two edits and shorter: too little in common


def test_an_official_name_cut_at_its_suffix_is_found():
    index = BrandIndex(BRANDS)
    found = {(f.token, f.kind) for f in index.find("acb.com-ab.to", folded=False)}
    assert ("acb.com.vn", "official") in found
    assert not [f for f in index.find("acb.community.org", folded=False) if f.kind == "official"]
