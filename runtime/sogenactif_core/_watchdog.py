"""Deadlines that hold whatever the server does.

A socket timeout bounds each read, not a call: a server that sends one byte a second keeps a
reader waiting as long as it likes. The watchdog is one daemon thread per process that, when a
call's deadline passes, runs the call's ``expire`` action (the HTTP senders shut the call's socket
down, which ends any read or write blocked on it at once). A call registers its deadline when it
starts and cancels it when it is over: two heap operations under a lock, no thread per call.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable


class Ticket:
    """One registered deadline; :meth:`Watchdog.cancel` it when the call is over."""

    __slots__ = ("action", "done", "expired")

    def __init__(self, action: Callable[[], None]) -> None:
        self.action = action
        self.done = False  # cancelled or expired
        self.expired = False  # the action ran


# The heap's entries: (deadline, order of registration, ticket), compared as tuples (in C; the
# order breaks ties, so tickets are never compared).
_Entry = tuple[float, int, Ticket]


_LONGEST_WAIT = 3600.0  # seconds; the thread looks at its heap again after that


class Watchdog:
    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        # Calls take the lock itself (a C context manager); the condition on it, which only
        # the thread waits on, is notified while the lock is held.
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._cancelled = 0

    def watch(self, deadline: float, action: Callable[[], None]) -> Ticket:
        """Run ``action`` at ``deadline`` (``time.monotonic()``) unless cancelled before."""
        ticket = Ticket(action)
        with self._lock:
            heapq.heappush(self._heap, (deadline, next(self._order), ticket))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sogenactif-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is ticket:
                self._wake.notify()  # earlier than what the thread waits for
        return ticket

    def cancel(self, ticket: Ticket) -> bool:
        """Cancel ``ticket``; False when its action already ran (the deadline passed)."""
        with self._lock:
            if ticket.done:
                return not ticket.expired
            ticket.done = True
            self._cancelled += 1
            if self._cancelled > 64 and self._cancelled > len(self._heap) // 2:
                # Keep the heap as small as the calls in flight.
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._cancelled = 0
            return True

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                    self._cancelled = max(0, self._cancelled - 1)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, _, ticket = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    # Bounded: a platform's lock cannot wait past its clock's range, and a
                    # failed wait would end the thread (every later deadline unwatched).
                    self._wake.wait(min(wait, _LONGEST_WAIT))
                    continue
                heapq.heappop(self._heap)
                ticket.done = ticket.expired = True
                try:
                    ticket.action()  # short: shutting a socket down
                except Exception:  # noqa: S110 - nothing to do when the socket is already gone
                    pass

    def _after_fork(self) -> None:
        """In a forked child the thread is gone: start afresh (its parent's calls are not ours)."""
        self._heap = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread = None
        self._cancelled = 0


WATCHDOG = Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=WATCHDOG._after_fork)
