"""Every kind of change the spec diff reports: its stable id, area, message, severities and what
it does to the Python names integrators write.

A kind's severity depends on the direction integrators use the changed thing in: ``sent`` where
they send it (a request), ``received`` where they receive it (a response). Things without a
direction (the platform, services, functions) have one severity. The comparison lowers or raises
a severity where the context decides (something not visible at the target interface version, an
envelope field the client fills in, a value that may not be sent); ``docs/spec-diff.md``
documents every case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["ERR", "WARN", "INFO"]
SEVERITIES: tuple[Severity, ...] = ("ERR", "WARN", "INFO")
RANK: dict[str, int] = {"INFO": 0, "WARN": 1, "ERR": 2}
REQUEST, RESPONSE = "request", "response"

# What a change does to a Python name (a keyword argument, a response attribute, an enum member,
# a method): it appears or goes, accepts or holds fewer or more values, changes type, or must now
# be given (keyword) / is always there (attribute), or no longer.
Effect = Literal["appears", "goes", "narrows", "widens", "changes", "required", "optional"]
EFFECTS: tuple[Effect, ...] = (
    "goes",
    "appears",
    "narrows",
    "widens",
    "changes",
    "required",
    "optional",
)


def highest(severities: Iterable[Severity]) -> Severity:
    """The most severe of ``severities``; INFO when there is none."""
    return max(severities, key=lambda s: RANK[s], default="INFO")


@dataclass(frozen=True)
class ChangeKind:
    """One kind of change, e.g. ``request-field-removed``."""

    id: str
    area: str  # service, function, request-field, format, enum-value, documentation, ...
    template: str  # the message; the comparison fills in the {words}
    sent: Severity  # the severity where integrators send the changed thing
    received: Severity  # the severity where they receive it
    directional: bool  # False: one severity wherever the thing is used (sent == received)
    effect: Effect | None = None  # on the Python name of the changed thing, if it has one

    def severity(
        self,
        directions: Iterable[str],
        *,
        sent: Severity | None = None,
        received: Severity | None = None,
    ) -> Severity:
        """The highest severity among the ``directions`` the thing is used in (INFO when it is
        used nowhere). ``sent`` and ``received`` replace the catalogue's columns where the
        comparison knows better (see the module's docstring)."""
        sent, received = sent or self.sent, received or self.received
        if not self.directional:
            return highest((sent, received))
        return highest(sent if d == REQUEST else received for d in directions)


class _Kind(NamedTuple):
    """A catalogue entry; ``received=None``: the kind has no direction (one severity)."""

    area: str | None  # None in _USE_KINDS: the prefix's own area
    template: str
    sent: Severity
    received: Severity | None = None
    effect: Effect | None = None


# Changes to a list of field uses: a function's request or response, or a container's members.
# The id is ``<prefix>-<suffix>``, the area the kind's or else the prefix's own.
USE_PREFIXES = {
    "request-field": "request-field",
    "response-field": "response-field",
    "container-member": "container",
}

# A change to a field's definition in fields.yaml is reported once, as ``field-<suffix>``, with
# the highest severity of the functions whose use of the field it changes. Only these suffixes
# can come from fields.yaml; the others belong to one function's use (presence, additions ...).
SHARED_FIELD_PREFIX = "field"

_USE_KINDS: dict[str, _Kind] = {
    "added": _Kind(
        None,
        "new {presence} {label} {name} (since {since}){later}{hint}",
        "INFO",
        "INFO",
        "appears",
    ),
    "added-required": _Kind(
        None, "new required {label} {name} (since {since}){later}{hint}", "ERR", "INFO", "appears"
    ),
    "removed": _Kind(None, "{label} {name} removed (was {old})", "ERR", "WARN", "goes"),
    # a rename is the old name going and the new one appearing (the comparison names both)
    "renamed": _Kind(None, "{label} {name} renamed from {old} (same definition)", "ERR", "WARN"),
    "order-changed": _Kind(
        None, "order of the {label}s changed (it is the SOAP element order)", "INFO", "INFO"
    ),
    "became-required": _Kind(
        "presence", "{label} {name} is now required (was {old}){hint}", "ERR", "INFO", "required"
    ),
    "became-optional": _Kind(
        "presence", "{label} {name} is now {new} (was required){hint}", "INFO", "WARN", "optional"
    ),
    "presence-changed": _Kind(
        "presence", "{label} {name} is now {new} (was {old})", "INFO", "INFO"
    ),
    "no-longer-available": _Kind(
        "interface-version",
        "{label} {name} now dates from {new}, after the target {target}: it leaves the "
        "generated client",
        "ERR",
        "WARN",
        "goes",
    ),
    "now-available": _Kind(
        "interface-version",
        "{presence} {label} {name} is now in the target {target} (since {new})",
        "ERR",  # a required field; an optional one is an addition: INFO
        "INFO",
        "appears",
    ),
    "since-changed": _Kind(
        "interface-version", "{label} {name} now dates from {new} (was {old})", "INFO", "INFO"
    ),
    "type-changed": _Kind(
        "type", "type of {label} {name} changed: {old} → {new}", "ERR", "ERR", "changes"
    ),
    "container-changed": _Kind(
        "type", "{label} {name} now holds a {new} (was {old})", "ERR", "ERR", "changes"
    ),
    "item-name-changed": _Kind(
        "type", "SOAP element of one item of {label} {name} changed", "INFO", "INFO"
    ),
    "enum-changed": _Kind(
        "enum",
        "{label} {name} now takes enum {new_enum} (was {old_enum}){why}",
        "ERR",  # when a value that could be sent is no longer allowed, else INFO
        "WARN",  # when new values can arrive, else INFO
        "changes",  # narrows or widens when it only does that
    ),
    "format-narrowed": _Kind(
        "format", "format of {label} {name} narrowed: {old} → {new}{why}", "ERR", "INFO", "narrows"
    ),
    "format-widened": _Kind(
        "format", "format of {label} {name} widened: {old} → {new}{why}", "INFO", "WARN", "widens"
    ),
    "format-changed": _Kind(
        "format",
        "format of {label} {name} changed: {old} → {new}",
        "ERR",  # when it narrows one way and widens another; INFO when neither
        "WARN",
        "changes",
    ),
    "alternative-format-narrowed": _Kind(
        "format",
        "alternative format of {label} {name} narrowed: {old} → {new}{why}",
        "ERR",
        "INFO",
        "narrows",
    ),
    "alternative-format-widened": _Kind(
        "format",
        "alternative format of {label} {name} widened: {old} → {new}{why}",
        "INFO",
        "WARN",
        "widens",
    ),
    "alternative-format-changed": _Kind(
        "format",
        "alternative format of {label} {name} changed: {old} → {new}",
        "ERR",
        "WARN",
        "changes",
    ),
    "min-length-changed": _Kind(
        "format",
        "minimum length of {label} {name} changed: {old} → {new}",
        "ERR",  # when raised, else INFO
        "INFO",
        "narrows",  # widens when lowered
    ),
    "pattern-changed": _Kind(
        "format",
        "pattern of {label} {name} {verb}",
        "WARN",  # ERR when a pattern is added, INFO when one is removed
        "INFO",
        "changes",  # narrows when added, widens when removed
    ),
    "empty-allowed": _Kind(
        "format", '{label} {name} may now be sent empty ("")', "INFO", "INFO", "widens"
    ),
    "empty-refused": _Kind(
        "format",
        '{label} {name} may no longer be sent empty (""): "" now counts as absent',
        "ERR",
        "INFO",
        "narrows",
    ),
    "sensitive-removed": _Kind(
        "security",
        "{label} {name} is no longer sensitive: it stops being masked in logs and reprs",
        "WARN",
        "WARN",
    ),
    "sensitive-added": _Kind("security", "{label} {name} is now masked as {new}", "INFO", "INFO"),
    "sensitive-changed": _Kind(
        "security", "{label} {name} is now masked as {new} (was {old})", "INFO", "INFO"
    ),
}

SHARED_FIELD_SUFFIXES = (
    "no-longer-available",
    "now-available",
    "since-changed",
    "type-changed",
    "container-changed",
    "item-name-changed",
    "enum-changed",
    "format-narrowed",
    "format-widened",
    "format-changed",
    "alternative-format-narrowed",
    "alternative-format-widened",
    "alternative-format-changed",
    "min-length-changed",
    "pattern-changed",
    "empty-allowed",
    "empty-refused",
    "sensitive-removed",
    "sensitive-added",
    "sensitive-changed",
)

_TARGET = "after the target {target}"

_KINDS: dict[str, _Kind] = {
    "latest-interface-version-changed": _Kind(
        "interface-version",
        "latest interface version {old} → {new}: the generated client targets {new}{why}",
        "INFO",  # WARN when lowered
    ),
    "environment-added": _Kind("url", "new environment {env}", "INFO"),
    "environment-removed": _Kind(
        "url", "environment {env} removed: clients configured for it fail", "ERR"
    ),
    "environment-host-changed": _Kind(
        "url", "host of the {env} environment changed: every call goes elsewhere", "ERR"
    ),
    "rest-path-changed": _Kind("url", "REST path changed: every REST call goes elsewhere", "ERR"),
    "soap-path-changed": _Kind("url", "SOAP path changed: every SOAP call goes elsewhere", "ERR"),
    "soap-namespace-changed": _Kind(
        "url", "SOAP namespace changed: every SOAP message changes", "ERR"
    ),
    "soap-optional-fields-changed": _Kind(
        "url",
        "fields the SOAP schema leaves optional changed: {old} → {new} (the generated XSD only; "
        "the client sends them all the same)",
        "INFO",
    ),
    "service-soap-namespace-changed": _Kind(
        "url",
        "SOAP namespace of {service} changed: every SOAP message of the service changes "
        "(Client(soap_namespaces=…) can restore the old one)",
        "ERR",
    ),
    "seal-default-algorithm-changed": _Kind(
        "seal",
        "default seal algorithm changed: seals made with the old default no longer match",
        "WARN",
    ),
    "seal-algorithm-added": _Kind("seal", "seal algorithm {new} added", "INFO"),
    "seal-algorithm-removed": _Kind(
        "seal", "seal algorithm {old} removed: integrators using it fail", "ERR"
    ),
    "seal-excluded-fields-changed": _Kind(
        "seal", "fields left out of the seal changed: every seal is computed differently", "ERR"
    ),
    "envelope-field-added": _Kind(
        "request-field",
        "{new} is now filled in by the client: it is no longer a keyword argument",
        "WARN",
        effect="goes",
    ),
    "envelope-field-removed": _Kind(
        "request-field",
        "{old} is no longer filled in by the client: integrators may have to pass it",
        "WARN",
        effect="appears",
    ),
    "service-added": _Kind(
        "service", "new service {service} ({new}), functions: {functions}", "INFO", None, "appears"
    ),
    "service-removed": _Kind(
        "service",
        "service {service} removed, functions: {functions}",
        "ERR",  # INFO when none of its functions was visible
        effect="goes",
    ),
    "service-interface-prefix-changed": _Kind(
        "interface-version",
        "interfaceVersion prefix of {service} changed: the old prefix is refused",
        "ERR",
    ),
    "function-added": _Kind(
        "function", "new function {where} (since {since}){later}", "INFO", effect="appears"
    ),
    "function-removed": _Kind(
        "function",
        "function {where} removed: calls to it fail",
        "ERR",  # INFO when it was not visible
        effect="goes",
    ),
    "function-renamed": _Kind(
        "function",
        "function {where} renamed from {old} (same fields): calls to the old name fail",
        "ERR",  # INFO when it was not visible
    ),
    "function-no-longer-available": _Kind(
        "interface-version",
        "function {where} now dates from {new}, " + _TARGET + ": it leaves the generated client",
        "ERR",
        effect="goes",
    ),
    "function-now-available": _Kind(
        "interface-version",
        "function {where} is now in the target {target} (since {new})",
        "INFO",
        effect="appears",
    ),
    "function-since-changed": _Kind(
        "interface-version", "function {where} now dates from {new}", "INFO"
    ),
    "function-recommended-version-changed": _Kind(
        "interface-version",
        "recommended interface version of {where} changed: {old} → {new}",
        "INFO",
    ),
    "function-resend-changed": _Kind(
        "retry",
        "whether a RetryPolicy may resend {where} after 90/99: {old} → {new}",
        "WARN",  # INFO when it may no longer be resent
    ),
    "function-url-added": _Kind("url", "{kind} URL for {env} added", "INFO"),
    "function-url-removed": _Kind("url", "{kind} URL for {env} removed", "INFO"),
    "function-url-changed": _Kind("url", "{kind} URL for {env} changed: calls go elsewhere", "ERR"),
    "container-added": _Kind("container", "new container {container}", "INFO", effect="appears"),
    "container-removed": _Kind("container", "container {container} removed", "INFO", effect="goes"),
    "enum-added": _Kind("enum", "new enum {enum} ({count} values)", "INFO", effect="appears"),
    "enum-removed": _Kind("enum", "enum {enum} removed", "INFO", effect="goes"),
    "enum-closed": _Kind(
        "enum",
        "{enum} is now a closed list{why}",
        "ERR",  # a request value it does not list, sent until now with a warning, is refused
        "INFO",
        "narrows",
    ),
    "enum-opened": _Kind(
        "enum",
        "{enum} is now an open list: a request value this client does not know is sent as "
        "given, with a warning",
        "INFO",
        "INFO",
        "widens",
    ),
    "enum-value-added": _Kind(
        "enum-value",
        "{enum} gains {value!r} (since {since}){later}{why}",
        "INFO",
        "WARN",
        "appears",
    ),
    "enum-value-removed": _Kind(
        "enum-value",
        "{value!r} removed from {enum}{why}",
        "ERR",  # INFO for a value that may not be sent (request: false)
        "WARN",
        "goes",
    ),
    "enum-value-no-longer-sendable": _Kind(
        "enum-value",
        "{value!r} of {enum} may now only be returned, not sent",
        "ERR",
        "INFO",
        "narrows",
    ),
    "enum-value-now-sendable": _Kind(
        "enum-value", "{value!r} of {enum} may now be sent", "INFO", "INFO", "widens"
    ),
    # the old member going and the new one appearing (the comparison names both)
    "enum-value-name-changed": _Kind(
        "enum-value",
        "Python member of {value!r} renamed {old} → {new}: code that names it breaks",
        "WARN",
    ),
    "enum-value-no-longer-available": _Kind(
        "interface-version",
        "{value!r} of {enum} now dates from {new}, " + _TARGET,
        "ERR",  # as enum-value-removed
        "WARN",
        "goes",
    ),
    "enum-value-now-available": _Kind(
        "interface-version",
        "{value!r} of {enum} is now in the target {target} (since {new})",
        "INFO",
        "WARN",
        "appears",
    ),
    "enum-value-since-changed": _Kind(
        "interface-version", "{value!r} of {enum} now dates from {new}", "INFO"
    ),
    "enum-value-deprecated": _Kind("enum-value", "{value!r} of {enum} is now deprecated", "INFO"),
    "enum-value-undeprecated": _Kind(
        "enum-value", "{value!r} of {enum} is no longer deprecated", "INFO"
    ),
    "enum-value-attributes-changed": _Kind(
        "enum-value", "attributes of {value!r} in {enum} changed", "INFO"
    ),
    "description-changed": _Kind("documentation", "description of {where} {verb}", "INFO"),
    "note-changed": _Kind("documentation", "note on {where} {verb}", "INFO"),
    "reason-changed": _Kind("documentation", "reason why {where} is closed or open {verb}", "INFO"),
}


def _catalogue() -> dict[str, ChangeKind]:
    kinds: dict[str, ChangeKind] = {}

    def add(id: str, area: str, template: str, entry: _Kind) -> None:
        directional = entry.received is not None
        received = entry.received or entry.sent
        kinds[id] = ChangeKind(id, area, template, entry.sent, received, directional, entry.effect)

    for id, entry in _KINDS.items():
        add(id, entry.area or "", entry.template, entry)
    for prefix, own_area in USE_PREFIXES.items():
        for suffix, entry in _USE_KINDS.items():
            add(f"{prefix}-{suffix}", entry.area or own_area, entry.template, entry)
    for suffix in SHARED_FIELD_SUFFIXES:
        entry = _USE_KINDS[suffix]
        # the presence belongs to each function's use, not to the field
        template = entry.template.replace("{presence} ", "")
        add(f"{SHARED_FIELD_PREFIX}-{suffix}", entry.area or "", template, entry)
    return kinds


#: Every change id and its kind. docs/spec-diff.md describes each one.
CATALOGUE: dict[str, ChangeKind] = _catalogue()


__all__ = [
    "CATALOGUE",
    "EFFECTS",
    "RANK",
    "REQUEST",
    "RESPONSE",
    "SEVERITIES",
    "SHARED_FIELD_PREFIX",
    "SHARED_FIELD_SUFFIXES",
    "USE_PREFIXES",
    "ChangeKind",
    "Effect",
    "Severity",
    "highest",
]
