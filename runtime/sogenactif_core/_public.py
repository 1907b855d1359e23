"""Public names are shown as ``sogenactif.X`` (as httpx shows ``httpx.X``).

The classes integrators meet (errors, the retry policy, transports) are defined in this core and
re-exported by the generated ``sogenactif`` package: in tracebacks, reprs and documentation they
read ``sogenactif.SealMismatchError`` rather than the private module that defines them. Pickling
finds them there too (``sogenactif`` loads them on first access).
"""

from __future__ import annotations

from typing import TypeVar

PUBLIC_MODULE = "sogenactif"

T = TypeVar("T", bound=type)


def public(cls: T) -> T:
    cls.__module__ = PUBLIC_MODULE
    return cls
