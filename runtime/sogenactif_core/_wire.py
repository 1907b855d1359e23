"""From a request model to the sealed field dictionary sent on the wire, and back.

On the wire every scalar is text, as in the dictionary's samples (``"amount": "2500"``), booleans
are ``true``/``false``, and keys are in ASCII order at every level (the seal order). The same
dictionary is sent as JSON or turned into a SOAP body, so both protocols carry identical seals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from pydantic import ValidationError

from ._errors import RequestValidationError
from ._formats import format_pattern
from ._masked import Masked
from ._metadata import FieldRule, FunctionSpec, version_key
from ._redact import (
    PAN_LONGEST,
    PAN_SHORTEST,
    kind_of,
    mask_fields,
    masked_by_name,
    redact_value,
    when_marks_change,
)
from .seal import EXCLUDED_FIELDS, Sealer, seal_string

logger = logging.getLogger("sogenactif")

# An unknown value of an open list: (field path, list name, value).
_Unknown = list[tuple[str, str, str]]


def request_problems_from_pydantic(
    exc: ValidationError, fn: FunctionSpec[Any, Any]
) -> list[tuple[str, str]]:
    """Pydantic's errors as ``(field path, message)``, without the rejected values."""
    problems: list[tuple[str, str]] = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        path = _path(error["loc"], fn)
        kind = error["type"]
        if kind == "missing":
            message = "is required"
        elif kind == "extra_forbidden":
            message = unknown_field_message(fn, path)
        else:
            message = error["msg"][:1].lower() + error["msg"][1:]
        problems.append((path, message))
    return problems


def unknown_field_message(fn: FunctionSpec[Any, Any], name: str) -> str:
    """Why ``name`` is refused: a field of a later interface version, or no field at all."""
    wire = fn.keywords.get(name, name)
    since = fn.later_fields.get(wire)
    if since is not None:
        return (
            f"was introduced in interface version {since}; this client is generated for an "
            "older version (regenerate it with --interface-version to use it)"
        )
    return f"is not a field of {fn.name}"


def newer_message(since: str, pinned: str) -> str:
    """Why a field is refused by a client pinned to an older interface version."""
    return (
        f"was introduced in interface version {since}; this client is pinned to {pinned} "
        "(Client(interface_version=...))"
    )


def newer_keywords(
    fn: FunctionSpec[Any, Any], given: Mapping[str, Any], pin: Pin
) -> list[tuple[str, str]]:
    """The keywords of fields newer than the pinned version, by name (checked first, so that
    the refusal says so whatever else is wrong; container members are checked as encoded)."""
    problems = []
    for keyword in given:
        wire = fn.keywords.get(keyword, keyword)
        rule = fn.request_fields.get(wire)
        if rule is not None and rule.since_key > pin.key:
            problems.append((wire, newer_message(rule.since, pin.text)))
    return problems


class Pin:
    """The interface version a client is pinned to, when older than the package's latest: the
    fields newer than it are refused by name."""

    __slots__ = ("key", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key = version_key(text)


def _path(loc: Sequence[int | str], fn: FunctionSpec[Any, Any]) -> str:
    path = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = fn.keywords.get(part, part) if i == 0 else part
            path += f".{name}" if path else name
    return path or "request"


def encode_request(
    fn: FunctionSpec[Any, Any], model: Any, pin: Pin | None = None
) -> dict[str, Any]:
    """The request's fields as wire text, checked against the dictionary's formats and enums
    (characters no protocol can carry are caught by :func:`seal_request`, over the seal string).
    Card data is masked as soon as it leaves the model (see ``_masked``)."""
    data = mask_fields(model.model_dump(by_alias=True, exclude_none=True))
    problems: list[tuple[str, str]] = []
    unknown: _Unknown = []
    wire = _encode_mapping(
        data, fn.request_fields, fn.required_fields, "", problems, pin=pin, unknown=unknown
    )
    if problems:
        raise RequestValidationError(fn.qualified_name, problems)
    if unknown:
        warn_unknown_values(fn.qualified_name, unknown)
    return wire


def encode_keywords(
    fn: FunctionSpec[Any, Any], given: Mapping[str, Any], pin: Pin | None = None
) -> dict[str, Any] | None:
    """Performance (issue 7): the wire fields of a keyword call built straight from its values
    (``None``: not given), without the request model, when every value is already what the
    model would hold: exactly
    ``str`` for text, a non-negative ``int`` for numbers, ``dict`` (dictionary names) for
    containers, ``list`` for lists, and nothing the dictionary refuses.

    ``None`` otherwise (a model instance, an enum member, ``"0100"`` for an integer, a snake_case
    key in a container, any problem …): the model path then decides, and explains. For the calls
    it accepts, the result is what ``encode_request(fn, request_model.model_validate(given))``
    gives (``tests/test_wire_fastpath.py`` checks it on every function).
    """
    keywords = fn.keywords
    try:
        values = {keywords[name]: value for name, value in given.items() if value is not None}
    except KeyError:  # not a keyword of the function's: the model path names it
        return None
    problems: list[tuple[str, str]] = []
    unknown: _Unknown = []
    out = _encode_mapping(
        values,
        fn.request_fields,
        fn.required_fields,
        "",
        problems,
        strict=True,
        pin=pin,
        unknown=unknown,
    )
    if problems:
        return None
    if unknown:
        warn_unknown_values(fn.qualified_name, unknown)
    return out


# What was already logged: once per function, field and value in a process (bounded).
_WARNED: set[tuple[str, str, str]] = set()
_MAX_WARNED = 4096
_INDEX = re.compile(r"\[[0-9]+\]")


def warn_unknown_values(function: str, unknown: _Unknown) -> None:
    """Log a WARNING for each value of an open list this client does not know (sent as given):
    once per (function, field, value) in a process. A list's values are no card data; a value
    of a field that holds some would still be masked."""
    for path, enum, value in unknown:
        key = (function, _INDEX.sub("[]", path), value)
        if key in _WARNED:
            continue
        if len(_WARNED) < _MAX_WARNED:
            _WARNED.add(key)
        shown = redact_value(path.rsplit(".", 1)[-1].split("[", 1)[0], value[:64])
        logger.warning(
            "%s: %s: %r is not a value of %s known to this client; %s is an open list, so the "
            "value is sent as given (the platform decides)",
            function,
            path,
            shown,
            enum,
            enum,
        )


def _unknown_value(
    rule: FieldRule,
    path: str,
    text: str,
    problems: list[tuple[str, str]],
    unknown: _Unknown | None,
) -> None:
    """``text`` is not among the values a request may carry: a problem where the list is closed,
    the value may only be returned or breaks the field's format; else an unknown value of an
    open list (sent, warned)."""
    if text in rule.enum_returned_only:
        problems.append((path, f"is a value of {rule.enum} that may only be returned, not sent"))
    elif rule.enum_closed:
        problems.append((path, f"is not a value of {rule.enum} (a closed list)"))
    elif rule.regex is not None and not rule.regex.fullmatch(text):
        problems.append((path, f"must be {rule.meaning} ({rule.format})"))
    elif unknown is not None:
        unknown.append((path, rule.enum, text))


def loose_integer_problems(
    fn: FunctionSpec[Any, Any], given: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Keyword values of numeric fields that are not digits or a whole number (checked before
    Pydantic, which would read ``"+5"``, ``7.0`` or ``True`` as integers)."""
    return _loose_integers(
        {fn.keywords.get(k, k): v for k, v in given.items()}, fn.request_fields, ""
    )


# Per (rules, names in the order given): the names in ASCII order, each with its rule and how its
# value is checked, worked out once. Calls of one function bring the same names call after call
# (model_dump's field order), so the loop below neither sorts nor looks rules up again.
#
# How a value is checked (a step's kind), and what the step holds to check it:
_UNKNOWN = 0  # no such field: None
_OTHER = 1  # containers, lists, booleans, card data, numbers from a list: None (_encode_value);
# text masked whatever it holds, by its name alone: _BY_NAME
_ENUM = 2  # text from a list: the values a request may carry
_TEXT = 3  # other text: the quick test (see _quick), or None
_NUMBER = 4  # a number (digits): the quick test, or None
_Quick = tuple[Callable[[str], bool], int]
_Step = tuple[str, "FieldRule | None", int, Any]
_PLANS: dict[tuple[int, tuple[str, ...]], tuple[Mapping[str, FieldRule], tuple[_Step, ...]]] = {}
_MAX_PLANS = 4096
_BY_NAME = "masked by name"
_QUICK_TESTS: dict[str, Callable[[str], bool]] = {
    "P": str.isprintable,
    "N": str.isdigit,
    "AN": str.isalnum,
    "A": str.isalpha,
}


def _quick(rule: FieldRule) -> _Quick | None:
    """``FieldRule.quick`` as (the ``str`` method that tests the charset, maximum length)."""
    quick = rule.quick
    return (_QUICK_TESTS[quick[0]], quick[1]) if quick is not None else None


def _plan(values: Mapping[str, Any], rules: Mapping[str, FieldRule]) -> tuple[_Step, ...] | None:
    """The steps for these names (None when a name is not text: no plan is made of it)."""
    shape = tuple(values)
    key = (id(rules), shape)
    entry = _PLANS.get(key)
    if entry is not None and entry[0] is rules:
        return entry[1]  # the names are those of the plan: text
    if not all(type(name) is str for name in shape):
        return None
    steps: list[_Step] = []
    for name in sorted(shape):
        rule = rules.get(name)
        if rule is None:
            steps.append((name, None, _UNKNOWN, None))
        elif not rule.is_text or rule.sensitive:
            steps.append((name, rule, _OTHER, None))
        elif masked_by_name(name):  # no mark in this dictionary, but masked (see _redact)
            steps.append((name, rule, _OTHER, _BY_NAME))
        elif rule.kind == "integer":
            if rule.enum_values is not None:
                steps.append((name, rule, _OTHER, None))
            else:
                steps.append((name, rule, _NUMBER, _quick(rule)))
        elif rule.enum_values is not None:
            steps.append((name, rule, _ENUM, rule.enum_values))
        else:
            steps.append((name, rule, _TEXT, _quick(rule)))
    plan = tuple(steps)
    if len(_PLANS) < _MAX_PLANS:
        _PLANS[key] = (rules, plan)  # the rules kept too: an id is unique only while it lives
    return plan


when_marks_change(_PLANS.clear)  # a plan knows which names are masked by name


def _encode_mapping(
    values: Mapping[str, Any],
    rules: Mapping[str, FieldRule],
    required: tuple[str, ...],
    prefix: str,
    problems: list[tuple[str, str]],
    strict: bool = False,
    pin: Pin | None = None,
    unknown: _Unknown | None = None,
) -> dict[str, Any]:
    """The checked wire text of ``values``; ``strict`` (for :func:`encode_keywords`) also files a
    problem for every value the request model would have converted; ``pin`` refuses the fields
    newer than the client's interface version; ``unknown`` collects the unknown values of open
    lists (sent as given)."""
    out: dict[str, Any] = {}
    plan = _plan(values, rules)
    if plan is None:
        problems.append((prefix.rstrip(".") or "request", "has a key that is not a field name"))
        return out
    unpinned = pin is None
    for name, rule, kind, check in plan:
        value = values[name]
        if value is None:
            continue
        if unpinned and type(value) is str and kind > _OTHER and rule is not None:
            # Most values: text for a field with no card data, of this client's version. Only
            # strict mode's canonical digits are left to check before the format (below).
            text = value
            if strict and kind == _NUMBER and not _canonical_digits(text):
                problems.append((prefix + name, _NOT_PLAIN))  # as in _encode_value
                continue
        else:
            if rule is None:
                problems.append((prefix + name, "is not a field of this container"))
                continue
            if pin is not None and rule.since_key > pin.key:
                problems.append((prefix + name, newer_message(rule.since, pin.text)))
                continue
            if type(value) is Masked or rule.sensitive:
                out[name] = _encode_sensitive(value, rule, prefix + name, problems, strict)
                continue
            if kind == _OTHER:
                if strict and check is _BY_NAME:
                    problems.append((prefix + name, _NOT_PLAIN))  # the model path masks it
                    continue
                out[name] = _encode_value(
                    value, rule, prefix + name, problems, strict, pin, unknown
                )
                continue
            if strict and not _plain_scalar(value, rule.kind):
                problems.append((prefix + name, _NOT_PLAIN))  # as in _encode_value
                continue
            if type(value) is str:
                text = value
            elif type(value) is int and kind == _NUMBER:
                text = str(value)
            else:
                out[name] = _encode_value(
                    value, rule, prefix + name, problems, strict, pin, unknown
                )
                continue
        # _encode_value's text and integer cases, inlined (most fields): no call, and no path
        # built unless there is a problem.
        if kind == _ENUM:
            if text not in check and text != "":
                _unknown_value(rule, prefix + name, text, problems, unknown)
        elif (
            check is None or len(text) > check[1] or not text.isascii() or not check[0](text)
        ):  # the quick test did not accept it: the regex decides
            regex = rule.regex
            if regex is not None and not regex.fullmatch(text):
                if text or not rule.empty_allowed:  # "" is valid where the dictionary says so
                    problems.append((prefix + name, f"must be {rule.meaning} ({rule.format})"))
        if PAN_SHORTEST <= len(text) <= PAN_LONGEST and text[0].isdigit():
            # Perhaps a card number where none is expected: masked as mask_fields masks the
            # model path's values (a keyword call's arrive here unmasked).
            masking = kind_of(name, text)
            if masking is not None:
                out[name] = Masked(text, masking)
                continue
        out[name] = text
    for name in required:
        value = out.get(name)
        if value in (None, "", [], {}) and not (value == "" and rules[name].empty_allowed):
            problems.append((prefix + name, "is required"))
    return out


def _encode_sensitive(
    value: Any, rule: FieldRule, path: str, problems: list[tuple[str, str]], strict: bool
) -> Any:
    """A card number, CSC or token: checked like any value, then kept masked on the wire
    fields (revealed only to seal and to write the request)."""
    held = value if type(value) is Masked else None
    encoded = _encode_value(
        held.reveal() if held is not None else value, rule, path, problems, strict
    )
    if isinstance(encoded, str) and encoded:
        if held is not None and held.reveal() == encoded:
            return held
        return Masked(encoded, rule.sensitive or (held.kind if held is not None else "token"))
    return encoded


# What strict mode files for a value the request model would convert: never shown, as
# encode_keywords then hands the call to the model path.
_NOT_PLAIN = "is not a plain value"


def _canonical_digits(text: str) -> bool:
    """Digits the request model would read as a number that prints back the same ("25", "0";
    not "025", "" or "٢")."""
    return text.isdigit() and text.isascii() and (text[0] != "0" or text == "0")


def _plain_scalar(value: Any, kind: str) -> bool:
    """False for a scalar the request model would convert or refuse: a negative integer, or text
    for a number that does not print back the same."""
    if type(value) is int:
        return value >= 0
    return kind != "integer" or (type(value) is str and _canonical_digits(value))


def _encode_value(
    value: Any,
    rule: FieldRule,
    path: str,
    problems: list[tuple[str, str]],
    strict: bool = False,
    pin: Pin | None = None,
    unknown: _Unknown | None = None,
) -> Any:
    kind = rule.kind
    if strict and type(value) not in (str, int, dict, list):
        problems.append((path, _NOT_PLAIN))
        return None
    # type() first: isinstance against an ABC runs Python code (the usual dict and list: not)
    if kind == "container":
        if type(value) is not dict and not isinstance(value, Mapping):
            problems.append((path, "must be a container (a model or a mapping)"))
            return None
        return _encode_mapping(
            value,
            rule.children or {},
            rule.required_children,
            path + ".",
            problems,
            strict,
            pin,
            unknown,
        )
    if kind == "list":
        if type(value) is not list and (
            isinstance(value, (str, bytes)) or not isinstance(value, Sequence)
        ):
            problems.append((path, "must be a list"))
            return None
        item = rule.item
        assert item is not None
        if strict and pin is None and item.kind == "container" and type(value) is list:
            checked = _encode_item_list(value, item)  # issue 16: a cart checked as a whole
            if checked is not None:
                return checked
        return [
            _encode_value(v, item, f"{path}[{i}]", problems, strict, pin, unknown)
            for i, v in enumerate(value)
        ]
    if kind == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
        if value in ("true", "false"):
            return value
        problems.append((path, "must be true or false"))
        return None
    if isinstance(value, bool):
        problems.append((path, f"must be {rule.meaning} ({rule.format}), not a boolean"))
        return None
    if strict and not _plain_scalar(value, kind):
        problems.append((path, _NOT_PLAIN))  # the model refuses -1 and reads "0100" as 100
        return None
    if isinstance(value, int) and kind == "integer":
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        problems.append((path, f"must be text ({rule.format}), not {type(value).__name__}"))
        return None
    if rule.enum_values is not None:
        if text not in rule.enum_values and text != "":
            _unknown_value(rule, path, text, problems, unknown)
    elif rule.regex is not None and not rule.regex.fullmatch(text):
        if text or not rule.empty_allowed:
            problems.append((path, f"must be {rule.meaning} ({rule.format})"))
    return text


# --------------------------------------------------------------------------- lists of containers
#
# Performance (issue 16): the items of a list of containers (a shopping cart of a thousand
# products …) carry the same names, item after item, and their members are plain text. Their
# checks are compiled once per (item rule, names), the way seal.py precompiles its plans, into:
#
# - an ``itemgetter`` of the names in ASCII order (the order of the wire fields);
# - one regular expression for one item: each member's check (its format or pattern, its enum's
#   values, non-empty when required; for a number, canonical digits as strict mode wants them)
#   in that order, separated by NUL, repeated for the following items.
#
# A call then joins every value of every item with NUL and matches the string once, in C. The
# string holds exactly one NUL fewer than values (counted: no value holds a NUL), and no member's
# check matches a NUL, so each value is matched by its own member's check. Anything else (another
# type, other names, a member that is not text, a value that fails) returns None, and the item
# by item path decides and explains, with the same result for the calls this path accepts
# (tests/client/test_wire_fastpath.py checks it).
#
# Card numbers where none is expected are masked, as mask_fields masks the model path's values.
# The expression tried first also refuses a value that starts with 13 digits (a lookahead that
# fails at the first other character: nearly free); only when it fails is the expression without
# that refusal tried, and if that one accepts, the items are masked by mask_fields. A search for
# 13 digits over the joined values would cost more than every other check together.

_SEP = "\x00"
# Custom patterns compiled into a list plan: anchored, and made of what cannot match a NUL (no
# ".", no escapes, no negated class).
_SAFE_PATTERN = re.compile(r"\^[0-9A-Za-z\[\]\-{},()|?:]*\$")
_INTEGER_FORMAT = re.compile(r"N([1-9][0-9]*)")


class _ListPlan(NamedTuple):
    names: tuple[str, ...]  # in ASCII order
    values: Any  # itemgetter of those names
    regex: re.Pattern[str]  # one or more items' values, NUL-separated, in that order; no value
    # starting with digits enough for a card number
    lax: str  # the same, with such values: compiled on the first list that needs it (rare;
    # re's own cache keeps it), not with the plan, which a cold process's first cart pays for


_LIST_PLANS: dict[tuple[int, tuple[str, ...]], tuple[FieldRule, _ListPlan | None]] = {}


def _member_check(rule: FieldRule, required: bool) -> str | None:
    """The regular expression (no anchors) of what strict mode accepts for ``rule``'s text, or
    None when the plan cannot hold it (card data, which must come out masked, included)."""
    if not rule.is_text or rule.sensitive:
        return None
    if rule.kind == "integer":
        # Strict mode wants canonical digits ("0", "25"; not "", "025"); then the format.
        match = _INTEGER_FORMAT.fullmatch(rule.format)
        if rule.enum_values is not None or rule.pattern is not None or match is None:
            return None
        return f"(?:0|[1-9][0-9]{{0,{int(match.group(1)) - 1}}}+)"
    if rule.enum_values is not None:
        if any(_SEP in value for value in rule.enum_values):
            return None
        check = "|".join(re.escape(value) for value in sorted(rule.enum_values, reverse=True))
        check = f"(?:{check})?"  # "" is accepted (absent)
    elif rule.pattern is not None:
        if not _SAFE_PATTERN.fullmatch(rule.pattern):
            return None
        check = f"(?:{rule.pattern[1:-1]})"
    elif rule.format:
        # Possessive repeats ("{0,n}+": the only braces a format's pattern holds): a character
        # class that cannot match NUL never gives back characters to reach the NUL that follows.
        check = f"(?:{format_pattern(rule.format)[1:-1].replace('}', '}+')})"
    else:
        check = f"[^{_SEP}]*+"
    return f"(?=[^{_SEP}]){check}" if required else check


def _list_plan(item: FieldRule, names: tuple[str, ...]) -> _ListPlan | None:
    key = (id(item), names)
    entry = _LIST_PLANS.get(key)
    if entry is not None and entry[0] is item:
        return entry[1]
    plan: _ListPlan | None = None
    children = item.children or {}
    required = item.required_children
    ordered = tuple(sorted(names))
    checks = [
        _member_check(children[name], name in required)
        if name in children and not masked_by_name(name)
        else None
        for name in ordered
    ]
    if len(ordered) > 1 and set(required) <= set(names) and None not in checks:
        lax = _SEP.join(str(check) for check in checks)
        one = _SEP.join(
            str(check) if _short_number(children[name]) else f"{_NO_CARD_NUMBER}{check}"
            for name, check in zip(ordered, checks, strict=True)
        )
        plan = _ListPlan(
            ordered,
            itemgetter(*ordered),
            re.compile(f"{one}(?:{_SEP}{one})*"),
            f"{lax}(?:{_SEP}{lax})*",
        )
    if len(_LIST_PLANS) < _MAX_PLANS:
        _LIST_PLANS[key] = (item, plan)  # the rule kept too: an id is unique only while it lives
    return plan


when_marks_change(_LIST_PLANS.clear)  # a plan leaves out the names masked by name
_NO_CARD_NUMBER = rf"(?!\d{{{PAN_SHORTEST}}})"  # \d as in _redact: any digit, not only ASCII


def _short_number(rule: FieldRule) -> bool:
    """True for a number too short to be a card number (whose check is digits of its format)."""
    match = _INTEGER_FORMAT.fullmatch(rule.format) if rule.kind == "integer" else None
    return match is not None and int(match.group(1)) < PAN_SHORTEST


def _encode_item_list(items: list[Any], item: FieldRule) -> list[dict[str, Any]] | None:
    """The wire form of a list of containers whose items are dicts of the same names holding
    plain text that passes every check; None for anything else (the caller then goes item by
    item)."""
    if not items or set(map(type, items)) != {dict}:
        return None
    names = tuple(items[0])
    if set(map(type, names)) != {str}:  # a key that is not text: the item path names it
        return None
    plan = _list_plan(item, names)
    if plan is None:
        return None
    rows: list[tuple[str, ...]] | None = None
    # Every item's names, one after the other, are the first item's repeated: a dict's names are
    # distinct, so no item can hold more or fewer of them. (Lists compare by identity first:
    # about 0.06 µs an item less than a tuple of each item's names counted.)
    if names == plan.names and list(chain.from_iterable(items)) == list(names) * len(items):
        # Every item has the names in ASCII order already: its values are in the plan's order.
        values: Any = map(dict.values, items)
    elif set(map(len, items)) == {len(names)}:
        try:  # as many names as the first item, every one of them: the same names
            rows = list(map(plan.values, items))
        except KeyError:
            return None
        values = rows
    else:
        return None
    flat = list(chain.from_iterable(values))
    if list(map(type, flat)).count(str) != len(flat):  # exactly str, no subclass
        return None
    joined = _SEP.join(flat)
    if joined.count(_SEP) != len(flat) - 1:
        return None
    masking = False
    if plan.regex.fullmatch(joined) is None:
        if re.fullmatch(plan.lax, joined) is None:
            return None
        masking = True  # digits enough for a card number: mask_fields decides (and copies)
    if rows is None:  # already the wire form: in ASCII order, plain text
        return list(map(mask_fields if masking else dict.copy, items))
    wire = map(dict, map(zip, repeat(plan.names), rows))
    return list(map(mask_fields, wire)) if masking else list(wire)


def seal_request(
    fn: FunctionSpec[Any, Any],
    fields: Mapping[str, Any],
    envelope: Mapping[str, str],
    sealer: Sealer,
) -> dict[str, Any]:
    """Add the envelope fields, order the keys as the seal does, then append the seal.

    Fields holding a character no protocol can carry are refused here: the seal string holds
    every value, so one search over it replaces a walk of the whole request. The seal string
    holds card data in clear: it is dropped before anything is raised.
    """
    merged = dict(fields)
    merged.update(envelope)
    sealed = {name: merged[name] for name in sorted(merged)}
    text = seal_string(sealed)
    maybe_unsendable = _may_be_unsendable(fields, text)
    seal = sealer.seal_of_string(text)
    del text
    if maybe_unsendable:
        problems = _unsendable_text(fields, "")
        if problems:
            raise RequestValidationError(fn.qualified_name, problems)
    sealed["seal"] = seal
    return sealed


# What no format of the dictionary allows and XML 1.0 (SOAP) or UTF-8 (JSON) cannot carry: control
# characters (tab, CR and LF included), lone surrogates, U+FFFE/U+FFFF. The format rules already
# refuse them in fields with a format; this also covers fields without one (enums, patterns).
# Written as the characters it refuses, not as the complement of those it allows: the same code
# points (checked over all of Unicode), compiled at import in 0.5 ms instead of 2.4 ms.
_UNSENDABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


_DIGITS = re.compile(r"[0-9]+")  # used with fullmatch: "$" would accept "7\n"


def _loose_integers(
    values: Mapping[str, Any], rules: Mapping[str, FieldRule], prefix: str
) -> list[tuple[str, str]]:
    """Numeric fields given as anything but digits or a whole number (by path, never the value).

    Pydantic would read ``"+5"``, ``" 7"``, ``"1_000"``, ``"7.0"``, ``7.0`` or ``True`` as
    integers; for an amount each of those is a bug in the caller, so it is refused here.
    """
    problems: list[tuple[str, str]] = []
    by_name = _loose_names(rules)
    for name, value in values.items():
        rule = rules.get(name) or by_name.get(str(name).replace("_", "").lower())
        if rule is None or value is None:
            continue
        if rule.kind not in ("integer", "container", "list"):
            continue  # performance (issue 7): _loose_integer has nothing to say; no path built
        path = f"{prefix}{rule.name}"
        problems += _loose_integer(value, rule, path)
    return problems


_LOOSE_NAMES: dict[int, tuple[Mapping[str, FieldRule], dict[str, FieldRule]]] = {}


def _loose_names(rules: Mapping[str, FieldRule]) -> dict[str, FieldRule]:
    """Performance (issue 7): ``rules`` by name without underscores, lower-cased, worked out once
    per mapping (the generated mappings live as long as the process; the mapping is kept with
    its index, as an id is only unique while its object lives)."""
    entry = _LOOSE_NAMES.get(id(rules))
    if entry is not None and entry[0] is rules:
        return entry[1]
    by_name = {name.replace("_", "").lower(): rule for name, rule in rules.items()}
    if len(_LOOSE_NAMES) < 4096:
        _LOOSE_NAMES[id(rules)] = (rules, by_name)
    return by_name


def _loose_integer(value: Any, rule: FieldRule, path: str) -> list[tuple[str, str]]:
    if rule.kind == "container" and isinstance(value, Mapping):
        return _loose_integers(value, rule.children or {}, path + ".")
    if rule.kind == "list" and isinstance(value, (list, tuple)) and rule.item is not None:
        item = rule.item
        return [p for i, v in enumerate(value) for p in _loose_integer(v, item, f"{path}[{i}]")]
    if rule.kind != "integer" or rule.enum_values is not None:
        return []
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return []
    if isinstance(value, str) and (value == "" or _DIGITS.fullmatch(value)):
        return []
    return [(path, f"must be {rule.meaning} ({rule.format}): digits or a whole number")]


def _may_be_unsendable(fields: Mapping[str, Any], text: str) -> bool:
    """Performance (issue 7): one search over ``text``, the seal string of ``fields`` (and of the
    envelope), which holds every text value of the request, instead of a walk that builds every
    field's path; :func:`_unsendable_text` walks only when the search finds something (or when a
    top-level name the seal leaves out is among ``fields``)."""
    # str.isprintable() is False for every character _UNSENDABLE finds (control characters are
    # Cc, surrogates Cs, U+FFFE/U+FFFF unassigned) and runs in a tight loop: only a text that
    # holds some other non-printable character (a no-break space …) is searched.
    return not EXCLUDED_FIELDS.isdisjoint(fields) or (
        not text.isprintable() and _UNSENDABLE.search(text) is not None
    )


def _unsendable_text(value: Any, path: str) -> list[tuple[str, str]]:
    """Fields holding characters no protocol can carry, by path (never the value)."""
    problems: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for name, item in value.items():
            problems += _unsendable_text(item, f"{path}.{name}" if path else str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _unsendable_text(item, f"{path}[{index}]")
    elif type(value) is Masked and isinstance(value.reveal(), str):
        problems += _unsendable_text(value.reveal(), path)
    elif isinstance(value, str) and _UNSENDABLE.search(value):
        problems.append(
            (
                path,
                "holds a character that no format allows and that cannot be sent (a control "
                "character, a lone surrogate or U+FFFE/U+FFFF)",
            )
        )
    return problems
