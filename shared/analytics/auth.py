"""Who is calling and what they may do.

On AWS the HTTP API's JWT authorizer verifies the token and hands the claims to the function;
locally the runner does the same. Here we only read claims and check roles.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from analytics.enums import Role
from analytics.errors import Forbidden, Unauthorized


class Action(StrEnum):
    READ = "read"
    INGEST = "ingest"  # create metrics and events
    DELETE = "delete"
    REPORT = "report"  # generate and schedule reports; e-mail, reschedule and delete one's own (admins: any)
    ADMINISTER = "administer"  # operational views such as ingest rejections
    DASHBOARD = "dashboard"  # create dashboards; edit and delete one's own (admins: any)
    ANALYZE = "analyze"  # advanced analytics: predictions, forecasts, comparisons, calculations
    GOAL = "goal"  # create goals; change, delete and update the progress of one's own (admins: any)


ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset(Role),
    Action.INGEST: frozenset({Role.SERVICE, Role.ANALYST, Role.ADMIN}),
    Action.DELETE: frozenset({Role.ADMIN}),
    Action.REPORT: frozenset({Role.ANALYST, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.DASHBOARD: frozenset({Role.ANALYST, Role.ADMIN}),
    Action.ANALYZE: frozenset({Role.ANALYST, Role.ADMIN}),
    Action.GOAL: frozenset({Role.ANALYST, Role.ADMIN}),
}


KNOWN_ROLES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]


def parse_roles(raw: object) -> frozenset[Role]:
    """Roles from a claim, strictly: a list holds role names, each element one whole name (`["viewer admin"]`
    names no role); a string is space-separated names, or API Gateway's flattening of a list, "[a b]"."""
    if isinstance(raw, list | tuple):
        names = [name for name in raw if isinstance(name, str)]
    elif isinstance(raw, str):
        text = raw.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        names = text.split(" ")
    else:
        names = []
    return frozenset(Role(name) for name in names if name in KNOWN_ROLES)


def with_token_roles(
    claims: Mapping[str, object], authorization: str | None, roles_claim: str
) -> Mapping[str, object]:
    """The JWT authorizer's claims with the roles claim as the token holds it. API Gateway flattens a list
    claim to "[a b]", so `["viewer admin"]` would read as two roles; the token it verified travels in the
    request's Authorization header, and its payload (the same `sub` and `exp`) says which list it was."""
    payload = token_payload(authorization)
    if payload is None or any(str(payload.get(name)) != str(claims.get(name)) for name in ("sub", "exp")):
        return claims
    return {**claims, roles_claim: payload.get(roles_claim)}


def token_payload(authorization: str | None) -> dict[str, object] | None:
    """The payload of a bearer token, decoded without checking its signature: only for a token an
    authorizer has verified. None if there is no token or it is not a JWT."""
    if not authorization:
        return None
    parts = authorization.strip().rpartition(" ")[2].split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:  # not base64, not UTF-8 or not JSON
        return None
    return payload if isinstance(payload, dict) else None


def principal_from_claims(claims: Mapping[str, object] | None, roles_claim: str) -> Principal | None:
    if not claims or "sub" not in claims:
        return None
    return Principal(subject=str(claims["sub"]), roles=parse_roles(claims.get(roles_claim)))


def may_change(principal: Principal, created_by: str | None) -> bool:
    """Whether `principal` may change what `created_by` made (e-mail it, delete it...): its creator or an
    admin."""
    return Role.ADMIN in principal.roles or (created_by is not None and created_by == principal.subject)


def authorize(principal: Principal | None, action: Action, *, require_token_for_reads: bool) -> None:
    """Raises Unauthorized without a principal where one is needed, Forbidden without the role. While reads
    are open, a token reads what no token reads, whatever its roles."""
    if action is Action.READ and not require_token_for_reads:
        return
    if principal is None:
        raise Unauthorized("a valid bearer token is required")
    allowed = ALLOWED_ROLES[action]
    if not principal.roles & allowed:
        needed = ", ".join(sorted(allowed))
        raise Forbidden(f"this action needs one of the roles: {needed}")
