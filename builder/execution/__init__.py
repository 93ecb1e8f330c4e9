"""Execution: the one place that turns a workspace + a compiled graph + inputs into a run.

Every caller — debug and single-node runs (Celery worker), ``/v1`` runs, chat completions, the
web chat and, next, batch experiments — gets its services here (:mod:`.context`: model
providers, prices, tools, the SSRF-safe HTTP client with the operator's address policy, the
workspace's retriever, the redactor of stored data) and runs through :func:`.run.execute`.
What a run leaves behind is stored by :mod:`builder.runs.recording`.

This app sits below the domains that run apps (runs, publishing) and below knowledge, which
*provides* a retriever through :mod:`.retrievers` instead of being imported from here."""
