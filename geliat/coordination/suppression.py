"""Small-count suppression for the public open-data page.

A count from 1 to ``threshold - 1`` is never published: it shows as "<5" (primary
suppression). Where a table also shows totals, one hidden count could be worked out by
subtracting the others from the total, so every line (a row or a column with its total)
that hides exactly one of its members gets a second hidden one: the smallest non-zero
count left in that line (complementary suppression, shown as "×"). This repeats until no
line hides exactly one, since each new hidden cell may leave a crossing line with one.

Zero is published as 0: it is not a count of people that could single anyone out, and a
complementary cell is never a zero while a non-zero one is available, because hiding
(1, 0) beside a total of 1 would still give the 1 away.
"""

from dataclasses import dataclass, field

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


@dataclass
class Cell:
    value: int
    hidden: str = ""  # "", PRIMARY or COMPLEMENTARY

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if self.hidden == PRIMARY:
            return "<5"
        if self.hidden == COMPLEMENTARY:
            return "×"
        return f"{self.value:,}".replace(",", ".")

    @property
    def csv(self) -> str | int:
        """The cell as written to a downloadable file."""
        return self.display if self.hidden else self.value


@dataclass
class Table:
    """Rows × columns of counts, with a total per row, per column and overall."""

    row_keys: list
    column_keys: list
    cells: dict = field(default_factory=dict)  # (row, column) → Cell
    row_totals: dict = field(default_factory=dict)
    column_totals: dict = field(default_factory=dict)
    total: Cell = field(default_factory=lambda: Cell(0))

    def cell(self, row, column) -> Cell:
        return self.cells[(row, column)]

    def row(self, row) -> list[Cell]:
        return [self.cells[(row, column)] for column in self.column_keys]

    def column_total_list(self) -> list[Cell]:
        return [self.column_totals[column] for column in self.column_keys]


def _primary(cell: Cell, threshold: int) -> None:
    if 0 < cell.value < threshold:
        cell.hidden = PRIMARY


def _lines(table: Table) -> list[list[Cell]]:
    """Each list holds the cells of one line, its total last."""
    lines = [table.row(row) + [table.row_totals[row]] for row in table.row_keys]
    lines += [[table.cells[(row, column)] for row in table.row_keys] + [table.column_totals[column]] for column in table.column_keys]
    lines.append(table.column_total_list() + [table.total])
    lines.append([table.row_totals[row] for row in table.row_keys] + [table.total])
    return lines


def _complement(line: list[Cell]) -> bool:
    """Hide a second member of a line that hides exactly one; True when something changed."""
    if sum(1 for cell in line if cell.hidden) != 1:
        return False
    *members, total = line
    # The smallest non-zero member; else the total; else (all zeros) any member.
    candidates = [cell for cell in members if not cell.hidden and cell.value > 0]
    if not candidates and not total.hidden and total.value > 0:
        candidates = [total]
    if not candidates:
        candidates = [cell for cell in line if not cell.hidden]
    if not candidates:
        return False
    min(candidates, key=lambda cell: cell.value).hidden = COMPLEMENTARY
    return True


def suppress_table(
    counts: dict, *, row_keys: list, column_keys: list, threshold: int = 5, with_totals: bool = True
) -> Table:
    """A :class:`Table` of ``counts[(row, column)]`` with totals, small counts hidden and
    enough others hidden that none can be recovered from the totals by subtraction."""
    table = Table(row_keys=list(row_keys), column_keys=list(column_keys))
    for row in table.row_keys:
        for column in table.column_keys:
            table.cells[(row, column)] = Cell(int(counts.get((row, column), 0)))
    for row in table.row_keys:
        table.row_totals[row] = Cell(sum(cell.value for cell in table.row(row)))
    for column in table.column_keys:
        table.column_totals[column] = Cell(sum(table.cells[(row, column)].value for row in table.row_keys))
    table.total = Cell(sum(cell.value for cell in table.row_totals.values()))
    everything = [*table.cells.values(), *table.row_totals.values(), *table.column_totals.values(), table.total]
    for cell in everything:
        _primary(cell, threshold)
    if with_totals:
        changed = True
        while changed:
            changed = False
            for line in _lines(table):
                changed |= _complement(line)
    return table


def suppress_list(counts: dict, *, keys: list, threshold: int = 5) -> tuple[list[Cell], Cell]:
    """One column of counts with its total: the same rules as a one-column table."""
    table = suppress_table({(key, 0): counts.get(key, 0) for key in keys}, row_keys=keys, column_keys=[0], threshold=threshold)
    return [table.cells[(key, 0)] for key in keys], table.total


def hidden_value(value: int, *, threshold: int = 5) -> Cell:
    """A lone figure with no total beside it: only the primary rule applies."""
    cell = Cell(int(value))
    _primary(cell, threshold)
    return cell
