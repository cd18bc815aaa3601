"""Domain errors map to HTTP in one table (analytics.http.STATUS_OF)."""

from __future__ import annotations

import inspect

from analytics import errors
from analytics.http import STATUS_OF


def test_every_domain_error_of_the_errors_module_has_its_status() -> None:
    classes = [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.DomainError) and cls is not errors.DomainError
    ]

    assert set(classes) == set(STATUS_OF)
