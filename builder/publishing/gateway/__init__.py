"""The public API (``/v1/``): a lean ASGI application served next to Django, not through it.

Django's middleware stack is synchronous; under ASGI every middleware costs a thread hop per
request. The public endpoint is the platform's hot path, so ``builder.asgi`` hands it every
``/v1/`` request directly. It authenticates by API key, never by session (the web chat,
``/v1/share/``, by its link's token); it reuses the publishing and runs models and runs apps
inline on the web process's event loop.
"""
