"""Masking of card data and secrets for logs, reprs and error messages.

Which fields are sensitive comes from the spec (``sensitive: pan | csc | token | secret``): the
generated package's :class:`~sogenactif_core._dictionary.DataDictionary` registers them here
(:func:`add_sensitive_fields`). Two more lines of defence, because a newer platform may send fields
the spec does not know yet:

- a field whose name looks sensitive (``…pan``, ``…cardNumber``, ``…csc``, ``…token``,
  ``…password`` …) is masked whatever its value;
- any value of 13 to 19 digits that passes the Luhn check is masked like a card number, except in
  the few identifier fields known to be digits (``merchantId`` …).

Masked forms: a PAN keeps its last 4 digits (``****1234``), a token its length, the rest
(CSC, passwords, keys) is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._masked import Masked

# Field name -> how its value is masked (pan, csc, token, secret); see add_sensitive_fields.
SENSITIVE_FIELDS: dict[str, str] = {}

_PAN_LIKE = re.compile(r"^\d{13,19}$")
_DIGIT_RUN = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
# A card number written in groups ("4973 0199 9991 2764", "4973-0199-…").
_SPACED_DIGITS = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SENSITIVE_NAME = re.compile(
    r"(?i)(pan|cardnumber|csc|cscvalue|cvv|cvc|cvx|token|secret|secretkey|password|pwd)$"
)
# Names that end like a sensitive one but hold no card data.
_NOT_SENSITIVE = frozenset({"maskedPan", "panType", "panEntryMode", "tokenPanType"})
# Identifiers made of digits that may pass the Luhn check by chance.
_DIGIT_IDENTIFIERS = frozenset(
    {
        "merchantId",
        "intermediateServiceProviderId",
        "paymentTokenConsumerMerchantId",
        "fromMerchantId",
    }
)


def add_sensitive_fields(fields: Mapping[str, str]) -> None:
    """Mask these fields from now on (a dictionary's ``sensitive`` marks). Masking only grows:
    a field marked by one dictionary stays masked for every other one in the process."""
    SENSITIVE_FIELDS.update(fields)
    _NAME_RULES.clear()  # the names' rules are worked out again with the new marks
    for forget in _MARKS_WATCHERS:
        forget()


# What other modules worked out from the names' rules (the encoder's plans): forgotten when the
# marks change.
_MARKS_WATCHERS: list[Callable[[], None]] = []


def when_marks_change(forget: Callable[[], None]) -> None:
    """Call ``forget`` whenever :func:`add_sensitive_fields` adds marks."""
    _MARKS_WATCHERS.append(forget)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn check (as every card number does)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_value(kind: str, value: Any) -> str:
    """The masked form of a sensitive value: PAN to its last 4 digits, the rest removed."""
    if kind == "pan":
        text = str(value)
        return f"****{text[-4:]}" if len(text) > 8 else "****"
    if kind == "token":
        return f"<token, {len(str(value))} chars>"
    return "<removed>"


# Field name -> how its values are masked, worked out once per name: every answer brings the same
# few hundred names, and each is looked at on every call (``mask_fields``). A rule is a kind from
# the dictionary's marks (``pan``, ``csc`` …), or one of these:
_NEVER = "never"  # a name known to hold no card data (maskedPan, merchantId …)
_BY_NAME = "by name"  # the name looks sensitive: a card number or else a token
_BY_VALUE = "by value"  # any other name: masked only if the value is a Luhn-valid card number
_NAME_RULES: dict[str, str] = {}
_NAMES_KEPT = 4096  # names come from servers too: bounded


def _name_rule(name: str) -> str:
    rule = SENSITIVE_FIELDS.get(name)
    if rule is None:
        if name in _NOT_SENSITIVE or name in _DIGIT_IDENTIFIERS:
            rule = _NEVER
        elif _SENSITIVE_NAME.search(name) is not None:
            rule = _BY_NAME
        else:
            rule = _BY_VALUE
    if len(_NAME_RULES) < _NAMES_KEPT:
        _NAME_RULES[name] = rule
    return rule


# The lengths _PAN_LIKE can match: 13 to 19 digits, and a final "\n" its "$" lets through.
PAN_SHORTEST, PAN_LONGEST = 13, 20


def _card_number_like(value: str) -> bool:
    # The length first: most values are far from a card number's.
    return PAN_SHORTEST <= len(value) <= PAN_LONGEST and _PAN_LIKE.match(value) is not None


def _kind(rule: str, value: str) -> str | None:
    """How ``value`` is masked under its name's ``rule`` (None: shown)."""
    if rule is _BY_VALUE:  # the Luhn check over the digits ("$" lets a final "\n" through)
        return "pan" if _card_number_like(value) and luhn_valid(value.rstrip("\n")) else None
    if rule is _NEVER:
        return None
    if rule is _BY_NAME:
        return "pan" if _card_number_like(value) else "token"
    return rule


def masked_by_name(name: str) -> bool:
    """True when every value of field ``name`` is masked, whatever it holds (by a dictionary's
    mark or a name that looks sensitive); False when only a card number would be."""
    rule = _NAME_RULES.get(name) or _name_rule(name)
    return rule is not _BY_VALUE and rule is not _NEVER


def kind_of(name: str, value: Any) -> str | None:
    """How the value of field ``name`` must be masked, or None when it may be shown."""
    rule = _NAME_RULES.get(name)
    if rule is None:
        rule = _name_rule(name)
    return _kind(rule, value if isinstance(value, str) else "")


def redact_value(name: str, value: Any) -> Any:
    """``value`` of field ``name``, masked if sensitive (containers and lists walked)."""
    if type(value) is Masked:
        return mask_value(value.kind, value.reveal()) if value.kind != "body" else repr(value)
    if isinstance(value, Mapping):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return [redact_value(name, item) for item in value]
    if value is None or value == "":
        return value
    kind = kind_of(name, value if isinstance(value, str) else str(value))
    return mask_value(kind, value) if kind is not None else value


def redact(fields: Any) -> Any:
    """A copy of a wire structure (dicts, lists, scalars) safe to log."""
    if isinstance(fields, Mapping):
        return {name: redact_value(str(name), value) for name, value in fields.items()}
    if isinstance(fields, (list, tuple)):
        return [redact(item) for item in fields]
    return fields


def scrub_text(text: str, known: Iterable[str] = ()) -> str:
    """Free text from the server (a SOAP fault string …): every value the request held masked
    (``known``: its card number, CSC, token …) removed wherever it appears, and card-number-like
    digits masked, written in one run or in groups."""
    for value in sorted({v for v in known if len(v) >= 3}, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mask_value("pan", value) if value.isdigit() else "<removed>")
    text = _SPACED_DIGITS.sub(_mask_spaced, text)
    return _DIGIT_RUN.sub(lambda m: mask_value("pan", m.group(0)), text)


def _mask_spaced(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return mask_value("pan", digits)
    return match.group(0)


def mask_fields(value: Any) -> Any:
    """A copy of a structure of dicts and lists (keyword arguments, wire fields, a decoded
    response) with the values of sensitive fields masked: by the dictionary's marks, by names
    that look sensitive, and any Luhn-valid card-number-like text (``_redact.kind_of``).
    Objects that are neither (models: their reprs mask) are kept as they are."""
    if isinstance(value, dict):
        rules = _NAME_RULES
        out: dict[Any, Any] = {}
        for name, item in value.items():
            if type(item) is str:  # most values: kind_of, inlined
                rule = rules.get(name)
                if rule is None:
                    if not isinstance(name, str):
                        out[name] = item
                        continue
                    rule = _name_rule(name)
                if rule is _BY_VALUE and not PAN_SHORTEST <= len(item) <= PAN_LONGEST:
                    out[name] = item  # most names and values: not a card number (_kind)
                    continue
                kind = _kind(rule, item)
                out[name] = Masked(item, kind) if kind is not None else item
            elif isinstance(item, (dict, list, tuple)):
                out[name] = mask_fields(item)
            elif item is None or type(item) is Masked or isinstance(item, bool):
                out[name] = item
            else:
                kind = kind_of(name, str(item)) if isinstance(name, str) else None
                out[name] = Masked(item, kind) if kind else item
        return out
    if isinstance(value, (list, tuple)):
        return [mask_fields(item) for item in value]
    return value
