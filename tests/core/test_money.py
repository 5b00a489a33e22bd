"""Rupiah amounts are read the way people write them, and unreadable ones are refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geliat.core.money import MoneyError, parse_rupiah


@pytest.mark.parametrize(
    ("written", "rupiah"),
    [
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp. 2.000.000,00", 2_000_000),
        ("1,5 juta", 1_500_000),
        ("2,5jt", 2_500_000),
        ("750rb", 750_000),
        ("750 ribu", 750_000),
        ("1.2 M", 1_200_000_000),
        ("0", 0),
        ("", None),
        ("  ", None),
    ],
)
def test_common_ways_of_writing_amounts(written, rupiah):
    assert parse_rupiah(written) == rupiah


@pytest.mark.parametrize("written", ["12,5", "1.50.000", "sejuta", "5 dolar", "-100", "1.5.0"])
def test_ambiguous_or_foreign_amounts_are_refused(written):
    with pytest.raises(MoneyError):
        parse_rupiah(written)


@given(st.integers(min_value=0, max_value=10**13))
def test_thousand_grouping_round_trips(amount):
    dotted = f"{amount:,}".replace(",", ".")
    assert parse_rupiah(dotted) == amount
    assert parse_rupiah(f"Rp {dotted},-") == amount


@given(st.text(max_size=30))
def test_never_raises_anything_but_money_error(text):
    try:
        parse_rupiah(text)
    except MoneyError:
        pass
