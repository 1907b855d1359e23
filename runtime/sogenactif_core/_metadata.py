"""What the generated code tells the runtime about each function and field.

The generator writes these as plain data in ``sogenactif/_rules.py`` and in each
``sogenactif/services/<service>.py``; the core validates, encodes and maps lists with them.

A function's models are named, not held: ``"module:Class"``, imported on first use (issue 16).
A process creates the model classes of the functions it calls, not those of the whole service,
and a keyword call with plain values never imports its request model at all.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from functools import cached_property
from typing import Generic, TypeVar, cast

from ._base import RequestModel, ResponseModel
from ._formats import FORMAT_RE, format_meaning, format_pattern

Version = tuple[int, ...]


def version_key(text: str) -> Version:
    """``"2.55"`` -> ``(2, 55)``: versions compare numerically part by part (2.9 < 2.22)."""
    return tuple(int(part) for part in text.split("."))


# Charsets that hold every printable ASCII character (0x20-0x7E), see ``_formats.CHARSETS``.
_PRINTABLE_CHARSETS = frozenset({"AS", "NS", "ANS", "ANU", "ANSU"})

RequestT = TypeVar("RequestT", bound=RequestModel)
ResponseT = TypeVar("ResponseT", bound=ResponseModel)


def load_model(ref: str, base: type[RequestModel] | type[ResponseModel]) -> type:
    """The model class ``ref`` names (``"package.module:Class"``), imported; it must derive
    from ``base``."""
    module, _, name = ref.partition(":")
    found = getattr(importlib.import_module(module), name, None) if name else None
    if not (isinstance(found, type) and issubclass(found, base)):
        raise TypeError(f"{ref!r} does not name a {base.__name__} subclass")
    return found


# Plain classes, not dataclasses: a dataclass costs about half a millisecond to create at import,
# and a service module makes a few hundred rules (issue 16's cold start). Made by the generated
# code, never changed; compared by identity.


class FieldRule:
    """How one request field is checked and put on the wire."""

    def __init__(
        self,
        name: str,
        kind: str,
        required: bool = False,
        format: str = "",
        pattern: str | None = None,
        enum: str = "",
        enum_values: frozenset[str] | None = None,
        enum_closed: bool = False,
        enum_returned_only: frozenset[str] = frozenset(),
        children: Mapping[str, FieldRule] | None = None,
        item: FieldRule | None = None,
        since: str = "2.0",
        sensitive: str = "",
        empty_allowed: bool = False,
    ) -> None:
        self.name = name  # the dictionary's (camelCase) name
        self.kind = kind  # string | integer | boolean | container | list
        self.required = required
        self.format = format  # the dictionary's format, e.g. "N12" or "N19|ANS128"
        self.pattern = pattern  # when stricter than the format (dates, …)
        self.enum = enum  # the enum's name, for messages
        self.enum_values = enum_values  # values a request may carry
        # A closed list refuses any other value; an open one (the default) lets an unknown value
        # through, with a warning. Either way the list's values that may only be returned are
        # refused (``request: false`` in the spec).
        self.enum_closed = enum_closed
        self.enum_returned_only = enum_returned_only
        self.children = children  # container members
        self.item = item  # one item of a list
        self.since = since
        # pan | csc | token | secret: held masked from the moment it is given
        self.sensitive = sensitive
        # "" is a valid value: no format or pattern applies to it, and it fills a required field.
        self.empty_allowed = empty_allowed

    def __repr__(self) -> str:
        return f"FieldRule({self.name!r}, {self.kind!r}, format={self.format!r})"

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        """The format as a regular expression; use ``fullmatch`` ("$" alone accepts a final "\\n")."""
        if self.pattern is not None:
            return re.compile(self.pattern)
        return re.compile(format_pattern(self.format)) if self.format else None

    @property
    def meaning(self) -> str:
        return format_meaning(self.format) if self.format else "text"

    @cached_property
    def since_key(self) -> Version:
        return version_key(self.since)

    # Worked out once per rule, for the encoder's hot loop (see ``_wire``).

    @cached_property
    def is_text(self) -> bool:
        """A scalar sent as text (every kind but container, list and boolean)."""
        return self.kind not in ("container", "list", "boolean")

    @cached_property
    def quick(self) -> tuple[str, int] | None:
        """A test cheaper than :attr:`regex` that accepts most valid ASCII values (never an invalid
        one): ``(test, max length)`` with test ``N`` (digits), ``AN`` (letters and digits), ``A``
        (letters) or ``P`` (any printable ASCII). ``None`` when a pattern is given; a value the
        quick test does not accept is still checked by the regex."""
        if self.pattern is not None or not self.format:
            return None
        parts: list[tuple[str, int]] = []
        for one in self.format.split("|"):
            match = FORMAT_RE.match(one)
            if match is None:
                return None
            parts.append((match.group(1), int(match.group(2))))
        printable = [n for charset, n in parts if charset in _PRINTABLE_CHARSETS]
        if printable:  # every printable ASCII character belongs to these charsets
            return ("P", max(printable))
        charset, length = parts[0]
        return (charset, length) if charset in ("N", "AN", "A") else None

    @cached_property
    def required_children(self) -> tuple[str, ...]:
        """The names of the container's required members, in the rules' order."""
        return tuple(name for name, rule in (self.children or {}).items() if rule.required)


class FunctionSpec(Generic[RequestT, ResponseT]):
    """One function of one service, as the generated client calls it."""

    def __init__(
        self,
        service: str,
        name: str,
        interface_prefix: str,
        request_model_ref: str,
        response_model_ref: str,
        request_fields: Mapping[str, FieldRule],
        later_fields: Mapping[str, str] | None = None,
        response_since: Mapping[str, str] | None = None,
        keywords: Mapping[str, str] | None = None,
        element_order: tuple[str, ...] = (),
        read_only: bool = False,
        duplicate_protected: bool = False,
        since: str = "2.0",
        envelope_since: Mapping[str, str] | None = None,
    ) -> None:
        self.service = service  # REST path segment, e.g. "cashManagement"
        self.name = name  # e.g. "refund"
        self.interface_prefix = interface_prefix  # e.g. "CR_WS_"
        # The request and response models, "module:Class" (see request_model, response_model).
        self.request_model_ref = request_model_ref
        self.response_model_ref = response_model_ref
        self.request_fields = request_fields
        # Request fields of later interface versions: name -> version (for clear refusals).
        self.later_fields = later_fields if later_fields is not None else {}
        # Response fields that appeared after the function itself: name -> version. The
        # platform returns them only to requests declaring that version or later (the simulator
        # does too).
        self.response_since = response_since if response_since is not None else {}
        # snake_case keyword -> dictionary name, for every request field (later versions' too).
        self.keywords = keywords if keywords is not None else {}
        # Every request field, envelope fields included, in the dictionary's order: the order of
        # the elements of a SOAP request (container members follow their rules' order).
        self.element_order = element_order
        # From the spec's ``resend`` key: may a RetryPolicy send it again after 90/99?
        self.read_only = read_only  # it changes nothing
        # the platform refuses a second one with the same reference
        self.duplicate_protected = duplicate_protected
        self.since = since  # the interface version that introduced the function
        # Envelope fields (filled in by the client) newer than the function: name -> version.
        self.envelope_since = envelope_since if envelope_since is not None else {}

    def __repr__(self) -> str:
        return f"<FunctionSpec {self.service}.{self.name}>"

    @property
    def qualified_name(self) -> str:
        return f"{self.service}.{self.name}"

    @cached_property
    def request_model(self) -> type[RequestT]:
        """The request's model class, imported when first asked for."""
        return cast("type[RequestT]", load_model(self.request_model_ref, RequestModel))

    @cached_property
    def response_model(self) -> type[ResponseT]:
        """The response's model class, imported when first asked for."""
        return cast("type[ResponseT]", load_model(self.response_model_ref, ResponseModel))

    @cached_property
    def required_fields(self) -> tuple[str, ...]:
        """The names of the required request fields, in the rules' order."""
        return tuple(name for name, rule in self.request_fields.items() if rule.required)
