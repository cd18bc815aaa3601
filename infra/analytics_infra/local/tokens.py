"""The local signing secret and the tokens the local API accepts (HS256, the JWT authorizer's claims)."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

import jwt

from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.authorizer import ALGORITHM

SECRET_FILE = "jwt-secret"


def load_secret(data_dir: Path) -> str:
    """The secret in `<data_dir>/jwt-secret`, created on first use (random, readable by the owner only)."""
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        secret = secrets.token_urlsafe(48)
        file.write(secret)
    return secret


def build_claims(
    role: Role,
    settings: Settings,
    *,
    sub: str | None = None,
    expires_in: int = 3600,
    now: int | None = None,
) -> dict[str, Any]:
    issued_at = int(time.time()) if now is None else now
    return {
        "sub": sub or f"local-{role.value}",
        settings.JWT_ROLES_CLAIM: [role.value],
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "iat": issued_at,
        "exp": issued_at + expires_in,
    }


def sign(claims: dict[str, Any], secret: str) -> str:
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
