"""Answers kept per container, so a dashboard's repeated questions are not asked of the database again.

An answer is kept under the question and the database's snapshot as the question is asked (which
transactions it sees as committed): a write that committed before a request changes the snapshot, so
the request never reads an answer computed without it, whichever container computed that answer.
Entries also expire after their time to live, and the oldest go first when the cache is full.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

A = TypeVar("A")


class AnswerCache:
    def __init__(self, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, ttl_seconds: float, compute: Callable[[], A]) -> A:
        """The answer kept under `key` if it has not expired, else `compute()`'s, kept for `ttl_seconds`.
        Two threads asking at once may both compute it; either answer is right."""
        now = self._clock()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > now:
                answer: A = hit[1]
                return answer
        answer = compute()
        if ttl_seconds > 0:
            with self._lock:
                self._entries[key] = (now + ttl_seconds, answer)
                self._entries.move_to_end(key)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
