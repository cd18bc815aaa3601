"""The runner's expected failures: the CLI prints their message, never a traceback."""


class LocalRunnerError(Exception):
    """Something the user can fix (a port in use, a missing file, an unreachable database)."""
