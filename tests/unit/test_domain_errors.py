"""Every domain error has its HTTP status in the one table, wherever it is raised."""

from __future__ import annotations

import importlib
import pkgutil

import analytics
import functions
from analytics.errors import HTTP_STATUS, DomainError, InvalidDashboardConfig, NotFound, http_status


def every_subclass(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for subclass in list(found):
        found |= every_subclass(subclass)
    return found


def import_everything() -> None:
    """Loads every module of the domain layer and of the functions, so each error class they define exists."""
    for package in (analytics, functions):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def test_every_domain_error_class_lives_in_errors_and_has_a_status() -> None:
    import_everything()

    errors = every_subclass(DomainError)

    assert len(errors) >= 10
    assert {cls.__module__ for cls in errors} == {"analytics.errors"}
    assert errors <= HTTP_STATUS.keys()
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


def test_a_subclass_answers_its_own_status_before_its_ancestors() -> None:
    assert http_status(InvalidDashboardConfig([])) == 422
    assert http_status(NotFound("gone")) == 404
