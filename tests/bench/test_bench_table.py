"""The README's benchmark table is generated from a bench JSON report, never typed."""

import json
from pathlib import Path

import pytest

from bench.management.commands.bench_table import DEFAULT_REPORT, END, START, readme_with, render

README = Path(__file__).resolve().parents[2] / "README.md"

REPORT = {
    "when": "2026-12-03T12:00:00",
    "machine": {"name": "bench-host", "cpus": 2, "python": "3.11.7"},
    "data": {"cases": 100000, "tasks": 1000000, "municipalities": 98},
    "requests_per_page": 200,
    "pages": [
        {
            "name": "layout list",
            "queries": 4,
            "inproc_ms": {"p50": 10.0, "p95": 12.0, "p99": 13.0},
            "http_ms": {"p95": 12.5},
            "ratio_to_layout": 1.0,
            "verdict": "reference",
            "missing": "",
        },
        {
            "name": "My tasks",
            "queries": 6,
            "inproc_ms": {"p50": 20.0, "p95": 30.0, "p99": 33.0},
            "http_ms": {},
            "ratio_to_layout": 2.5,
            "verdict": "2.5x layout list > 2.0x",
            "missing": "",
        },
    ],
    "throughput_rps": {"floor": 500.0, "My tasks": 120.0},
    "throughput_ratio_to_floor": {"floor": 1.0, "My tasks": 0.24},
    "throughput_targets": {"My tasks": {"ratio_to_floor_at_least": 0.216, "met": True}},
    "reminder_scan": {"target": "under 10 s and 300 MB", "first": {"seconds": 8.1, "peak_rss_mb": 140}},
}


def test_table_holds_every_page_and_the_machine():
    table = render(REPORT)
    assert "`bench-host` (2 cores" in table
    assert "| My tasks | 6 | 20.0 | 30.0 | 33.0 | – | 2.5 | 2.5x layout list > 2.0x |" in table
    assert "| layout list | 4 | 10.0 | 12.0 | 13.0 | 12.5 | 1.0 | reference |" in table
    assert "My tasks: 0.24 of the floor's throughput (target at least 0.216): met." in table
    assert "Reminder scan (first): 8.1 s, peak 140 MB" in table


def test_readme_section_is_replaced_and_nothing_else():
    readme = f"intro\n{START}\nold table\n{END}\noutro\n"
    assert readme_with(readme, "new table\n") == f"intro\n{START}\nnew table\n{END}\noutro\n"


def test_readme_table_is_the_recorded_national_run():
    text = README.read_text()
    assert START in text and END in text
    if not DEFAULT_REPORT.exists():
        pytest.skip("no national run recorded in docs/bench/national.json")
    assert readme_with(text, render(json.loads(DEFAULT_REPORT.read_text()))) == text
