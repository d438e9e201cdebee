"""Statistical disclosure control of the published tables: no cell under 5 cases, and no hidden
cell that a published total gives away.

A published table is a set of cells and a set of *lines*: additive equations among its cells
(the cells of a row and the row's total, the cells of a column and the column's total, or
"with coordinator + without coordinator = open cases"). ``suppress`` hides

1. every cell under the threshold (primary suppression), then
2. in every line with exactly one hidden cell, one more cell: the smallest shown one
   (secondary, complementary suppression), preferring inner cells to totals,

and repeats 2. until no line has exactly one hidden cell. Then no hidden cell can be worked out
from one equation and the published cells: each line hides none or at least two. Totals are the
true totals (never adjusted), so what is shown stays consistent.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

THRESHOLD = 5
SUPPRESSED = "< 5"


def suppress(
    values: dict[Hashable, int],
    lines: Iterable[Sequence[Hashable]],
    *,
    threshold: int = THRESHOLD,
    totals: Iterable[Hashable] = (),
) -> set[Hashable]:
    """The keys of ``values`` to hide. ``lines`` are groups of keys that add up (the total among
    them); ``totals`` names the keys that are totals, hidden only when nothing else will do."""
    lines = [list(line) for line in lines]
    totals = set(totals)
    hidden = {key for key, value in values.items() if value < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            shown = [key for key in line if key not in hidden]
            if len(line) - len(shown) != 1 or not shown:
                continue
            order = {key: index for index, key in enumerate(line)}
            hidden.add(min(shown, key=lambda key: (key in totals, values[key], order[key])))
            changed = True
    return hidden


def table_lines(rows: int, cols: int, *, row_totals: bool = True, col_totals: bool = True):
    """The keys and lines of a ``rows`` × ``cols`` table with its margins.

    Cells are ``(i, j)``; the row totals ``(i, "T")``, the column totals ``("T", j)`` and the grand
    total ``("T", "T")``. Returns ``(lines, totals)`` for ``suppress``."""
    lines, totals = [], set()
    col_keys = list(range(cols)) + (["T"] if row_totals else [])
    row_keys = list(range(rows)) + (["T"] if col_totals else [])
    if row_totals:
        for i in row_keys:
            lines.append([(i, j) for j in col_keys])
            totals.add((i, "T"))
    if col_totals:
        for j in col_keys:
            lines.append([(i, j) for i in row_keys])
            totals.add(("T", j))
    return lines, totals


def suppress_table(
    matrix: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = True
) -> tuple[dict, set]:
    """A table with its published margins: ``(values, hidden)``, both keyed as ``table_lines``."""
    rows, cols = len(matrix), len(matrix[0]) if matrix else 0
    values = {(i, j): matrix[i][j] for i in range(rows) for j in range(cols)}
    if row_totals:
        for i in range(rows):
            values[(i, "T")] = sum(matrix[i])
    if col_totals:
        for j in range(cols):
            values[("T", j)] = sum(row[j] for row in matrix)
    if row_totals and col_totals:
        values[("T", "T")] = sum(sum(row) for row in matrix)
    lines, totals = table_lines(rows, cols, row_totals=row_totals, col_totals=col_totals)
    return values, suppress(values, lines, totals=totals)
