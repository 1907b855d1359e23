# Copied by `python -m generator` from generator/runtime/_wire.py. Do not edit here: edit the original and regenerate.
"""From a request model to the sealed field dictionary sent on the wire, and back.

On the wire every scalar is text, as in the dictionary's samples (``"amount": "2500"``), booleans
are ``true``/``false``, and keys are in ASCII order at every level (the seal order). The same
dictionary is sent as JSON or turned into a SOAP body, so both protocols carry identical seals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ._errors import RequestValidationError
from ._metadata import FieldRule, FunctionSpec
from .seal import compute_seal


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


def _path(loc: Sequence[int | str], fn: FunctionSpec[Any, Any]) -> str:
    path = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = fn.keywords.get(part, part) if i == 0 else part
            path += f".{name}" if path else name
    return path or "request"


def encode_request(fn: FunctionSpec[Any, Any], model: Any) -> dict[str, Any]:
    """The request's fields as wire text, checked against the dictionary's formats and enums."""
    data = model.model_dump(by_alias=True, exclude_none=True)
    problems: list[tuple[str, str]] = []
    wire = _encode_mapping(data, fn.request_fields, fn.required_fields, "", problems)
    if problems:
        raise RequestValidationError(fn.qualified_name, problems)
    return wire


def _encode_mapping(
    values: Mapping[str, Any],
    rules: Mapping[str, FieldRule],
    required: tuple[str, ...],
    prefix: str,
    problems: list[tuple[str, str]],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(values):
        value = values[name]
        if value is None:
            continue
        rule = rules.get(name)
        if rule is None:
            problems.append((prefix + name, "is not a field of this container"))
            continue
        if type(value) is str and rule.is_text:
            # _encode_value's text case, inlined (most fields): no call, no path unless a problem.
            if rule.enum_values is not None:
                if value not in rule.enum_values and value != "":
                    problems.append(
                        (prefix + name, f"is not a value of {rule.enum} that a request may carry")
                    )
            else:
                quick = rule.quick
                if (
                    quick is None
                    or len(value) > quick[1]
                    or not value.isascii()
                    or not (
                        value.isprintable()
                        if quick[0] == "P"
                        else value.isdigit()
                        if quick[0] == "N"
                        else value.isalnum()
                        if quick[0] == "AN"
                        else value.isalpha()
                    )
                ):  # the quick test did not accept it: the regex decides
                    regex = rule.regex
                    if regex is not None and not regex.match(value):
                        problems.append((prefix + name, f"must be {rule.meaning} ({rule.format})"))
            out[name] = value
        else:
            out[name] = _encode_value(value, rule, prefix + name, problems)
    for name in required:
        if out.get(name) in (None, "", [], {}):
            problems.append((prefix + name, "is required"))
    return out


def _encode_value(value: Any, rule: FieldRule, path: str, problems: list[tuple[str, str]]) -> Any:
    kind = rule.kind
    if kind == "container":
        if not isinstance(value, Mapping):
            problems.append((path, "must be a container (a model or a mapping)"))
            return None
        return _encode_mapping(
            value, rule.children or {}, rule.required_children, path + ".", problems
        )
    if kind == "list":
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            problems.append((path, "must be a list"))
            return None
        item = rule.item
        assert item is not None
        return [_encode_value(v, item, f"{path}[{i}]", problems) for i, v in enumerate(value)]
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
    if isinstance(value, int) and kind == "integer":
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        problems.append((path, f"must be text ({rule.format}), not {type(value).__name__}"))
        return None
    if rule.enum_values is not None:
        if text not in rule.enum_values and text != "":
            problems.append((path, f"is not a value of {rule.enum} that a request may carry"))
    elif rule.regex is not None and not rule.regex.match(text):
        problems.append((path, f"must be {rule.meaning} ({rule.format})"))
    return text


def seal_request(
    fields: Mapping[str, Any],
    envelope: Mapping[str, str],
    secret_key: str,
    algorithm: str,
) -> dict[str, Any]:
    """Add the envelope fields, order the keys as the seal does, then append the seal."""
    merged = dict(fields)
    merged.update(envelope)
    sealed = {name: merged[name] for name in sorted(merged)}
    sealed["seal"] = compute_seal(sealed, secret_key, algorithm)
    return sealed
