"""Evaluation of experiments: evaluators that judge one cell (an app's output for one test row),
the statistics that compare two runs of an experiment, and parameter grids that generate test rows.

Pure Python: the platform stores experiments and schedules them; this package only decides.
"""
