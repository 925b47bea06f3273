import pytest

from cleannet.core.errors import ParseError
from cleannet.engines.lookalike.brands_csv import BUNDLED_BRANDS, load_brands

HEADER = "brand,name,official_domains,keywords\n"


def test_it_reads_brands_with_normalised_domains_and_folded_keywords():
    text = (
        HEADER + "tgdd,Thế Giới Di Động,TheGioiDiDong.com; dienmayxanh.com.,Thế Giới Di Động;TGDD\n"
    )
    brands, errors = load_brands(text)
    assert errors == []
    (brand,) = brands
    assert brand.key == "tgdd"
    assert brand.official_domains == ("thegioididong.com", "dienmayxanh.com")
    assert brand.keywords == ("thegioididong", "tgdd")


def test_it_keeps_an_official_host_as_given_not_cut_to_registrable():
    brands, _ = load_brands(HEADER + "x,X,ebanking.example.vn,examplebank\n")
    assert brands[0].official_domains == ("ebanking.example.vn",)


def test_keywords_default_to_the_first_label_of_each_domain():
    brands, _ = load_brands(HEADER + "x,X,examplebank.com.vn;exb.vn,\n")
    assert brands[0].keywords == ("examplebank", "exb")


def test_bad_rows_are_refused_naming_the_row_and_field():
    text = HEADER + (
        "ok,OK,ok.vn,ok\n"
        "Bad Key,X,x.vn,x\n"
        "nodomain,X,,x\n"
        "baddomain,X,exa mple.com,x\n"
        "ok,Again,ok2.vn,ok\n"
        "marks,X,x.vn,---\n"
    )
    brands, errors = load_brands(text)
    assert [brand.key for brand in brands] == ["ok"]
    assert [(e.row, e.field) for e in errors] == [
        (3, "brand"),
        (4, "official_domains"),
        (5, "official_domains"),
        (6, "brand"),
        (7, "keywords"),
    ]
    assert "repeats" in errors[3].reason


def test_a_file_without_the_header_is_unusable():
    with pytest.raises(ParseError, match="header lacks"):
        load_brands("key,name\nx,y\n")


def test_a_missing_file_is_unusable(tmp_path):
    with pytest.raises(ParseError, match="cannot be read"):
        load_brands(tmp_path / "absent.csv")


def test_it_reads_a_file_with_a_bom(tmp_path):
    path = tmp_path / "brands.csv"
    path.write_text("\ufeff" + HEADER + "x,X,x.vn,xbank\n", encoding="utf-8")
    brands, errors = load_brands(path)
    assert [b.key for b in brands] == ["x"] and errors == []


def test_the_bundled_vietnamese_brands_load_without_errors():
    brands, errors = load_brands(BUNDLED_BRANDS)
    assert errors == []
    assert len(brands) >= 90
    keys = {brand.key for brand in brands}
    assert {"vietcombank", "bidv", "momo", "evn", "viettel", "shopee", "vnpost"} <= keys
    evn = next(brand for brand in brands if brand.key == "evn")
    assert {"evnhanoi.vn", "evnhcmc.vn", "evnspc.vn", "evncpc.vn", "evnnpc.vn"} <= set(
        evn.official_domains
    )
