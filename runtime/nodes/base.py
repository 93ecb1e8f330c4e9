"""The node base API. One node type = one module with a config model and an executor.

How to write a node
-------------------

1. Declare the config: a :class:`NodeConfig` subclass (extra fields are forbidden). Give every
   field a ``title`` and ``description`` — the editor builds its form from the JSON Schema.
   A text the node cannot work without is a :data:`RequiredText`: empty or blank, it is a
   ``required`` issue on that field (so is a missing field, or an empty required list).
2. Subclass :class:`Node` (or :class:`BlockingNode` if your code blocks) and set the class
   metadata: ``type``, ``version``, ``title``, ``description``, ``category``, ``icon``,
   ``config_model``, ``outputs`` (the fields you return) and, if the node routes, ``handles``.
3. In ``setup()`` (called once per compile, never per run) pre-compile what you need with
   ``self.template(source, field)`` and ``self.selector(text, field)``. Both record the
   variables you read so validation can check they exist upstream, and report problems
   on the right config field.
4. Implement ``async def run(self, run: RunState)`` (or ``def run_blocking`` on a
   :class:`BlockingNode`, which the engine calls in its bounded thread pool). Read variables
   with ``template.render(run.variables)`` / ``resolve(run.variables, path)``. Return a dict
   of outputs, or a :class:`NodeResult` to choose a handle or report usage/cost.
   Raise :class:`~runtime.errors.NodeError` with a stable ``code`` when you fail; set
   ``retryable=True`` if another attempt may succeed. Timeouts, retries and error strategy
   are the engine's job, not the node's.
5. Register the class: built-ins in :mod:`runtime.nodes.builtin`; third-party packages via
   the ``llmops.nodes`` entry-point group (see :mod:`runtime.registry`).

What ``run`` can use (see :class:`~runtime.context.RunState`): ``run.run_id``,
``run.variables``, ``run.emit_delta(self.id, text)`` for streaming,
``run.provider(name)`` for a model provider, ``run.cost(provider, model, usage)``,
``await run.in_thread(func, ...)`` for blocking calls, ``await run.run_subgraph(graph,
inputs)``, and ``run.context`` for the rest: ``tools`` (tool registry), ``http`` (safe
outbound HTTP client), ``retriever``, ``extras``.

A minimal node::

    class ShoutConfig(NodeConfig):
        text: str = Field(title="Text", description="Template to shout.")

    class ShoutNode(Node[ShoutConfig]):
        type = "shout"
        title = "Shout"
        description = "Upper-cases a rendered template."
        config_model = ShoutConfig
        outputs = (OutputField("text", "string"),)

        def setup(self) -> None:
            self.text = self.template(self.config.text, "text")

        async def run(self, run: RunState) -> dict[str, Any]:
            return {"text": self.text.render(run.variables).upper()}
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from runtime.context import RunState
from runtime.errors import RuntimeFailure, TemplateError
from runtime.providers.base import Usage
from runtime.templates import Template, compile_template
from runtime.templates.compiled import TemplatePiece
from runtime.variables import parse_selector

if TYPE_CHECKING:
    from runtime.registry import NodeRegistry

DEFAULT_HANDLE = "out"
FAIL_HANDLE = "fail"


class NodeConfig(BaseModel):
    """Base of node configs: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


C = TypeVar("C", bound=NodeConfig)

#: The pydantic error type (and issue code) of a required field left empty.
REQUIRED = "required"


def required_error() -> PydanticCustomError:
    return PydanticCustomError(REQUIRED, "this field is required")


def _filled(value: str) -> str:
    if not value.strip():
        raise required_error()
    return value


#: A text the node cannot work without (a template, a URL, a name): empty or only blanks is a
#: ``required`` issue on that field.
RequiredText = Annotated[str, Field(min_length=1), AfterValidator(_filled)]


@dataclass(frozen=True, slots=True)
class OutputField:
    """A field a node returns: ``{{ node_id.<name> }}`` downstream."""

    name: str
    type: str = "any"
    description: str = ""


@dataclass(slots=True)
class NodeResult:
    """What ``run`` returns when a dict is not enough.

    ``handle`` picks the outgoing handle (``None`` = the default ``out`` handle); edges on other
    handles are skipped. ``usage``/``cost`` feed ``node.finished`` and the run totals.
    """

    outputs: dict[str, Any]
    handle: str | None = None
    usage: Usage | None = None
    cost: float | None = None


@dataclass(frozen=True, slots=True)
class VariableRef:
    """A variable a node reads: ``namespace.field`` (field None = whole namespace)."""

    namespace: str
    field: str | None
    config_field: str


class NodeConfigError(RuntimeFailure):
    """A config problem found in ``setup()``; ``field`` is the config path (``cases.0.id``)."""

    code = "invalid_config"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.field = field


class Node(Generic[C]):
    """Base class of node types. See the module docstring for how to write one."""

    type: ClassVar[str]
    version: ClassVar[int] = 1
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    category: ClassVar[str] = "general"
    icon: ClassVar[str] = "box"
    config_model: ClassVar[builtins.type[NodeConfig]]  # builtins: ``type`` is a class attribute here
    outputs: ClassVar[tuple[OutputField, ...]] = ()
    handles: ClassVar[tuple[str, ...]] = (DEFAULT_HANDLE,)
    dynamic_handles: ClassVar[str | None] = None  # schema hint when handles depend on config
    blocking: ClassVar[bool] = False
    is_start: ClassVar[bool] = False
    is_terminal: ClassVar[bool] = False  # its outputs become run outputs (end, answer)
    delta_output: ClassVar[str | None] = None  # the output its ``node.delta`` texts add up to

    def __init__(self, node_id: str, config: C, registry: NodeRegistry | None = None):
        self.id = node_id
        self.config: C = config
        self.registry = registry  # the registry that built this node (sub-graphs use it)
        self._refs: list[VariableRef] = []
        self.setup()

    # --- authoring helpers -------------------------------------------------------------------
    def setup(self) -> None:
        """Pre-compile templates and selectors. Called once per compile."""

    def template(self, source: str, config_field: str) -> Template:
        """Compile a template from config and record what it reads."""
        try:
            compiled = compile_template(source, field=config_field)
        except TemplateError as exc:
            raise NodeConfigError(exc.message, field=config_field, code=exc.code) from None
        self._refs.extend(VariableRef(ns, f, config_field) for ns, f in compiled.references)
        return compiled

    def selector(self, text: str, config_field: str) -> tuple[str, ...]:
        """Parse a ``node_id.field`` selector from config and record it."""
        if not text.strip():
            raise NodeConfigError("choose a variable: this field is required", field=config_field, code=REQUIRED)
        try:
            path = parse_selector(text)
        except ValueError as exc:
            raise NodeConfigError(str(exc), field=config_field, code="invalid_selector") from None
        self._refs.append(VariableRef(path[0], path[1] if len(path) > 1 else None, config_field))
        return path

    # --- what validation and the editor ask -------------------------------------------------
    def references(self) -> list[VariableRef]:
        return list(self._refs)

    def output_names(self) -> frozenset[str] | None:
        """Fields this node produces; ``None`` when unknown until run time (anything goes)."""
        return frozenset(o.name for o in self.outputs)

    def source_handles(self) -> tuple[str, ...]:
        return self.handles

    def thread_demand(self) -> int:
        """Worker threads this node may occupy at once (sizes the run's thread pool)."""
        return 1

    def stream_pieces(self) -> tuple[TemplatePiece, ...] | None:
        """The text this node streams, in pieces the engine may stream for it before it runs, as
        they become known (:mod:`runtime.engine.streaming`); ``run`` then streams the rest
        (``run.take_streamed(self.id)`` says what went out). None: nothing streams early."""
        return None

    # --- execution ---------------------------------------------------------------------------
    async def run(self, run: RunState) -> NodeResult | dict[str, Any]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r} {self.type}@{self.version}>"


class BlockingNode(Node[C]):
    """A node whose work blocks (a sync client, CPU work): the engine runs ``run_blocking`` in
    the run's bounded thread pool so parallel branches still overlap."""

    blocking = True

    def run_blocking(self, run: RunState) -> NodeResult | dict[str, Any]:
        raise NotImplementedError

    async def run(self, run: RunState) -> NodeResult | dict[str, Any]:
        return await run.in_thread(self.run_blocking, run)
