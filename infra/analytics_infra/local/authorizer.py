"""The HTTP API JWT authorizer, played locally: verify the bearer token, hand the claims to the function
in API Gateway's own shape, or answer 401 without calling it. It also plays the optional authorizer of
open reads that identify the caller (`analytics.optional_auth`): a token, when sent, is verified the same
way and passed on in that Lambda authorizer's context shape; a bad one is refused (403 on AWS)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from analytics.optional_auth import authorizer_context as optional_authorizer_context
from analytics.optional_auth import bearer_token

ALGORITHM = "HS256"


class Unauthorized(Exception):
    """No token, or one that fails verification: API Gateway answers 401 and the function never runs."""


@dataclass(frozen=True)
class JwtAuthorizer:
    secret: str
    issuer: str
    audience: str
    roles_claim: str = "roles"

    def authorize(self, headers: Mapping[str, str]) -> dict[str, Any]:
        """The event's `requestContext.authorizer` block for a request with these (lower-cased) headers."""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        return authorizer_context(self._verify(token.strip()))

    def authorize_optional(self, headers: Mapping[str, str]) -> dict[str, Any]:
        """The block the optional authorizer leads to: `{"lambda": {}}` without an Authorization header,
        `{"lambda": {"sub": ..., <roles claim>: "a b"}}` for a valid token; Unauthorized for any other."""
        header = headers.get("authorization")
        if header is None:
            return {"lambda": {}}
        token = bearer_token(header)
        if not token:
            raise Unauthorized("an empty Authorization header")
        return {"lambda": optional_authorizer_context(self._verify(token), self.roles_claim)}

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(str(exc)) from exc
        return claims


def authorizer_context(claims: Mapping[str, Any]) -> dict[str, Any]:
    """`requestContext.authorizer` as the JWT authorizer fills it for verified `claims`."""
    return {"jwt": {"claims": flatten_claims(claims), "scopes": None}}


def flatten_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Every claim as a string, as API Gateway passes them: numbers in plain digits, a list as "[a b c]"."""
    return {name: flatten_claim(value) for name, value in claims.items()}


def flatten_claim(value: Any) -> str:
    # API Gateway prints non-string claims the way Go's fmt prints decoded JSON values.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return "[" + " ".join(flatten_claim(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{flatten_claim(v)}" for k, v in sorted(value.items())) + "]"
    return "<nil>"
