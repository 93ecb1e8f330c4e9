"""The explicit allowlist of routes that answer anonymous users. The route-walk test holds every other
route to a 401/403 (API) or a redirect to the login page."""

PUBLIC_ROUTE_NAMES = frozenset(
    {
        "healthz",  # probes: reports component states, no data
        "login",
        "invitation-accept",  # a workspace invitation: its random link token is the credential; 404/410 when not open
        "admin:login",
        "admin:index",  # redirects to admin login itself
        "admin:logout",  # logging out an anonymous user changes nothing
        "password_reset",
        "web-chat",  # a published app's web chat: its random link token is the credential; 404 when off
        "web-chat-embed-js",  # the embed script other sites load (no data)
    }
)

# The public API (/v1/: run, runs, chat completions, models) is not in Django's URLconf:
# builder.asgi sends it to builder.publishing.gateway, which authenticates every request by API
# key (401 without one) — except /v1/share/<token>/…, the web chat (its page's info, its answers and
# their ratings), where the link's token is the credential (404 chat_not_found when it is unknown or
# off). An app whose endpoint is turned off answers 404 app_not_found on every keyed route (runs, a
# run's status, events and feedback, chat completions) and is left out of /v1/models.
# tests/builder/publishing cover all of it.
