from cleannet.engines.lookalike.lexicon import Lexicon, squeeze


def test_squeeze_cuts_every_doubled_letter_to_one():
    assert squeeze("vviietcombankk") == "vietcombank"
    assert squeeze("abc-xyz") == "abc-xyz"


def test_it_cuts_a_chunk_into_lure_and_ordinary_words():
    parsed = Lexicon().parse("khachhangthevisa")
    assert parsed.words == ("khachhang", "the", "visa")
    assert (parsed.unknown, parsed.strong) == (0, True)
    assert Lexicon().parse("shopfreefire").strong is False


def test_it_counts_the_letters_no_word_explains():
    assert Lexicon().parse("wiki").unknown == 4
    assert Lexicon().parse("estbank").words == ("bank",)
    assert Lexicon().parse("estbank").unknown == 3


def test_it_forgives_doubled_letters_and_one_slip_in_longer_words():
    assert Lexicon().parse("bankk").words == ("bank",)
    assert Lexicon().parse("smort").words == ("smart",)
    assert Lexicon().parse("smrt").words == ("smart",)
    assert Lexicon().parse("onlniie").words == ("online",)
    assert Lexicon().parse("smxyzt").unknown == 6  # too far from any word


def test_numbers_and_plurals_are_no_unknown_letters():
    assert Lexicon().parse("vn2023").unknown == 0
    assert Lexicon().parse("cards").words == ("cards",)
    assert Lexicon().parse("vns").words == ("vns",)


def test_words_of_the_lexicon_are_never_typos():
    lexicon = Lexicon()
    assert lexicon.is_word("arena")
    assert not lexicon.is_word("garena")


def test_custom_strong_lures_replace_the_default_ones():
    lexicon = Lexicon(strong_lures={"zzqq"})
    assert lexicon.parse("zzqq").strong
    assert not lexicon.parse("xacminh").strong
