"""The functions' database: the one DATABASE_URL names, else the embedded PostgreSQL of the data folder;
migrated to the newest schema before anything is served."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from analytics.db.embedded import start_embedded_server, stop_embedded_server
from analytics.db.engine import get_engine
from analytics.db.migrate import upgrade_to_head
from analytics.errors import Unavailable
from analytics.settings import get_settings
from analytics_infra.local.errors import LocalRunnerError


@dataclass(frozen=True)
class Database:
    url: str  # password hidden, for display
    schema_version: str


@contextmanager
def database(data_dir: Path, progress: Callable[[str], None]) -> Iterator[Database]:
    """Starts the embedded server when no DATABASE_URL is set (and stops it on exit if this call started
    it: its data stays in `<data_dir>/pgdata`), then applies pending migrations."""
    url = get_settings().DATABASE_URL
    started_here = False
    if url is None:
        pgdata = data_dir / "pgdata"
        already_running = _embedded_running(pgdata)
        progress(
            f"database: {'using the running' if already_running else 'starting the'} "
            f"embedded PostgreSQL in {pgdata}"
        )
        url = _start_embedded(data_dir)
        started_here = not already_running
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
    else:
        progress(f"database: {_displayed(url)} (DATABASE_URL)")
    try:
        began = time.monotonic()
        engine = get_engine()
        try:
            try:
                version = upgrade_to_head(engine)
            except DBAPIError as exc:
                raise LocalRunnerError(
                    f"cannot migrate the database at {_displayed(url)}: {exc.orig}"
                ) from exc
            progress(f"database: schema at version {version} ({time.monotonic() - began:.1f}s)")
            yield Database(_displayed(url), version)
        finally:
            engine.dispose()
    finally:
        if started_here:
            stop_embedded_server(data_dir)
            progress("database: embedded PostgreSQL stopped (data kept)")


def _start_embedded(data_dir: Path) -> str:
    try:
        return start_embedded_server(data_dir)
    except Unavailable as exc:
        raise LocalRunnerError(str(exc)) from exc
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = data_dir / "pgdata" / "log"
        raise LocalRunnerError(f"the embedded PostgreSQL did not start: see {log}") from exc


def _embedded_running(pgdata: Path) -> bool:
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, run by the wheel's own system user
        return True
    return True


def _displayed(url: str) -> str:
    parsed = make_url(url)
    return parsed.render_as_string(hide_password=True) if parsed.password else url
