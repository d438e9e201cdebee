"""Suppression: every cell under 5 is hidden, and no hidden cell can be worked out from one row
or column equation with the published cells (property test over random tables)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rapporter.suppression import suppress, suppress_table, table_lines


def _derivable(values, lines, hidden):
    """Hidden keys that one equation gives away: a line with exactly one hidden member."""
    return [next(k for k in line if k in hidden) for line in lines if sum(k in hidden for k in line) == 1]


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(tables, st.booleans(), st.booleans())
def test_random_tables_hide_small_and_derivable_cells(matrix, row_totals, col_totals):
    values, hidden = suppress_table(matrix, row_totals=row_totals, col_totals=col_totals)
    lines, _totals = table_lines(len(matrix), len(matrix[0]), row_totals=row_totals, col_totals=col_totals)
    assert all(key in hidden for key, value in values.items() if value < 5)
    assert not _derivable(values, lines, hidden)
    # The published totals are the true ones: hidden cells are only hidden, never changed.
    for i, row in enumerate(matrix):
        if row_totals:
            assert values[(i, "T")] == sum(row)


def test_a_single_small_cell_takes_its_smallest_neighbours_with_it():
    # | 20  3 | 23        3 is hidden (primary); then 20 in its row is the only other cell
    # | 30 40 | 70        (totals are hidden last), and 40 in its column; then 30 (column 0).
    # | 50 43 | 93
    values, hidden = suppress_table([[20, 3], [30, 40]])
    assert (0, 1) in hidden and (0, 0) in hidden
    assert (1, 1) in hidden and (1, 0) in hidden
    assert ("T", "T") not in hidden and (0, "T") not in hidden


def test_nothing_small_hides_nothing():
    _values, hidden = suppress_table([[10, 12], [30, 40]])
    assert hidden == set()


def test_part_and_whole():
    # 10 open cases, 8 with a coordinator: the 2 without would be derivable, so 8 is hidden.
    hidden = suppress({"open": 10, "with": 8, "without": 2}, [["with", "without", "open"]], totals={"open"})
    assert hidden == {"without", "with"}
