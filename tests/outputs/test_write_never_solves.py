"""Writing outputs never plans: every solver entry point raises while ``write_outputs`` runs."""

from __future__ import annotations

import sys

import pytest

import planner.budget
import planner.plan
import planner.steiner
from planner.outputs import write_outputs


class SolvedWhileWriting(AssertionError):
    pass


def _forbid_everywhere(monkeypatch: pytest.MonkeyPatch, func: object) -> int:
    """Replace every reference to ``func`` held by a loaded planner module with a raiser; return how many."""
    def boom(*_a: object, **_k: object) -> None:
        raise SolvedWhileWriting(f"{getattr(func, '__name__', func)} called while writing outputs")

    n = 0
    for name, module in list(sys.modules.items()):
        if not (name == "planner" or name.startswith("planner.")) or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if value is func:
                monkeypatch.setattr(module, attr, boom)
                n += 1
    return n


def test_write_outputs_calls_no_solver(bontang_plan, bontang_target, same_method_table, tmp_path, monkeypatch):
    import planner.studies.same_method

    entry_points = [planner.plan.make_plan, planner.steiner.steiner_tree, planner.budget.solve_budget,
                    planner.studies.same_method.compare_areas]
    patched = sum(_forbid_everywhere(monkeypatch, f) for f in entry_points)
    assert patched >= len(entry_points)
    out = write_outputs(bontang_plan, tmp_path / "out", target=bontang_target, same_method=same_method_table)
    assert (out / "map.html").exists() and (out / "map_compare.html").exists() and (out / "rab.xlsx").exists()
    assert (out / "same_method.csv").exists()  # the comparison the caller ran is written, not run again
    with pytest.raises(SolvedWhileWriting):  # the patch is live: a solve would have been caught
        planner.plan.make_plan(bontang_plan.city)


def test_without_a_target_there_is_no_comparison_page(bontang_plan, tmp_path, monkeypatch):
    _forbid_everywhere(monkeypatch, planner.plan.make_plan)
    out = write_outputs(bontang_plan, tmp_path / "out")
    assert (out / "map.html").exists() and not (out / "map_compare.html").exists()
