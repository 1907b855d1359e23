"""What the generated code tells the runtime about each function and field.

The generator writes these as plain data in ``sogenactif/_constants.py``, ``sogenactif/_rules.py`` and in each
``sogenactif/services/<service>.py``; the runtime validates, encodes, masks and maps lists with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, TypeVar

from ._base import RequestModel, ResponseModel
from ._formats import format_meaning, format_pattern

RequestT = TypeVar("RequestT", bound=RequestModel)
ResponseT = TypeVar("ResponseT", bound=ResponseModel)


@dataclass(frozen=True, eq=False)
class FieldRule:
    """How one request field is checked and put on the wire."""

    name: str  # the dictionary's (camelCase) name
    kind: str  # string | integer | boolean | container | list
    required: bool = False
    format: str = ""  # the dictionary's format, e.g. "N12" or "N19|ANS128"
    pattern: str | None = None  # when stricter than the format (dates, …)
    enum: str = ""  # the enum's name, for messages
    enum_values: frozenset[str] | None = None  # values a request may carry
    children: Mapping[str, FieldRule] | None = None  # container members
    item: FieldRule | None = None  # one item of a list
    since: str = "2.0"

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        if self.pattern is not None:
            return re.compile(self.pattern)
        return re.compile(format_pattern(self.format)) if self.format else None

    @property
    def meaning(self) -> str:
        return format_meaning(self.format) if self.format else "text"


@dataclass(frozen=True, eq=False)
class FunctionSpec(Generic[RequestT, ResponseT]):
    """One function of one service, as the generated client calls it."""

    service: str  # REST path segment, e.g. "cashManagement"
    name: str  # e.g. "refund"
    interface_prefix: str  # e.g. "CR_WS_"
    request_model: type[RequestT]
    response_model: type[ResponseT]
    request_fields: Mapping[str, FieldRule]
    # Request fields of later interface versions: name -> version (for clear refusals).
    later_fields: Mapping[str, str] = field(default_factory=dict)
    # snake_case keyword -> dictionary name, for every request field (later versions' too).
    keywords: Mapping[str, str] = field(default_factory=dict)
    read_only: bool = False  # may be retried safely (no money moves)

    @property
    def qualified_name(self) -> str:
        return f"{self.service}.{self.name}"
