"""ASGI entry point: the public API (/v1/) through its lean gateway, other HTTP through Django,
websockets through Channels (session-authenticated)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from builder.publishing.gateway.app import application as public_api  # noqa: E402
from builder.routing import websocket_urlpatterns  # noqa: E402

# What start-up built (Django, the gateway, the model libraries: a few hundred thousand objects)
# lives as long as the process. Frozen, it is left out of the collector's full passes, which
# otherwise walk all of it while requests wait (the published-endpoint benchmark serves about a
# quarter more requests a second with this).
gc.collect()
gc.freeze()

django_and_channels = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def application(scope, receive, send):
    # /v1/ authenticates by API key and is the hot path: it skips Django's synchronous middleware
    # (a thread hop each under ASGI). The gateway also owns the lifespan, to store every run on
    # shutdown.
    if scope["type"] == "lifespan" or (scope["type"] == "http" and (scope["path"] + "/").startswith("/v1/")):
        await public_api(scope, receive, send)
    else:
        await django_and_channels(scope, receive, send)
