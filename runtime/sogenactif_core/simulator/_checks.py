"""Requests checked against the dictionary of the interface version they declare.

The generated ``FunctionSpec.request_fields`` (with each ``FieldRule``'s format, pattern, list of
values, required flag and ``since``) are the rules, so every function of the spec is checked the
same way. The first problem found is answered, as the platform does, with one responseCode and
the field's name in ``errorFieldName``:

- **12** (invalid request): a required field is missing or empty (an empty value fills it where
  the dictionary allows one, ``cardExpiryDate``); a field that does not exist
  for this function; a field newer than the declared interfaceVersion; a value that is not in
  the field's closed list of values. A field the declared version does not know is an invalid keyword
  for that version (the platform's "Invalid keyword" refusals), not a badly written value:
  hence 12, not 30. Lists of values: a value outside a **closed** list, or one the list marks
  as returned only, is refused; a value an **open** list does not know is accepted (the client
  sends it with a warning), as the platform adds values (brands …) over time.
- **30** (format error): a value that does not fit its format (charset, length, pattern such as
  YYYYMM), or of the wrong JSON type (text where a container or a list is expected, a fraction …).

Fields are checked in the dictionary's order, container members and list items recursively;
``errorFieldName`` is the field's path (``customerContact.email``,
``shoppingCartDetail.shoppingCartItemList[1].productCode``), whole even when longer than the
field's ANS50 format (a cut name would point nowhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._formats import fits_format
from .._metadata import FieldRule, FunctionSpec

# Filled in by every client, checked by the platform before the function's own fields.
ENVELOPE_FIELDS = frozenset(
    {
        "interfaceVersion",
        "merchantId",
        "keyVersion",
        "seal",
        "sealAlgorithm",
        "intermediateServiceProviderId",
    }
)

_VERSION = re.compile(r"^([A-Z]+(?:_[A-Z]+)*_)([0-9]+(?:\.[0-9]+)*)$")

Version = tuple[int, ...]


class Refusal(Exception):
    """A request the platform answers with a responseCode instead of performing it."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code, field)
        self.code = code
        self.field = field or None


def version(text: str) -> Version:
    """``"2.55"`` -> ``(2, 55)``: versions compare numerically part by part (2.9 < 2.22)."""
    return tuple(int(part) for part in text.split("."))


def split_interface_version(value: str) -> tuple[str, str] | None:
    """``"IR_WS_2.55"`` -> ``("IR_WS_", "2.55")``; None when it is not written that way."""
    match = _VERSION.match(value)
    return None if match is None else (match.group(1), match.group(2))


def absent(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def empty_value(value: Any, rule: FieldRule) -> bool:
    """An explicitly empty value where the dictionary allows one (``cardExpiryDate`` of a card
    without an expiry date): a value, which fills a required field."""
    return value == "" and rule.empty_allowed


def check_structure(value: Any, path: str) -> None:
    """Only text, whole numbers, booleans, objects and lists can be sealed (30 otherwise)."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, Mapping):
        for name, item in value.items():
            check_structure(item, f"{path}.{name}" if path else str(name))
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_structure(item, f"{path}[{index}]")
        return
    raise Refusal("30", path)


# Envelope fields a shop may set besides its identity and seal (checked with the shop, above).
_SHOP_SETTINGS = ("intermediateServiceProviderId",)


def check_envelope(
    fields: Mapping[str, Any],
    fn: FunctionSpec[Any, Any],
    formats: Mapping[str, str],
    declared: Version,
) -> None:
    """An ``intermediateServiceProviderId``: 12 when newer than the declared version for this
    function, 30 when not text of its format (an inference: the platform checks envelope fields
    as it checks the function's own)."""
    for name in _SHOP_SETTINGS:
        value = fields.get(name)
        if absent(value):
            continue
        since = fn.envelope_since.get(name)
        if since is not None and version(since) > declared:
            raise Refusal("12", name)
        fmt = formats.get(name)
        if not isinstance(value, str) or (fmt is not None and not fits_format(fmt, value)):
            raise Refusal("30", name)


def check_request(fields: Mapping[str, Any], fn: FunctionSpec[Any, Any], declared: Version) -> None:
    """Raise :class:`Refusal` for the first field that breaks the declared version's dictionary."""
    for name, rule in fn.request_fields.items():
        value = fields.get(name)
        if absent(value):
            if rule.required and not empty_value(value, rule):
                raise Refusal("12", name)
            if not empty_value(value, rule) or version(rule.since) <= declared:
                continue
        check_value(value, rule, name, declared)
    for name, value in fields.items():
        if name in ENVELOPE_FIELDS or name in fn.request_fields or absent(value):
            continue
        since = fn.later_fields.get(name)
        # A field of a dictionary newer than this package's is accepted unchecked when the
        # request declares that version (cannot happen with the default, latest, generation).
        if since is not None and version(since) <= declared:
            continue
        raise Refusal("12", name)


def check_value(value: Any, rule: FieldRule, path: str, declared: Version) -> None:
    if version(rule.since) > declared:
        raise Refusal("12", path)
    kind = rule.kind
    if kind == "container":
        if not isinstance(value, Mapping):
            raise Refusal("30", path)
        children = rule.children or {}
        for name, child in children.items():
            member = value.get(name)
            if absent(member):
                if child.required and not empty_value(member, child):
                    raise Refusal("12", f"{path}.{name}")
                if not empty_value(member, child) or version(child.since) <= declared:
                    continue
            check_value(member, child, f"{path}.{name}", declared)
        for name, member in value.items():
            if name not in children and not absent(member):
                raise Refusal("12", f"{path}.{name}")
        return
    if kind == "list":
        if not isinstance(value, list):
            raise Refusal("30", path)
        item = rule.item
        for index, element in enumerate(value):
            if item is not None and not absent(element):
                check_value(element, item, f"{path}[{index}]", declared)
        return
    if kind == "boolean":
        if isinstance(value, bool) or value in ("true", "false"):
            return
        raise Refusal("30", path)
    if isinstance(value, bool):
        raise Refusal("30", path)
    if isinstance(value, int) and kind == "integer":
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise Refusal("30", path)
    if text == "" and rule.empty_allowed:
        return
    if rule.enum_values is not None:
        # A value an open list does not know yet is the platform's to judge (a new brand …):
        # accepted, as the client sends it; closed lists and returned-only values are refused.
        if text in rule.enum_values:
            return
        if rule.enum_closed or text in rule.enum_returned_only:
            raise Refusal("12", path)
        if rule.regex is not None and not rule.regex.fullmatch(text):
            raise Refusal("30", path)
    elif rule.regex is not None and not rule.regex.fullmatch(text):
        raise Refusal("30", path)
