"""Template: renders text from upstream variables (sandboxed Jinja2)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig, OutputField, RequiredText


class TemplateConfig(NodeConfig):
    template: RequiredText = Field(title="Template", description="Jinja2 text; variables as {{ node_id.field }}.")


class TemplateNode(Node[TemplateConfig]):
    type = "template"
    title = "Template"
    description = "Renders a text template from upstream variables."
    category = "transform"
    icon = "file-text"
    config_model = TemplateConfig
    outputs = (OutputField("text", "string", "The rendered text."),)

    def setup(self) -> None:
        self._template = self.template(self.config.template, "template")

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        return {"text": self._template.render(run.variables)}
