"""Business size follows PP 7/2021's capital and sales ceilings."""

import pytest

from geliat.registry.sizing import business_size

JUTA = 1_000_000


@pytest.mark.parametrize(
    ("capital", "sales", "size"),
    [
        (None, None, ""),
        (50 * JUTA, None, "mikro"),
        (1_000 * JUTA, None, "mikro"),
        (1_000 * JUTA + 1, None, "kecil"),
        (5_000 * JUTA + 1, None, "menengah"),
        (10_000 * JUTA + 1, None, "besar"),
        (None, 2_000 * JUTA, "mikro"),
        (None, 2_000 * JUTA + 1, "kecil"),
        (None, 15_000 * JUTA + 1, "menengah"),
        (None, 50_000 * JUTA + 1, "besar"),
        # Small capital but sales beyond the micro ceiling: no longer micro.
        (100 * JUTA, 3_000 * JUTA, "kecil"),
    ],
)
def test_size_from_capital_and_sales(capital, sales, size):
    assert business_size(capital=capital, annual_sales=sales) == size
