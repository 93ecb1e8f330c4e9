"""Node types. Each module holds one node type: its config model and its executor.

See :mod:`runtime.nodes.base` for how to write one.
"""
