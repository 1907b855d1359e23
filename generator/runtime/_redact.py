"""Masking of card data and secrets for logs and reprs.

Which fields are sensitive comes from the spec (``sensitive: pan | csc | token | secret``), written
by the generator into ``_constants.SENSITIVE_FIELDS``. As a second line of defence, any value made of
13 to 19 digits in a field the spec does not know is masked like a card number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._constants import SENSITIVE_FIELDS

_PAN_LIKE = re.compile(r"^\d{13,19}$")
_UNKNOWN_SENSITIVE_NAME = re.compile(r"(?i)(pan|cardnumber|csc|cvv|cvc|token|secret|password)$")


def mask_value(kind: str, value: Any) -> str:
    """The masked form of a sensitive value: PAN to its last 4 digits, the rest removed."""
    if kind == "pan":
        text = str(value)
        return f"****{text[-4:]}" if len(text) > 4 else "****"
    if kind == "token":
        return f"<token, {len(str(value))} chars>"
    return "<removed>"


def _kind_of(name: str, value: Any) -> str | None:
    kind = SENSITIVE_FIELDS.get(name)
    if kind is not None:
        return kind
    if name == "maskedPan":
        return None
    if isinstance(value, str) and _PAN_LIKE.match(value) and _UNKNOWN_SENSITIVE_NAME.search(name):
        return "pan"
    if isinstance(value, str) and _UNKNOWN_SENSITIVE_NAME.search(name):
        return "token"
    return None


def redact(fields: Any) -> Any:
    """A copy of a wire structure (dicts, lists, scalars) safe to log."""
    if isinstance(fields, Mapping):
        out: dict[str, Any] = {}
        for name, value in fields.items():
            kind = _kind_of(str(name), value) if not isinstance(value, (Mapping, list)) else None
            if kind is not None and value not in (None, ""):
                out[name] = mask_value(kind, value)
            else:
                out[name] = redact(value)
        return out
    if isinstance(fields, list):
        return [redact(item) for item in fields]
    return fields
