"""Sandboxed, bounded Jinja2 templates with explicit variable references.

Templates see the run's variables: ``{{ node_id.field }}``, ``{{ inputs.name }}``,
``{{ sys.run_id }}``. Rules:

* the environment is Jinja2's ``ImmutableSandboxedEnvironment``; unsafe attributes
  (``__class__``, ``__globals__``, ...) and mutation of data are refused;
* an undefined variable is an error that names it (``undefined_variable``);
* ``None`` renders as empty text (``{{ inputs.name }}`` of an optional input that was not
  sent), in output and in ``~``; ``{{ x is none }}`` still tells it apart;
* every loop iteration, call and filter spends from a per-render operation budget, and every
  value a render builds — output, ``{% set %}`` captures, macro results, intermediate strings
  and lists — spends from one work allowance (:class:`TemplateLimits`). Whatever can grow a
  value (``*``, ``+``, ``%``, ``~``, ``**``, slicing, printing a container, string methods,
  filters, ``str.format`` widths) is sized *before* it is built, with an estimate that stops as
  soon as it passes what is left, so ``range(10**9)``, ``['x' * 200000] * 200000`` printed,
  ``'%*s' % (10**8, '')`` or a long separator in ``join`` are refused (``template_limit``)
  instead of eating the worker's memory. Operations whose result is at most a small multiple
  of a value that already exists (``upper`` of an input, ``split``) are counted after;
* templates made only of text and ``{{ a.b }}`` lookups take a fast path that does plain
  dict lookups (no Jinja at render time) — same result, a fraction of the cost, and the same
  bound on the rendered text.

The package: :mod:`~runtime.templates.limits` (the limits and the per-render budget),
:mod:`~runtime.templates.sizing` (size estimates of values), :mod:`~runtime.templates.rules` (what
filters, methods and formats may build), :mod:`~runtime.templates.sandbox` (the environment and its
guards) and :mod:`~runtime.templates.compiled` (compiled templates, the fast path, the default
environment). Import from ``runtime.templates``: the names below are its public API.
"""

from runtime.templates.compiled import (
    Template,
    compile_template,
    configure_default_limits,
    default_environment,
    render,
)
from runtime.templates.limits import DEFAULT_LIMITS, TemplateLimits
from runtime.templates.sandbox import SafeEnvironment

__all__ = [
    "DEFAULT_LIMITS",
    "SafeEnvironment",
    "Template",
    "TemplateLimits",
    "compile_template",
    "configure_default_limits",
    "default_environment",
    "render",
]
