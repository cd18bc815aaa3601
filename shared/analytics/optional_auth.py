"""Optional authentication: open reads that still identify a caller who sends a token.

On an open-reads deployment the dashboards' reads have no JWT authorizer, so API Gateway would pass no
claims and an owner could never see their private dashboards. Those routes get a Lambda REQUEST
authorizer instead (simple responses, no identity source, no caching, so it runs for anonymous
requests too). It verifies a bearer token as API Gateway's JWT authorizer does and answers:

- no `Authorization` header: authorized, empty context (anonymous);
- a valid token: authorized, context `{"sub": ..., <roles claim>: "a b"}`;
- any other token: not authorized (API Gateway answers 403). A token that is sent and wrong never
  silently becomes anonymous.

The local runner builds the same context with `authorizer_context`, so handlers see one shape.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from analytics.auth import parse_roles
from analytics.settings import get_settings

if TYPE_CHECKING:
    from jwt import PyJWKClient

# API Gateway's JWT authorizer accepts RSA signatures only.
ALGORITHMS = ["RS256", "RS384", "RS512"]
DISCOVERY_PATH = "/.well-known/openid-configuration"
# API Gateway waits at most 10 s for a Lambda authorizer; a slow identity provider must not use it all.
FETCH_TIMEOUT_SECONDS = 3
# How long the issuer's key set is reused before it is fetched again (an unknown `kid` refetches at once).
JWKS_LIFESPAN_SECONDS = 300


class TokenRejected(Exception):
    """The token fails verification: malformed, badly signed, expired, or for another issuer or audience."""


class VerificationUnavailable(TokenRejected):
    """The issuer's discovery document or key set could not be fetched: the token cannot be trusted."""


@dataclass
class TokenVerifier:
    """Verifies tokens of one issuer and audience against the issuer's published keys.

    The key set's address comes from the issuer's OpenID discovery document, fetched on first use, as
    API Gateway's JWT authorizer finds it; PyJWT's JWKS client then caches the keys."""

    issuer: str
    audience: str
    timeout_seconds: float = FETCH_TIMEOUT_SECONDS
    _jwks: PyJWKClient | None = field(default=None, init=False, repr=False)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or TokenRejected: kid, signature, iss, aud or client_id, exp, nbf, iat."""
        # PyJWT with cryptography takes ~65 ms to import: paid by the first token, not by every cold start.
        import jwt

        try:
            signing_key = self._key_set().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise VerificationUnavailable(f"the issuer's keys could not be fetched: {exc}") from exc
        except jwt.PyJWTError as exc:
            raise TokenRejected(str(exc)) from exc
        if not self._for_this_audience(claims):
            raise TokenRejected("the token is for another audience")
        return claims

    def _for_this_audience(self, claims: Mapping[str, Any]) -> bool:
        """As API Gateway: `aud` names the audience, or a token without `aud` carries it as `client_id`."""
        if "aud" not in claims:
            return claims.get("client_id") == self.audience
        audience = claims["aud"]
        return audience == self.audience or (isinstance(audience, list) and self.audience in audience)

    def _key_set(self) -> PyJWKClient:
        if self._jwks is None:
            from jwt import PyJWKClient

            self._jwks = PyJWKClient(
                self._jwks_uri(), lifespan=JWKS_LIFESPAN_SECONDS, timeout=self.timeout_seconds
            )
        return self._jwks

    def _jwks_uri(self) -> str:
        url = self.issuer.rstrip("/") + DISCOVERY_PATH
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_seconds) as response:
                document = json.load(response)
            jwks_uri = document["jwks_uri"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise VerificationUnavailable(f"no jwks_uri from {url}: {exc}") from exc
        if not isinstance(jwks_uri, str):
            raise VerificationUnavailable(f"no jwks_uri from {url}: {jwks_uri!r}")
        return jwks_uri


@lru_cache(maxsize=1)
def get_token_verifier() -> TokenVerifier:
    """One verifier per container: the discovery document and the keys are fetched once, not per request."""
    settings = get_settings()
    return TokenVerifier(issuer=settings.JWT_ISSUER, audience=settings.JWT_AUDIENCE)


def bearer_token(header: str) -> str:
    """The token of an `Authorization` header: `Bearer <token>` or the bare token, as API Gateway reads it."""
    scheme, _, rest = header.strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else header.strip()


def authorizer_context(claims: Mapping[str, Any], roles_claim: str) -> dict[str, str]:
    """What the optional authorizer passes on: `sub` and the roles claim. Context values must be strings,
    numbers or booleans, so the roles the token names (read strictly, `auth.parse_roles`) become one
    space-separated string, which `auth.parse_roles` reads back."""
    context: dict[str, str] = {}
    if "sub" in claims:
        context["sub"] = str(claims["sub"])
    context[roles_claim] = " ".join(sorted(parse_roles(claims.get(roles_claim))))
    return context


def authorize(
    headers: Mapping[str, str], verifier: Callable[[], TokenVerifier], roles_claim: str
) -> tuple[dict[str, Any], TokenRejected | None]:
    """The simple response for a request with these (lower-cased) headers, and why a token was refused.

    `verifier` is called only when a token is sent, so anonymous requests never load PyJWT."""
    header = headers.get("authorization")
    if header is None:
        return {"isAuthorized": True, "context": {}}, None
    token = bearer_token(header)
    if not token:
        return {"isAuthorized": False}, TokenRejected("an empty Authorization header")
    try:
        claims = verifier().verify(token)
    except TokenRejected as exc:
        return {"isAuthorized": False}, exc
    return {"isAuthorized": True, "context": authorizer_context(claims, roles_claim)}, None
