"""The public open-data page: no login, aggregates only, counts below 5 shown as "<5",
and complementary cells hidden so no small count can be recovered from a total."""

import csv
import io
import itertools
import random
import re
from html import unescape

import pytest

from geliat.coordination.suppression import COMPLEMENTARY, PRIMARY, suppress_table
from geliat.registry.models import AffectedGroup
from tests.coordination.conftest import (
    DAWUHANSENGON,
    GERBO,
    NGADIREJO,
    PURWODADI,
    TUTUR,
    business_at,
)

CRAFT, FOOD, SALON = AffectedGroup.CRAFT, AffectedGroup.FOOD_STALL, AffectedGroup.SALON


def cells(html: str, testid: str, area: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    match = re.search(rf'<tr data-area="{re.escape(area)}">(.*?)</tr>', table, re.S)
    return [
        unescape(" ".join(re.sub(r"<[^>]+>", "", c).split()))
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)
    ]


@pytest.fixture
def registry(matrix):
    """Purwodadi: 12 food stalls (Dawuhansengon) and 3 crafts (Gerbo); Tutur: 9 food stalls, 6 crafts, 2 salons."""
    for _ in range(12):
        business_at(DAWUHANSENGON, group=FOOD)
    for _ in range(3):
        business_at(GERBO, group=CRAFT, name="Anyaman Bu Sumiati")
    for _ in range(9):
        business_at(NGADIREJO, group=FOOD)
    for _ in range(6):
        business_at(NGADIREJO, group=CRAFT)
    for _ in range(2):
        business_at(NGADIREJO, group=SALON, status="waiting")


def test_the_page_needs_no_login_and_holds_no_personal_data(client, registry, refresh):
    """Anonymous visitors get the page; no business name, owner name or NIK appears."""
    refresh()

    response = client.get("/koordinasi/data-terbuka/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Anyaman Bu Sumiati" not in html and "Pemilik Uji" not in html
    assert not re.search(r"\b35\d{14}\b", html)


def test_small_counts_show_as_less_than_five_and_their_complements_are_hidden(client, registry, refresh):
    """Purwodadi's 3 crafts show "<5"; with Purwodadi's total shown, its 12 food stalls are
    hidden too ("×"), and so is another cell of the craft column, so neither can be worked out."""
    refresh()

    html = client.get("/koordinasi/data-terbuka/").content.decode()

    purwodadi = cells(html, "open-crosstab", PURWODADI)
    assert purwodadi[0] == "Purwodadi"
    assert purwodadi[FOOD] == "×" and purwodadi[CRAFT] == "<5"
    assert purwodadi[-1] == "15"
    tutur = cells(html, "open-crosstab", TUTUR)
    assert tutur[SALON] == "<5"
    assert tutur[CRAFT] == "×"  # the craft column's total (9) would otherwise give Purwodadi's 3 away
    assert "3" not in purwodadi[1:-1] and "2" not in tutur[1:-1]


def test_no_line_of_the_published_table_hides_exactly_one_count(client, registry, refresh):
    """Every row and column with a hidden cell hides at least two of its members (total included)."""
    refresh()

    html = client.get("/koordinasi/data-terbuka/").content.decode()

    table = html.split('data-testid="open-crosstab"')[1].split("</table>")[0]
    rows = [
        [unescape(" ".join(re.sub(r"<[^>]+>", "", c).split())) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)][1:]
        for r in re.findall(r"<tr data-area=[^>]*>(.*?)</tr>", table, re.S)
    ]
    hidden = [[value in ("<5", "×") for value in r] for r in rows]
    for line in hidden + [list(column) for column in zip(*hidden, strict=True)]:
        assert sum(line) != 1


def test_the_per_kecamatan_figures_agree_with_the_crosstab(client, registry, refresh):
    """A kecamatan total hidden in one table is hidden in the other, and the CSV says the same."""
    refresh()

    html = client.get("/koordinasi/data-terbuka/").content.decode()

    assert cells(html, "open-areas", PURWODADI)[1] == cells(html, "open-crosstab", PURWODADI)[-1] == "15"
    assert cells(html, "open-areas", "35.14.24")[1] == "0"
    rows = list(csv.reader(io.StringIO(client.get("/koordinasi/data-terbuka/kecamatan-kelompok.csv").content.decode("utf-8-sig"))))
    purwodadi = next(r for r in rows if r[0] == "Purwodadi")
    assert purwodadi[FOOD] == "×" and purwodadi[CRAFT] == "<5" and purwodadi[-1] == "15"


def test_a_small_total_is_itself_hidden(client, registry, refresh):
    """Tutur's 2 salons are the only salons: the salon total "<5" too, everywhere."""
    refresh()

    html = client.get("/koordinasi/data-terbuka/").content.decode()

    salons = html.split('data-testid="open-groups"')[1].split(f'data-group="{SALON}"')[1].split("</tr>")[0]
    assert "<td class=\"num\">&lt;5</td>" in salons


def test_an_unknown_download_is_404(client, registry):
    """Only the published tables can be downloaded; any other name is 404."""
    assert client.get("/koordinasi/data-terbuka/orang.csv").status_code == 404


# ---------------------------------------------------------------- the suppression itself


def _lines(table):
    rows = [table.row(r) + [table.row_totals[r]] for r in table.row_keys]
    columns = [[table.cells[(r, c)] for r in table.row_keys] + [table.column_totals[c]] for c in table.column_keys]
    margins = [table.column_total_list() + [table.total], [table.row_totals[r] for r in table.row_keys] + [table.total]]
    return rows + columns + margins


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_leave_a_hidden_count_recoverable_by_subtraction(seed):
    """On random sparse tables: every count 1-4 is hidden, no line hides exactly one member,
    complementary cells are never zero while a non-zero one was there to hide, and nothing
    else is hidden."""
    rng = random.Random(seed)
    rows, columns = list(range(rng.randint(1, 6))), list(range(rng.randint(1, 6)))
    counts = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]) for r, c in itertools.product(rows, columns)}

    table = suppress_table(counts, row_keys=rows, column_keys=columns)

    everything = [*table.cells.values(), *table.row_totals.values(), *table.column_totals.values(), table.total]
    assert all(cell.hidden == PRIMARY for cell in everything if 0 < cell.value < 5)
    assert all(cell.hidden != PRIMARY for cell in everything if cell.value == 0 or cell.value >= 5)
    for line in _lines(table):
        assert sum(1 for cell in line if cell.hidden) != 1
    assert str(next(iter(table.cells.values()))) in {"<5", "×"} | {f"{v}" for v in counts.values()}


def test_a_lone_small_cell_beside_zeros_hides_its_total():
    """Row (3, 0, 0) with total 3: the total is small itself, so both are "<5", and the zeros stay."""
    table = suppress_table({(0, 0): 3, (0, 1): 0, (0, 2): 0}, row_keys=[0], column_keys=[0, 1, 2])

    assert [cell.display for cell in table.row(0)] == ["<5", "0", "0"]
    assert table.row_totals[0].display == "<5"


def test_the_complement_is_the_smallest_non_zero_cell():
    """(2, 0, 9, 40) with total 51: the 9 is hidden beside the 2, not the 0 or the 40."""
    table = suppress_table({(0, 0): 2, (0, 1): 0, (0, 2): 9, (0, 3): 40}, row_keys=[0], column_keys=[0, 1, 2, 3])

    assert [cell.hidden for cell in table.row(0)] == [PRIMARY, "", COMPLEMENTARY, ""]
    assert table.row_totals[0].display == "51"
