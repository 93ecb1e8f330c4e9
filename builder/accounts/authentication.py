"""Bearer-token authentication for scripts: ``Authorization: Bearer llm_...``."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from builder.accounts.selectors import access_token_authenticate
from builder.accounts.services import TOKEN_PREFIX, access_token_touch


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in {"bearer", "token"}:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("Malformed access token.")
        token = access_token_authenticate(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked access token.")
        access_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
