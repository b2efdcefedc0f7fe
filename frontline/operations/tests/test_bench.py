"""`frontline bench core` end to end, in a subprocess.

The bench points the default connection at a database of its own with Django's test
database machinery. Inside a pytest-django test that connection already belongs to the test
database (on SQLite an in-memory one, which closing would destroy), so the bench runs as its
own process, exactly as an operator runs it, against whatever DATABASE_URL this run uses.
"""

import json
import os
import subprocess
import sys

import pytest

KEYS = {"bench", "metric", "value", "unit", "n", "db", "tickets"}
METRICS = {
    "create_service_per_s",
    "create_api_per_s",
    "inbox_first_page_p50_ms",
    "inbox_first_page_p95_ms",
    "api_first_page_p95_ms",
    "ticket_read_p95_ms",
    "customer_tickets_p95_ms",
    "inbox_page_p95_ms",
    "ticket_page_p95_ms",
    "inbox_sorted_page_p95_ms",
    "supervisor_page_p95_ms",
}


def _bench(tmp_path, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "frontline.settings"}
    env.setdefault("FRONTLINE_DATA_DIR", str(tmp_path))
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "django", "bench", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_bench_core_prints_every_figure_as_a_json_line(tmp_path):
    result = _bench(tmp_path, "core", "--tickets", "300", "--requests", "5")

    assert result.returncode == 0, result.stderr
    figures = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(figure) == KEYS for figure in figures)
    by_name = {figure["metric"]: figure for figure in figures}
    assert set(by_name) >= METRICS
    assert "load_tickets_per_s" in by_name
    assert all(by_name[name]["value"] > 0 for name in METRICS)
    assert {figure["bench"] for figure in figures} == {"core"}
    assert {figure["tickets"] for figure in figures} == {300}
    assert {figure["db"] for figure in figures} <= {"sqlite", "postgresql"}


def test_bench_needs_a_suite(tmp_path):
    result = _bench(tmp_path)

    assert result.returncode != 0
    assert "core" in result.stderr


SEARCH_METRICS = {
    "ticket_search_p50_ms",
    "ticket_search_p95_ms",
    "ticket_search_team_p95_ms",
    "ticket_search_all_p95_ms",
    "kb_search_p50_ms",
    "kb_search_p95_ms",
    "index_docs_per_s",
    "index_build_docs_per_s",
    "load_tickets_per_s",
}


@pytest.mark.slow
def test_bench_search_prints_its_fixed_figures(tmp_path):
    result = _bench(tmp_path, "search", "--tickets", "300", "--articles", "40", "--queries", "12")

    assert result.returncode == 0, result.stderr
    figures = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {figure["metric"]: figure for figure in figures}
    assert set(by_name) >= SEARCH_METRICS
    assert all(figure["value"] > 0 for figure in figures)
    assert {figure["bench"] for figure in figures} == {"search"}
    assert {figure["tickets"] for figure in figures} == {300}
    assert by_name["ticket_search_p95_ms"]["n"] == 12


AUTOMATION_METRICS = {
    "updates_per_s_no_rules",
    "updates_per_s_200_rules",
    "rule_cost_p95_ms",
    "inbound_msgs_per_s",
}


@pytest.mark.slow
def test_bench_automation_prints_its_fixed_figures(tmp_path):
    result = _bench(
        tmp_path,
        "automation",
        *("--tickets", "40", "--background", "50", "--updates", "60", "--messages", "30"),
    )

    assert result.returncode == 0, result.stderr
    figures = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {figure["metric"]: figure for figure in figures}
    assert set(by_name) >= AUTOMATION_METRICS
    assert all(set(figure) == KEYS for figure in figures)
    assert by_name["updates_per_s_200_rules"]["value"] > 0
    assert by_name["updates_per_s_no_rules"]["value"] > 0
    assert by_name["rule_cost_p95_ms"]["n"] == 60
    assert by_name["inbound_msgs_per_s"]["value"] > 0
    assert by_name["inbound_msgs_per_s"]["n"] == 30
    assert {figure["bench"] for figure in figures} == {"automation"}
