from cleannet.engines.lookalike.keyboard import are_neighbours, typo_distance


def test_it_knows_neighbouring_keys():
    assert are_neighbours("n", "m")
    assert are_neighbours("q", "w")
    assert not are_neighbours("q", "p")


def test_neighbouring_keys_cost_half_an_edit():
    assert typo_distance("vietcombank", "vietcomnank") == 0.5  # b -> n
    assert typo_distance("vietcombank", "vietcompank") == 1.0  # b -> p: not neighbours


def test_a_swap_and_a_doubled_letter_cost_half():
    assert typo_distance("vietcmobank", "vietcombank") == 0.5
    assert typo_distance("shopeee", "shopee") == 0.5
    assert typo_distance("vietcombak", "vietcombank") == 1.0


def test_it_stops_early_past_the_limit():
    assert typo_distance("abcdefgh", "zyxwvuts", 2.0) == 3.0
