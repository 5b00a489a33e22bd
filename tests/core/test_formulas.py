"""Text a spreadsheet would run as a formula is neutralised; numbers are left as numbers."""

from hypothesis import given
from hypothesis import strategies as st

from geliat.core.formulas import FORMULA_STARTS, neutralise

dangerous = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text())
harmless = st.text().filter(lambda text: not text.startswith(FORMULA_STARTS))


@given(dangerous)
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    """=, +, -, @, tab and CR at the start: the cell shows as text, with the original after the apostrophe."""
    assert neutralise(text) == "'" + text


@given(harmless)
def test_other_text_is_unchanged(text):
    assert neutralise(text) == text


@given(st.integers() | st.floats(allow_nan=False))
def test_numbers_stay_numbers(number):
    """A negative amount is a number, not a formula: it is written as a number."""
    assert neutralise(number) == number
    assert type(neutralise(number)) is type(number)
