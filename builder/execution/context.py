"""What a run gets from the platform: :func:`execution_context` assembles it for a workspace, and
:func:`stored_data_redactor` masks secrets in what a run stores."""

from __future__ import annotations

from functools import lru_cache

from builder.core.redaction import Redactor
from builder.execution.providers import Services, workspace_services
from builder.execution.retrievers import retriever_for
from runtime import ExecutionContext


def execution_context(*, workspace_id: int, serving: bool = False) -> ExecutionContext:
    """Providers, prices, tools, the HTTP client and the workspace's retriever. ``serving``: the
    public endpoint's providers, whose connection pools are sized for its traffic."""
    services = workspace_services(workspace_id, serving=serving)
    return ExecutionContext(
        providers=services.providers, prices=services.prices, http=services.http, tools=services.tools,
        retriever=retriever_for(workspace_id), extras={"workspace_id": workspace_id},
    )



def stored_data_redactor(workspace_id: int) -> Redactor:
    """Masks secrets in what a run of the workspace stores (inputs, outputs, traces, events):
    credential-looking names and text, and the provider keys its runs were given."""
    return _redactor(workspace_services(workspace_id))


@lru_cache(maxsize=256)
def _redactor(services: Services) -> Redactor:
    return Redactor(known=services.secrets)
