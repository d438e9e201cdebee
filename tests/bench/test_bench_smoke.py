"""`make bench` smoke: the data generator and the runner work, and page query counts do not grow
with the data (measured on two data sizes)."""

import io
import json

import pytest
from django.core.management import call_command

from borgerforloeb.models import Case, CoordinatorAssignment, Task

PAGES_WITH_FIXED_QUERIES = [
    "My cases",
    "My tasks",
    "case detail",
    "case timeline",
    "municipality overview",
    "offer search",
    "HSDS services list",
    "admin case changelist",
    "offer picker",
    "offer suggestions",
    "Det skal jeg",
]


def run_bench(tmp_path, name):
    out = tmp_path / name
    call_command(
        "bench", "--requests", "3", "--no-http", "--no-scan", "--output", str(out), stdout=io.StringIO()
    )
    report = json.loads((out / "latest.json").read_text())
    return {page["name"]: page for page in report["pages"]}


@pytest.fixture
def bench_mode(settings):
    """What BENCH_MODE=1 loads at start-up: the bench app (its commands) and its floor URL."""
    settings.BENCH_MODE = True
    if "bench" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
    settings.ROOT_URLCONF = "tests.bench.urls"


@pytest.mark.django_db(transaction=True)
def test_bench_data_and_runner_smoke(tmp_path, bench_mode):
    call_command(
        "bench_data",
        "--small",
        "--cases",
        "40",
        "--users",
        "300",
        "--organisations",
        "150",
        "--offers",
        "30",
        stdout=io.StringIO(),
    )
    assert Case.objects.count() == 40
    assert Task.objects.count() == 400
    # Exactly one active coordinator per case, with a history behind it.
    assert CoordinatorAssignment.objects.filter(ended_at__isnull=True).count() == 40
    assert CoordinatorAssignment.objects.count() == 80
    small = run_bench(tmp_path, "small")

    call_command(
        "bench_data",
        "--reset",
        "--small",
        "--cases",
        "400",
        "--users",
        "300",
        "--organisations",
        "150",
        "--offers",
        "300",
        stdout=io.StringIO(),
    )
    large = run_bench(tmp_path, "large")

    for name in PAGES_WITH_FIXED_QUERIES:
        if small[name]["missing"]:
            pytest.fail(f"{name} could not be measured: {small[name]['missing']}")
        assert small[name]["queries"] == large[name]["queries"], name
    assert small["floor"]["queries"] <= 6
    assert large["case detail"]["explain"].startswith(
        (
            "Limit",
            "Sort",
            "Nested",
            "Index",
            "Seq",
            "Hash",
            "Aggregate",
            "Unique",
            "Result",
            "Merge",
            "Gather",
        )
    )
