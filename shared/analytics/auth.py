"""Who is calling and what they may do.

On AWS the HTTP API's JWT authorizer verifies the token and hands the claims to the function;
locally the runner does the same. Here we only read claims and check roles.
"""

from __future__ import annotations

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


ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset(Role),
    Action.INGEST: frozenset({Role.SERVICE, Role.ANALYST, Role.ADMIN}),
    Action.DELETE: frozenset({Role.ADMIN}),
    Action.REPORT: frozenset({Role.ANALYST, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.DASHBOARD: frozenset({Role.ANALYST, Role.ADMIN}),
}


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]


def parse_roles(raw: object) -> frozenset[Role]:
    """Roles from a claim: a list, or API Gateway's flattened "[a b]", or "a,b" / "a b"."""
    if isinstance(raw, str):
        names = raw.strip().strip("[]").replace(",", " ").split()
    elif isinstance(raw, list | tuple):
        names = [str(name) for name in raw]
    else:
        names = []
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if name in known)


def principal_from_claims(claims: Mapping[str, object] | None, roles_claim: str) -> Principal | None:
    if not claims or "sub" not in claims:
        return None
    return Principal(subject=str(claims["sub"]), roles=parse_roles(claims.get(roles_claim)))


def may_change(principal: Principal, created_by: str | None) -> bool:
    """Whether `principal` may change what `created_by` made (e-mail it, delete it...): its creator or an
    admin."""
    return Role.ADMIN in principal.roles or (created_by is not None and created_by == principal.subject)


def authorize(principal: Principal | None, action: Action, *, require_token_for_reads: bool) -> None:
    """Raises Unauthorized without a principal where one is needed, Forbidden without the role."""
    if principal is None:
        if action is Action.READ and not require_token_for_reads:
            return
        raise Unauthorized("a valid bearer token is required")
    allowed = ALLOWED_ROLES[action]
    if not principal.roles & allowed:
        needed = ", ".join(sorted(allowed))
        raise Forbidden(f"this action needs one of the roles: {needed}")
