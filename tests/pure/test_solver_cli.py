"""CLI tests: ``python -m meetings.solver``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = {
    "slots": 3,
    "coverage_bonus": 0.5,
    "buyers": [{"id": "B1", "capacity": 2}],
    "companies": [{"id": "C1", "capacity": 1}, {"id": "C2", "capacity": 1, "available": [2]}],
    "pairs": [
        {"buyer": "B1", "company": "C1", "score": 0.8},
        {"buyer": "B1", "company": "C2", "score": 0.4},
    ],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "meetings.solver", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_prints_solution_json(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM))
    proc = run(str(path), "--time-limit", "5")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "optimal"
    assert abs(result["objective"] - 2.2) < 1e-9
    assert {(m["company"], m["slot"]) for m in result["meetings"]} >= {("C2", 2)}
    assert set(result) >= {"meetings", "objective", "upper_bound", "status", "stats"}


def test_cli_reads_stdin():
    proc = run("-", stdin=json.dumps(PROBLEM))
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["meetings"]) == 2


def test_cli_invalid_problem_exits_2(tmp_path):
    bad = dict(PROBLEM, pairs=[*PROBLEM["pairs"], {"buyer": "B1", "company": "C9", "score": 1}])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    proc = run(str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pairs[2]: unknown company 'C9'" in lines[0]


def test_cli_malformed_json_exits_2():
    proc = run("-", stdin="{not json")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "JSON" in proc.stderr


def test_cli_missing_file_exits_2(tmp_path):
    proc = run(str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert "nope.json" in proc.stderr
