"""Storing items whose statement the database refuses: in halves, down to the items it refuses alone.

A batch is stored by one statement; one item that PostgreSQL cannot hold (a data exception, a limit)
fails that statement for all. Halving the batch until each refused item stands alone finds every such
item with the database's own reason, in about 2·k·log2(n) statements for k refused items among n, while
every other item is stored once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from analytics.errors import RefusedByDatabase

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Isolated(Generic[T, R]):
    stored: list[tuple[Sequence[T], R]] = field(default_factory=list)  # each stored part and its result
    refused: list[tuple[T, RefusedByDatabase]] = field(default_factory=list)


def store_isolating_refused(store: Callable[[Sequence[T]], R], items: Sequence[T]) -> Isolated[T, R]:
    """Calls `store` (one transaction of its own, raising RefusedByDatabase if the database refuses its data)
    on all items, then on halves of any part it refuses, in order, so the first of two items with the same
    idempotency key is still the one stored. Any other error, a transient one included, propagates."""
    isolated: Isolated[T, R] = Isolated()
    _store(store, items, isolated)
    return isolated


def _store(store: Callable[[Sequence[T]], R], items: Sequence[T], isolated: Isolated[T, R]) -> None:
    if not items:
        return
    try:
        isolated.stored.append((items, store(items)))
    except RefusedByDatabase as refused:
        if len(items) == 1:
            isolated.refused.append((items[0], refused))
            return
        middle = len(items) // 2
        _store(store, items[:middle], isolated)
        _store(store, items[middle:], isolated)
