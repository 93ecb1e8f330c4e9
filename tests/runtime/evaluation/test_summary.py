"""The summary of judged cells, as a prompt engineer reads it: ratios with n and intervals,
disputed cells left out, tasks from tags, the winner (or a tie) and paired comparisons."""

from __future__ import annotations

import pytest

from runtime.evaluation.summary import UNTAGGED, JudgedCell, experiment_summary

VARIANTS = [(1, "A"), (2, "B")]


def cells(rows: dict[str, tuple[list[str], bool | None, bool | None]]) -> list[JudgedCell]:
    out = []
    for row, (tags, a, b) in rows.items():
        out.append(JudgedCell(row=row, variant=1, tags=tags, good=a, by="evaluator", cost=0.01, latency_ms=100.0))
        out.append(JudgedCell(row=row, variant=2, tags=tags, good=b, by="human", cost=0.02, latency_ms=300.0))
    return out


def test_ratios_tasks_winner_and_paired_comparison():
    summary = experiment_summary(VARIANTS, cells({
        "r1": (["math"], True, True), "r2": (["math"], False, True), "r3": (["geo"], True, False),
        "r4": ([], False, True), "r5": (["math"], None, True),
    }))

    a, b = summary["variants"]
    assert (a["good"], a["n"], b["good"], b["n"]) == (2, 4, 4, 5)
    assert b["judged_by_humans"] == 5 and a["judged_by_evaluator"] == 5
    assert a["cost_per_cell"] == pytest.approx(0.01) and b["latency_p50_ms"] == 300.0
    assert summary["best_variant_id"] == 2 and not summary["tied"]
    comparison = summary["comparisons"][0]
    assert (comparison["pairs"], comparison["difference"]) == (4, 0.25)  # r5 has no verdict for A
    assert [t["task"] for t in summary["tasks"]] == ["geo", "math", UNTAGGED]
    geo = summary["tasks"][0]
    assert geo["best_variant_id"] == 1 and geo["variants"]["1"]["ratio"] == 1.0


def test_a_tie_is_said_and_disputed_cells_stay_out_of_n():
    judged = cells({"r1": (["t"], True, True), "r2": (["t"], False, False)})
    judged.append(JudgedCell(row="r3", variant=1, tags=["t"], good=None, disputed=True, by="human"))

    summary = experiment_summary(VARIANTS, judged)

    assert summary["tied"] and summary["tasks"][0]["tied"]
    assert summary["variants"][0]["n"] == 2 and summary["variants"][0]["disputed"] == 1


def test_nothing_judged_has_no_winner():
    summary = experiment_summary(VARIANTS, [])

    assert summary["best_variant_id"] is None and summary["comparisons"] == [] and summary["tasks"] == []
    assert summary["variants"][0]["ratio"] is None and summary["variants"][0]["ci_high"] == 1.0


def standings(rows: dict[str, tuple[list[str], bool | None, bool | None]]) -> list[dict]:
    return [v["standing"] for v in experiment_summary(VARIANTS, cells(rows))["variants"]]


def test_each_variant_says_where_it_stands_and_warns_when_the_results_do_not_back_promoting_it():
    tie = standings({f"r{i}": ([], False, False) for i in range(4)})
    assert tie[1] == {"warn": True, "text": "A tie: A did as well (0 % good). The experiment shows no winner."}

    close = standings({"r1": ([], False, True), "r2": ([], True, True), "r3": ([], False, False),
                       "r4": ([], False, True)})  # B 3/4 against A 1/4: two discordant pairs
    assert close[0] == {"warn": True, "text": "B did better: 75 % good against 25 %."}
    assert close[1] == {"warn": True, "text": "Best at 75 % good, but not clearly ahead of A (25 %; p = 0.50 "
                                              "on 4 paired rows)."}

    clear = standings({f"r{i}": ([], False, True) for i in range(8)})  # eight discordant pairs: p < 0.01
    assert clear[1] == {"warn": False, "text": "Best at 100 % good (n = 8), ahead of every other variant "
                                               "beyond chance."}
    nothing = experiment_summary(VARIANTS, [])["variants"][0]["standing"]
    assert nothing["warn"] and "Nothing is judged" in nothing["text"]
