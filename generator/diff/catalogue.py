"""Every kind of change the spec diff reports: its stable id, area, message and severities.

A kind's severity depends on the direction integrators use the changed thing in: ``sent`` where
they send it (a request), ``received`` where they receive it (a response). Things without a
direction (the platform, services, functions) have one severity, given in both columns. The
comparison lowers or raises a severity where the context decides (something not visible at the
target interface version, an envelope field the client fills in, a value that may not be sent);
``docs/spec-diff.md`` documents every case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["ERR", "WARN", "INFO"]
SEVERITIES: tuple[Severity, ...] = ("ERR", "WARN", "INFO")
RANK: dict[str, int] = {"INFO": 0, "WARN": 1, "ERR": 2}
REQUEST, RESPONSE = "request", "response"


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


# Changes to a list of field uses: a function's request or response, or a container's members.
# The id is ``<prefix>-<suffix>``; ``None`` as area means the prefix's own area.
USE_PREFIXES = {
    "request-field": "request-field",
    "response-field": "response-field",
    "container-member": "container",
}

# suffix: (area, message, sent, received)
_USE_KINDS: dict[str, tuple[str | None, str, Severity, Severity]] = {
    "added": (None, "new {presence} {label} {name} (since {since}){later}{hint}", "INFO", "INFO"),
    "added-required": (
        None,
        "new required {label} {name} (since {since}){later}{hint}",
        "ERR",
        "INFO",
    ),
    "removed": (None, "{label} {name} removed (was {old})", "ERR", "WARN"),
    "renamed": (None, "{label} {name} renamed from {old} (same definition)", "ERR", "WARN"),
    "order-changed": (
        None,
        "order of the {label}s changed (it is the SOAP element order)",
        "INFO",
        "INFO",
    ),
    "became-required": (
        "presence",
        "{label} {name} is now required (was {old}){hint}",
        "ERR",
        "INFO",
    ),
    "became-optional": (
        "presence",
        "{label} {name} is now {new} (was required){hint}",
        "INFO",
        "WARN",
    ),
    "presence-changed": ("presence", "{label} {name} is now {new} (was {old})", "INFO", "INFO"),
    "no-longer-available": (
        "interface-version",
        "{label} {name} now dates from {new}, after the target {target}: it leaves the "
        "generated client",
        "ERR",
        "WARN",
    ),
    "now-available": (
        "interface-version",
        "{presence} {label} {name} is now in the target {target} (since {new})",
        "ERR",  # a required field; an optional one is an addition: INFO
        "INFO",
    ),
    "since-changed": (
        "interface-version",
        "{label} {name} now dates from {new} (was {old})",
        "INFO",
        "INFO",
    ),
    "type-changed": ("type", "type of {label} {name} changed: {old} → {new}", "ERR", "ERR"),
    "container-changed": (
        "type",
        "{label} {name} now holds a {new} (was {old})",
        "ERR",
        "ERR",
    ),
    "item-name-changed": (
        "type",
        "SOAP element of one item of {label} {name} changed",
        "INFO",
        "INFO",
    ),
    "enum-changed": (
        "enum",
        "{label} {name} now takes enum {new_enum} (was {old_enum}){why}",
        "ERR",  # when a value that could be sent is no longer allowed, else INFO
        "WARN",  # when new values can arrive, else INFO
    ),
    "format-narrowed": (
        "format",
        "format of {label} {name} narrowed: {old} → {new}{why}",
        "ERR",
        "INFO",
    ),
    "format-widened": (
        "format",
        "format of {label} {name} widened: {old} → {new}{why}",
        "INFO",
        "WARN",
    ),
    "format-changed": (
        "format",
        "format of {label} {name} changed: {old} → {new}",
        "ERR",  # when it narrows one way and widens another; INFO when neither
        "WARN",
    ),
    "alternative-format-narrowed": (
        "format",
        "alternative format of {label} {name} narrowed: {old} → {new}{why}",
        "ERR",
        "INFO",
    ),
    "alternative-format-widened": (
        "format",
        "alternative format of {label} {name} widened: {old} → {new}{why}",
        "INFO",
        "WARN",
    ),
    "alternative-format-changed": (
        "format",
        "alternative format of {label} {name} changed: {old} → {new}",
        "ERR",
        "WARN",
    ),
    "min-length-changed": (
        "format",
        "minimum length of {label} {name} changed: {old} → {new}",
        "ERR",  # when raised, else INFO
        "INFO",
    ),
    "pattern-changed": (
        "format",
        "pattern of {label} {name} {verb}",
        "WARN",  # ERR when a pattern is added, INFO when one is removed
        "INFO",
    ),
    "sensitive-removed": (
        "security",
        "{label} {name} is no longer sensitive: it stops being masked in logs and reprs",
        "WARN",
        "WARN",
    ),
    "sensitive-added": ("security", "{label} {name} is now masked as {new}", "INFO", "INFO"),
    "sensitive-changed": (
        "security",
        "{label} {name} is now masked as {new} (was {old})",
        "INFO",
        "INFO",
    ),
}

_TARGET = "after the target {target}"

# id: (area, message, severity) for the kinds without a direction, and
# id: (area, message, sent, received) for enum values, whose severity follows the enum's use.
_KINDS: dict[str, tuple[str, str, Severity] | tuple[str, str, Severity, Severity]] = {
    "latest-interface-version-changed": (
        "interface-version",
        "latest interface version {old} → {new}: the generated client targets {new}{why}",
        "INFO",  # WARN when lowered
    ),
    "environment-added": ("url", "new environment {env}", "INFO"),
    "environment-removed": (
        "url",
        "environment {env} removed: clients configured for it fail",
        "ERR",
    ),
    "environment-host-changed": (
        "url",
        "host of the {env} environment changed: every call goes elsewhere",
        "ERR",
    ),
    "rest-path-changed": ("url", "REST path changed: every REST call goes elsewhere", "ERR"),
    "soap-path-changed": ("url", "SOAP path changed: every SOAP call goes elsewhere", "ERR"),
    "soap-namespace-changed": (
        "url",
        "SOAP namespace changed: every SOAP message changes",
        "ERR",
    ),
    "seal-default-algorithm-changed": (
        "seal",
        "default seal algorithm changed: seals made with the old default no longer match",
        "WARN",
    ),
    "seal-algorithm-added": ("seal", "seal algorithm {new} added", "INFO"),
    "seal-algorithm-removed": (
        "seal",
        "seal algorithm {old} removed: integrators using it fail",
        "ERR",
    ),
    "seal-excluded-fields-changed": (
        "seal",
        "fields left out of the seal changed: every seal is computed differently",
        "ERR",
    ),
    "envelope-field-added": (
        "request-field",
        "{new} is now filled in by the client: it is no longer a keyword argument",
        "WARN",
    ),
    "envelope-field-removed": (
        "request-field",
        "{old} is no longer filled in by the client: integrators may have to pass it",
        "WARN",
    ),
    "service-added": ("service", "new service {service} ({new}), functions: {functions}", "INFO"),
    "service-removed": (
        "service",
        "service {service} removed, functions: {functions}",
        "ERR",  # INFO when none of its functions was visible
    ),
    "service-interface-prefix-changed": (
        "interface-version",
        "interfaceVersion prefix of {service} changed: the old prefix is refused",
        "ERR",
    ),
    "function-added": ("function", "new function {where} (since {since}){later}", "INFO"),
    "function-removed": (
        "function",
        "function {where} removed: calls to it fail",
        "ERR",  # INFO when it was not visible
    ),
    "function-renamed": (
        "function",
        "function {where} renamed from {old} (same fields): calls to the old name fail",
        "ERR",  # INFO when it was not visible
    ),
    "function-no-longer-available": (
        "interface-version",
        "function {where} now dates from {new}, " + _TARGET + ": it leaves the generated client",
        "ERR",
    ),
    "function-now-available": (
        "interface-version",
        "function {where} is now in the target {target} (since {new})",
        "INFO",
    ),
    "function-since-changed": (
        "interface-version",
        "function {where} now dates from {new}",
        "INFO",
    ),
    "function-recommended-version-changed": (
        "interface-version",
        "recommended interface version of {where} changed: {old} → {new}",
        "INFO",
    ),
    "function-resend-changed": (
        "retry",
        "whether a RetryPolicy may resend {where} after 90/99: {old} → {new}",
        "WARN",  # INFO when it may no longer be resent
    ),
    "function-url-added": ("url", "{kind} URL for {env} added", "INFO"),
    "function-url-removed": ("url", "{kind} URL for {env} removed", "INFO"),
    "function-url-changed": ("url", "{kind} URL for {env} changed: calls go elsewhere", "ERR"),
    "container-added": ("container", "new container {container}", "INFO"),
    "container-removed": ("container", "container {container} removed", "INFO"),
    "enum-added": ("enum", "new enum {enum} ({count} values)", "INFO"),
    "enum-removed": ("enum", "enum {enum} removed", "INFO"),
    "enum-value-added": (
        "enum-value",
        "{enum} gains {value!r} (since {since}){later}{why}",
        "INFO",
        "WARN",
    ),
    "enum-value-removed": (
        "enum-value",
        "{value!r} removed from {enum}{why}",
        "ERR",  # INFO for a value that may not be sent (request: false)
        "WARN",
    ),
    "enum-value-no-longer-sendable": (
        "enum-value",
        "{value!r} of {enum} may now only be returned, not sent",
        "ERR",
        "INFO",
    ),
    "enum-value-now-sendable": (
        "enum-value",
        "{value!r} of {enum} may now be sent",
        "INFO",
        "INFO",
    ),
    "enum-value-name-changed": (
        "enum-value",
        "Python member of {value!r} renamed {old} → {new}: code that names it breaks",
        "WARN",
    ),
    "enum-value-no-longer-available": (
        "interface-version",
        "{value!r} of {enum} now dates from {new}, " + _TARGET,
        "ERR",  # as enum-value-removed
        "WARN",
    ),
    "enum-value-now-available": (
        "interface-version",
        "{value!r} of {enum} is now in the target {target} (since {new})",
        "INFO",
        "WARN",
    ),
    "enum-value-since-changed": (
        "interface-version",
        "{value!r} of {enum} now dates from {new}",
        "INFO",
    ),
    "enum-value-deprecated": ("enum-value", "{value!r} of {enum} is now deprecated", "INFO"),
    "enum-value-undeprecated": (
        "enum-value",
        "{value!r} of {enum} is no longer deprecated",
        "INFO",
    ),
    "enum-value-attributes-changed": (
        "enum-value",
        "attributes of {value!r} in {enum} changed",
        "INFO",
    ),
    "description-changed": ("documentation", "description of {where} {verb}", "INFO"),
    "note-changed": ("documentation", "note on {where} {verb}", "INFO"),
}


def _catalogue() -> dict[str, ChangeKind]:
    kinds: dict[str, ChangeKind] = {}
    for id, entry in _KINDS.items():
        if len(entry) == 4:
            area, template, sent, received = entry
            kinds[id] = ChangeKind(id, area, template, sent, received, directional=True)
        else:
            area, template, severity = entry
            kinds[id] = ChangeKind(id, area, template, severity, severity, directional=False)
    for prefix, own_area in USE_PREFIXES.items():
        for suffix, (use_area, template, sent, received) in _USE_KINDS.items():
            id = f"{prefix}-{suffix}"
            kinds[id] = ChangeKind(id, use_area or own_area, template, sent, received, True)
    return kinds


#: Every change id and its kind. docs/spec-diff.md describes each one.
CATALOGUE: dict[str, ChangeKind] = _catalogue()


__all__ = [
    "CATALOGUE",
    "RANK",
    "REQUEST",
    "RESPONSE",
    "SEVERITIES",
    "USE_PREFIXES",
    "ChangeKind",
    "Severity",
    "highest",
]
