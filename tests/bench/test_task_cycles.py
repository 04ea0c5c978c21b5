"""``python -m bench.task_cycles`` runs and reports both loops and their difference."""

from __future__ import annotations

import re

import pytest

from bench.task_cycles import main


def test_reports_the_cost_per_task_with_and_without_the_factory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["--tasks", "2000", "--rounds", "1"])
    rows = capsys.readouterr().out.splitlines()
    number = r"[+-]?\d+\.\d\d"
    assert re.fullmatch(rf"\| off \| {number} \| {number} \|", rows[2]), rows
    assert re.fullmatch(rf"\| on \| {number} \| {number} \|", rows[3]), rows
    off, on, difference = ([float(v) for v in re.findall(number, row)] for row in rows[2:5])
    assert difference == pytest.approx([on[0] - off[0], on[1] - off[1]], abs=0.011)
