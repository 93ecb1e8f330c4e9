"""The benchmark runs end to end and prints its table (tiny run counts; not a timing test)."""

from __future__ import annotations

from runtime import bench


def test_bench_prints_the_table(capsys):
    assert bench.main(["--runs", "20", "--warmup", "5", "--w3-runs", "2"]) == 0
    out = capsys.readouterr().out
    for needle in (
        "W1 chain of 10",
        "W2 branch",
        "W3 fan-out, async model",
        "W3 fan-out, blocking model",
        "overhead/node",
        "CPUs",
        "Python",
    ):
        assert needle in out
