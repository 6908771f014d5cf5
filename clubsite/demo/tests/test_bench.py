"""The benchmark runs end to end on the demo club: every page answers, its queries are counted, the
comparison table is built. Timings are the benchmark's to measure, never asserted here."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

PAGES = {
    "member dashboard",
    "health history",
    "class timetable",
    "trainer week view",
    'trainer lookup "a"',
    "trainer lookup full name",
    "admin bookings",
    "admin registrations",
    "admin invoices",
}


@pytest.mark.django_db
def test_bench_measures_every_page_and_compares_two_runs(tmp_path):
    call_command("seed_demo", stdout=StringIO())
    output = tmp_path / "small.json"

    call_command("bench", "--label", "small", "--requests", "2", "--output", str(output), stdout=StringIO())

    run = json.loads(output.read_text())
    assert set(run["pages"]) == PAGES
    assert run["scale"]["members"] >= 40
    portal = {name: page for name, page in run["pages"].items() if not name.startswith("admin ")}
    assert {name: page["queries"] <= 10 for name, page in portal.items()} == {name: True for name in portal}
    assert all(page["p95_ms"] >= page["p50_ms"] > 0 for page in run["pages"].values())

    table = StringIO()
    call_command("bench", "--compare", str(output), str(output), stdout=table)

    rows = [line for line in table.getvalue().splitlines() if line.startswith("| ") and "small p50" not in line]
    assert len(rows) == len(PAGES)
    assert all("| 1.00 |" in row for row in rows)
