"""``python -m generator diff [OLD [NEW]]``: what changed between two specs, and what breaks.

OLD and NEW are spec folders or ``git:REV`` revisions of the repository. The typed specs are
compared (never the YAML text, never the generated code). Every change gets a stable id, a
severity (ERR breaks integrators, WARN may break them, INFO does not), an area and a message.
The rules are documented in ``docs/spec-diff.md``; the renderers live in ``diff_report.py``.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from .formats import Format
from .spec import (
    ContainerDef,
    EnumDef,
    EnumValue,
    FieldDef,
    FieldUse,
    Function,
    Service,
    Spec,
    SpecError,
    Version,
    load_spec,
)

Severity = Literal["ERR", "WARN", "INFO"]
SEVERITIES: tuple[Severity, ...] = ("ERR", "WARN", "INFO")
RANK: dict[str, int] = {"INFO": 0, "WARN": 1, "ERR": 2}
GROUPS = ("platform", "service", "container", "enum", "field")
REQUEST, RESPONSE = "request", "response"

# --------------------------------------------------------------------------- the catalogue

# Changes to a list of field uses: a function's request or response, or a container's members.
# The id is ``<prefix>-<suffix>``; ``None`` as area means the prefix's own area.
_USE_PREFIXES = {
    "request-field": "request-field",
    "response-field": "response-field",
    "container-member": "container",
}
_USE_KINDS: dict[str, tuple[str | None, str]] = {
    "added": (None, "new {presence} {label} {name} (since {since}){later}{hint}"),
    "added-required": (None, "new required {label} {name} (since {since}){later}{hint}"),
    "removed": (None, "{label} {name} removed (was {old})"),
    "renamed": (None, "{label} {name} renamed from {old} (same definition)"),
    "order-changed": (None, "order of the {label}s changed (it is the SOAP element order)"),
    "became-required": ("presence", "{label} {name} is now required (was {old}){hint}"),
    "became-optional": ("presence", "{label} {name} is now {new} (was required){hint}"),
    "presence-changed": ("presence", "{label} {name} is now {new} (was {old})"),
    "no-longer-available": (
        "interface-version",
        "{label} {name} now dates from {new}, after the target {target}: it leaves the "
        "generated client",
    ),
    "now-available": (
        "interface-version",
        "{presence} {label} {name} is now in the target {target} (since {new})",
    ),
    "since-changed": ("interface-version", "{label} {name} now dates from {new} (was {old})"),
    "type-changed": ("type", "type of {label} {name} changed: {old} → {new}"),
    "container-changed": ("type", "{label} {name} now holds a {new} (was {old})"),
    "item-name-changed": ("type", "SOAP element of one item of {label} {name} changed"),
    "enum-changed": ("enum", "{label} {name} now takes enum {new_enum} (was {old_enum}){why}"),
    "format-narrowed": ("format", "format of {label} {name} narrowed: {old} → {new}{why}"),
    "format-widened": ("format", "format of {label} {name} widened: {old} → {new}{why}"),
    "format-changed": ("format", "format of {label} {name} changed: {old} → {new}"),
    "alternative-format-narrowed": (
        "format",
        "alternative format of {label} {name} narrowed: {old} → {new}{why}",
    ),
    "alternative-format-widened": (
        "format",
        "alternative format of {label} {name} widened: {old} → {new}{why}",
    ),
    "alternative-format-changed": (
        "format",
        "alternative format of {label} {name} changed: {old} → {new}",
    ),
    "min-length-changed": ("format", "minimum length of {label} {name} changed: {old} → {new}"),
    "pattern-changed": ("format", "pattern of {label} {name} {verb}"),
    "sensitive-removed": (
        "security",
        "{label} {name} is no longer sensitive: it stops being masked in logs and reprs",
    ),
    "sensitive-added": ("security", "{label} {name} is now masked as {new}"),
    "sensitive-changed": ("security", "{label} {name} is now masked as {new} (was {old})"),
}

_TARGET = "after the target {target}"

#: Every change id: (area, message template). docs/spec-diff.md gives each one's severity.
CATALOGUE: dict[str, tuple[str, str]] = {
    "latest-interface-version-changed": (
        "interface-version",
        "latest interface version {old} → {new}: the generated client targets {new}{why}",
    ),
    "environment-added": ("url", "new environment {env}"),
    "environment-removed": ("url", "environment {env} removed: clients configured for it fail"),
    "environment-host-changed": (
        "url",
        "host of the {env} environment changed: every call goes elsewhere",
    ),
    "rest-path-changed": ("url", "REST path changed: every REST call goes elsewhere"),
    "soap-path-changed": ("url", "SOAP path changed: every SOAP call goes elsewhere"),
    "soap-namespace-changed": ("url", "SOAP namespace changed: every SOAP message changes"),
    "seal-default-algorithm-changed": (
        "seal",
        "default seal algorithm changed: seals made with the old default no longer match",
    ),
    "seal-algorithm-added": ("seal", "seal algorithm {new} added"),
    "seal-algorithm-removed": ("seal", "seal algorithm {old} removed: integrators using it fail"),
    "seal-excluded-fields-changed": (
        "seal",
        "fields left out of the seal changed: every seal is computed differently",
    ),
    "envelope-field-added": (
        "request-field",
        "{new} is now filled in by the client: it is no longer a keyword argument",
    ),
    "envelope-field-removed": (
        "request-field",
        "{old} is no longer filled in by the client: integrators may have to pass it",
    ),
    "service-added": ("service", "new service {service} ({new}), functions: {functions}"),
    "service-removed": ("service", "service {service} removed, functions: {functions}"),
    "service-interface-prefix-changed": (
        "interface-version",
        "interfaceVersion prefix of {service} changed: the old prefix is refused",
    ),
    "function-added": ("function", "new function {where} (since {since}){later}"),
    "function-removed": ("function", "function {where} removed: calls to it fail"),
    "function-renamed": (
        "function",
        "function {where} renamed from {old} (same fields): calls to the old name fail",
    ),
    "function-no-longer-available": (
        "interface-version",
        "function {where} now dates from {new}, " + _TARGET + ": it leaves the generated client",
    ),
    "function-now-available": (
        "interface-version",
        "function {where} is now in the target {target} (since {new})",
    ),
    "function-since-changed": ("interface-version", "function {where} now dates from {new}"),
    "function-recommended-version-changed": (
        "interface-version",
        "recommended interface version of {where} changed: {old} → {new}",
    ),
    "function-resend-changed": (
        "retry",
        "whether a RetryPolicy may resend {where} after 90/99: {old} → {new}",
    ),
    "function-url-added": ("url", "{kind} URL for {env} added"),
    "function-url-removed": ("url", "{kind} URL for {env} removed"),
    "function-url-changed": ("url", "{kind} URL for {env} changed: calls go elsewhere"),
    "container-added": ("container", "new container {container}"),
    "container-removed": ("container", "container {container} removed"),
    "enum-added": ("enum", "new enum {enum} ({count} values)"),
    "enum-removed": ("enum", "enum {enum} removed"),
    "enum-value-added": ("enum-value", "{enum} gains {value!r} (since {since}){later}{why}"),
    "enum-value-removed": ("enum-value", "{value!r} removed from {enum}{why}"),
    "enum-value-no-longer-sendable": (
        "enum-value",
        "{value!r} of {enum} may now only be returned, not sent",
    ),
    "enum-value-now-sendable": ("enum-value", "{value!r} of {enum} may now be sent"),
    "enum-value-name-changed": (
        "enum-value",
        "Python member of {value!r} renamed {old} → {new}: code that names it breaks",
    ),
    "enum-value-no-longer-available": (
        "interface-version",
        "{value!r} of {enum} now dates from {new}, " + _TARGET,
    ),
    "enum-value-now-available": (
        "interface-version",
        "{value!r} of {enum} is now in the target {target} (since {new})",
    ),
    "enum-value-since-changed": ("interface-version", "{value!r} of {enum} now dates from {new}"),
    "enum-value-deprecated": ("enum-value", "{value!r} of {enum} is now deprecated"),
    "enum-value-undeprecated": ("enum-value", "{value!r} of {enum} is no longer deprecated"),
    "enum-value-attributes-changed": ("enum-value", "attributes of {value!r} in {enum} changed"),
    "description-changed": ("documentation", "description of {where} {verb}"),
    "note-changed": ("documentation", "note on {where} {verb}"),
} | {
    f"{prefix}-{suffix}": (area or own, template)
    for prefix, own in _USE_PREFIXES.items()
    for suffix, (area, template) in _USE_KINDS.items()
}


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Change:
    """One difference between the two specs, classified for a reviewer."""

    id: str  # stable machine id, e.g. request-field-removed (see CATALOGUE)
    severity: Severity
    area: str  # service, function, request-field, response-field, container, enum-value, ...
    group: str  # the report section: platform | service | container | enum | field
    path: str  # dotted location, e.g. token.paymentTokenGenerate.request.cardNumber
    message: str
    service: str | None = None
    function: str | None = None
    container: str | None = None
    enum: str | None = None
    field: str | None = None  # field or member name (``x[]`` is one item of the list x)
    value: str | None = None  # enum value
    direction: str | None = None  # request | response | both | None
    old: str | None = None
    new: str | None = None
    used_by: tuple[str, ...] = ()  # for containers and enums: "service.function request"
    note: str | None = None  # the spec's note on what changed, shown to reviewers

    def sort_key(self) -> tuple[object, ...]:
        """Section, owner, documentation last, ERR first, then path: every report's order."""
        return (
            GROUPS.index(self.group),
            self.service or "",
            self.function or "",
            self.container or "",
            self.enum or "",
            self.area == "documentation",
            -RANK[self.severity],
            self.path,
            self.id,
            self.old or "",
            self.new or "",
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": self.severity,
            "area": self.area,
            "group": self.group,
            "path": self.path,
            "message": self.message,
            "service": self.service,
            "function": self.function,
            "container": self.container,
            "enum": self.enum,
            "field": self.field,
            "value": self.value,
            "direction": self.direction,
            "old": self.old,
            "new": self.new,
            "used_by": list(self.used_by),
            "note": self.note,
        }


@dataclass(frozen=True)
class Side:
    """One of the two compared specs: where it comes from and its interface versions."""

    label: str  # as given: a folder, git:REV, or "working tree"
    latest_interface_version: str
    target_interface_version: str
    commit: str | None = None  # for git:REV, the commit it resolved to

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.label,
            "commit": self.commit,
            "latest_interface_version": self.latest_interface_version,
            "target_interface_version": self.target_interface_version,
        }


@dataclass(frozen=True)
class SpecDiff:
    """The two sides and every change, sorted."""

    old: Side
    new: Side
    changes: tuple[Change, ...]

    def count(self, severity: str) -> int:
        return sum(1 for c in self.changes if c.severity == severity)

    @property
    def highest(self) -> Severity | None:
        for severity in SEVERITIES:
            if self.count(severity):
                return severity
        return None

    def fails(self, threshold: str | None) -> bool:
        """True when a change at or above ``threshold`` exists (never without a threshold)."""
        if threshold is None:
            return False
        return any(RANK[c.severity] >= RANK[threshold] for c in self.changes)


# --------------------------------------------------------------------------- helpers


def _sev(dirs: Iterable[str], request: Severity, response: Severity) -> Severity:
    """The highest severity among the directions a thing is used in (INFO when unused)."""
    found = [request if d == REQUEST else response for d in dirs]
    return max(found, key=lambda s: RANK[s], default="INFO")


def _direction(dirs: frozenset[str]) -> str | None:
    if len(dirs) == 2:
        return "both"
    return next(iter(dirs)) if dirs else None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _fmt(value: Format | None) -> str:
    return "none" if value is None else str(value)


def _shape(d: FieldDef | None) -> tuple[object, ...]:
    """What a field is on the wire, without its name, meaning or version (to spot renames)."""
    if d is None:
        return ()
    return (
        d.type,
        d.format,
        d.alternative_format,
        d.min_length,
        d.pattern,
        d.enum,
        d.container,
        _shape(d.items),
        d.sensitive,
    )


def _format_move(old: Format | None, new: Format | None, alternative: bool) -> tuple[bool, bool]:
    """(narrowed, widened); no format means unbounded, no alternative format means nothing."""
    if old == new:
        return False, False
    if old is None:
        return (not alternative), alternative
    if new is None:
        return alternative, (not alternative)
    return new.narrows(old), old.narrows(new)


def _attrs(value: EnumValue) -> str:
    return ", ".join(f"{k}={v}" for k, v in value.attributes) or "none"


@dataclass
class _Reach:
    """Which containers and enums requests and responses reach, and from which functions."""

    dirs: dict[str, set[str]] = field(default_factory=dict)  # "enum:x" / "container:x"
    used_by: dict[str, set[str]] = field(default_factory=dict)

    def add(self, spec: Spec) -> None:
        for service, function in spec.iter_functions():
            for direction, uses in ((REQUEST, function.request), (RESPONSE, function.response)):
                origin = f"{service.name}.{function.name} {direction}"
                walked: set[str] = set()  # containers already walked for this origin
                for use in uses:
                    self._walk(spec, use.field, direction, origin, walked)

    def _walk(self, spec: Spec, d: FieldDef, direction: str, origin: str, walked: set[str]) -> None:
        target = d.items or d
        if target.enum:
            self._mark(f"enum:{target.enum}", direction, origin)
        name = target.container or d.container
        if name and name not in walked and name in spec.containers:
            walked.add(name)
            self._mark(f"container:{name}", direction, origin)
            for member in spec.containers[name].fields:
                self._walk(spec, member.field, direction, origin, walked)

    def _mark(self, key: str, direction: str, origin: str) -> None:
        self.dirs.setdefault(key, set()).add(direction)
        self.used_by.setdefault(key, set()).add(origin)

    def of(self, key: str) -> tuple[frozenset[str], tuple[str, ...]]:
        return frozenset(self.dirs.get(key, ())), tuple(sorted(self.used_by.get(key, ())))


@dataclass(frozen=True)
class _Ctx:
    """Who owns the changes being emitted: their report section and owner names."""

    group: str
    service: str | None = None
    function: str | None = None
    container: str | None = None
    enum: str | None = None
    dirs: frozenset[str] = frozenset()  # request / response: decides severities
    used_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Place:
    """A list of field uses: a function's request or response, or a container's members."""

    ctx: _Ctx
    prefix: str  # id prefix: request-field | response-field | container-member
    base: str  # path prefix
    label: str  # "request field", "response field", "member of contact"
    floor: tuple[Version, Version] | None = None  # the function's since, old and new


# --------------------------------------------------------------------------- the comparison


class _Differ:
    """Walks two specs side by side and collects :class:`Change` records."""

    def __init__(self, old: Spec, new: Spec, old_target: Version, new_target: Version) -> None:
        self.old, self.new = old, new
        self.old_target, self.new_target = old_target, new_target
        self.reach = _Reach()
        self.reach.add(old)
        self.reach.add(new)
        self.envelope = set(old.platform.envelope_fields) | set(new.platform.envelope_fields)
        self.changes: list[Change] = []

    def run(self) -> list[Change]:
        self.platform(_Ctx("platform"))
        self.services()
        self.containers()
        self.enums()
        self.field_docs()
        return sorted(self.changes, key=Change.sort_key)

    def emit(
        self,
        ctx: _Ctx,
        id: str,
        severity: Severity,
        path: str,
        old: object = None,
        new: object = None,
        *,
        field: str | None = None,
        value: str | None = None,
        note: str | None = None,
        **words: object,
    ) -> None:
        """Record one change; its message is the catalogue's template filled with ``words``."""
        self.record(ctx, id, severity, path, old, new, field, value, note, words)

    def record(
        self,
        ctx: _Ctx,
        id: str,
        severity: Severity,
        path: str,
        old: object,
        new: object,
        field: str | None,
        value: str | None,
        note: str | None,
        words: Mapping[str, object],
    ) -> None:
        area, template = CATALOGUE[id]
        message = template.format(
            old=_str(old),
            new=_str(new),
            service=ctx.service,
            container=ctx.container,
            enum=ctx.enum,
            name=field,
            value=value,
            target=self.new_target,
            **words,
        )
        self.changes.append(
            Change(
                id=id,
                severity=severity,
                area=area,
                group=ctx.group,
                path=path,
                message=message,
                service=ctx.service,
                function=ctx.function,
                container=ctx.container,
                enum=ctx.enum,
                field=field,
                value=value,
                direction=_direction(ctx.dirs),
                old=_str(old),
                new=_str(new),
                used_by=ctx.used_by,
                note=note or None,
            )
        )

    def docs(self, ctx: _Ctx, path: str, old: str, new: str, kind: str = "description") -> None:
        """A description or a note changed: INFO, area documentation."""
        if (old or "") == (new or ""):
            return
        verb = "added" if not old else "removed" if not new else "changed"
        self.emit(
            ctx,
            f"{kind}-changed",
            "INFO",
            f"{path}.{kind}",
            old or None,
            new or None,
            where=path,
            verb=verb,
        )

    def later(self, since: Version) -> str:
        """Words for something that dates from after the target version."""
        if since <= self.new_target:
            return ""
        return f", after the target {self.new_target}: not in the generated client yet"

    # ----------------------------------------------------------------- platform

    def platform(self, ctx: _Ctx) -> None:
        old, new = self.old.platform, self.new.platform
        lo, ln = old.latest_interface_version, new.latest_interface_version
        if lo != ln:
            why = "" if ln > lo else " (lowered: later fields and functions leave it)"
            sev: Severity = "INFO" if ln > lo else "WARN"
            path = "platform.latest_interface_version"
            self.emit(ctx, "latest-interface-version-changed", sev, path, lo, ln, why=why)
        old_env, new_env = dict(old.environments), dict(new.environments)
        for env in sorted(old_env.keys() | new_env.keys()):
            o, n = old_env.get(env), new_env.get(env)
            path = f"platform.environments.{env}"
            if o is None:
                self.emit(ctx, "environment-added", "INFO", path, o, n, env=env)
            elif n is None:
                self.emit(ctx, "environment-removed", "ERR", path, o, n, env=env)
            elif o != n:
                self.emit(ctx, "environment-host-changed", "ERR", path, o, n, env=env)
        for attr in ("rest_path", "soap_path", "soap_namespace"):
            o_val, n_val = getattr(old, attr), getattr(new, attr)
            if o_val != n_val:
                id = attr.replace("_", "-") + "-changed"
                self.emit(ctx, id, "ERR", f"platform.{attr}", o_val, n_val)
        if old.default_seal_algorithm != new.default_seal_algorithm:
            self.emit(
                ctx,
                "seal-default-algorithm-changed",
                "WARN",
                "platform.seal.default_algorithm",
                old.default_seal_algorithm,
                new.default_seal_algorithm,
            )
        for algo in sorted(set(old.seal_algorithms) ^ set(new.seal_algorithms)):
            path = f"platform.seal.algorithms.{algo}"
            if algo in old.seal_algorithms:
                self.emit(ctx, "seal-algorithm-removed", "ERR", path, algo, None)
            else:
                self.emit(ctx, "seal-algorithm-added", "INFO", path, None, algo)
        o_ex, n_ex = old.seal_excluded_fields, new.seal_excluded_fields
        if set(o_ex) != set(n_ex):
            path = "platform.seal.excluded_fields"
            o_text, n_text = ", ".join(o_ex), ", ".join(n_ex)
            self.emit(ctx, "seal-excluded-fields-changed", "ERR", path, o_text, n_text)
        for name in sorted(set(old.envelope_fields) ^ set(new.envelope_fields)):
            path = f"platform.envelope_fields.{name}"
            if name in new.envelope_fields:
                self.emit(ctx, "envelope-field-added", "WARN", path, None, name)
            else:
                self.emit(ctx, "envelope-field-removed", "WARN", path, name, None)
        self.docs(ctx, "platform", old.description, new.description)
        self.docs(ctx, "platform", old.note, new.note, "note")

    # ----------------------------------------------------------------- services and functions

    def services(self) -> None:
        old = {s.name: s for s in self.old.services}
        new = {s.name: s for s in self.new.services}
        for name in sorted(old.keys() | new.keys()):
            ctx = _Ctx("service", service=name)
            o, n = old.get(name), new.get(name)
            if o is None and n is not None:
                functions = ", ".join(f.name for f in n.functions)
                self.emit(
                    ctx,
                    "service-added",
                    "INFO",
                    name,
                    None,
                    n.interface_prefix,
                    note=n.note,
                    functions=functions,
                )
            elif n is None and o is not None:
                functions = ", ".join(f.name for f in o.functions)
                sev: Severity = "INFO"
                if any(f.since <= self.old_target for f in o.functions):
                    sev = "ERR"
                self.emit(
                    ctx,
                    "service-removed",
                    sev,
                    name,
                    o.interface_prefix,
                    None,
                    note=o.note,
                    functions=functions,
                )
            elif o is not None and n is not None:
                self.service(ctx, o, n)

    def service(self, ctx: _Ctx, old: Service, new: Service) -> None:
        name = new.name
        if old.interface_prefix != new.interface_prefix:
            self.emit(
                ctx,
                "service-interface-prefix-changed",
                "ERR",
                f"{name}.interface_prefix",
                old.interface_prefix,
                new.interface_prefix,
            )
        self.docs(ctx, name, old.description, new.description)
        self.docs(ctx, name, old.note, new.note, "note")
        of, nf = old.function_map, new.function_map
        removed = [f for f in old.functions if f.name not in nf]
        added = [f for f in new.functions if f.name not in of]
        pairs = [(of[f.name], f) for f in new.functions if f.name in of]
        for r, a in _function_renames(removed, added):
            removed.remove(r)
            added.remove(a)
            sev: Severity = "ERR" if r.since <= self.old_target else "INFO"
            where = f"{name}.{a.name}"
            self.emit(
                replace(ctx, function=a.name),
                "function-renamed",
                sev,
                where,
                r.name,
                a.name,
                note=a.note,
                where=where,
            )
            pairs.append((r, a))
        for f in removed:
            sev = "ERR" if f.since <= self.old_target else "INFO"
            where = f"{name}.{f.name}"
            self.emit(
                replace(ctx, function=f.name),
                "function-removed",
                sev,
                where,
                f.name,
                None,
                note=f.note,
                where=where,
            )
        for f in added:
            where = f"{name}.{f.name}"
            self.emit(
                replace(ctx, function=f.name),
                "function-added",
                "INFO",
                where,
                None,
                f.name,
                note=f.note,
                where=where,
                since=f.since,
                later=self.later(f.since),
            )
        for o, n in pairs:
            self.function(replace(ctx, function=n.name), o, n)

    def function(self, ctx: _Ctx, old: Function, new: Function) -> None:
        where = f"{ctx.service}.{new.name}"
        path = f"{where}.since"
        ov, nv = old.since <= self.old_target, new.since <= self.new_target
        if ov and not nv:
            self.emit(
                ctx, "function-no-longer-available", "ERR", path, old.since, new.since, where=where
            )
        elif nv and not ov:
            self.emit(
                ctx, "function-now-available", "INFO", path, old.since, new.since, where=where
            )
        elif old.since != new.since:
            self.emit(
                ctx, "function-since-changed", "INFO", path, old.since, new.since, where=where
            )
        ro, rn = old.recommended_interface_version, new.recommended_interface_version
        if ro != rn:
            self.emit(
                ctx,
                "function-recommended-version-changed",
                "INFO",
                f"{where}.recommended_interface_version",
                ro,
                rn,
                where=where,
            )
        if old.resend != new.resend:
            # A function that may now be resent could charge twice if the mark is wrong: a
            # reviewer must look (WARN); one that no longer may is only more cautious (INFO).
            self.emit(
                ctx,
                "function-resend-changed",
                "WARN" if new.resend else "INFO",
                f"{where}.resend",
                old.resend or "never",
                new.resend or "never",
                where=where,
            )
        self.urls(ctx, old, new)
        self.docs(ctx, where, old.description, new.description)
        self.docs(ctx, where, old.note, new.note, "note")
        for direction, o_uses, n_uses in (
            (REQUEST, old.request, new.request),
            (RESPONSE, old.response, new.response),
        ):
            place = _Place(
                replace(ctx, dirs=frozenset({direction})),
                f"{direction}-field",
                f"{where}.{direction}",
                f"{direction} field",
                (old.since, new.since),
            )
            self.uses(place, o_uses, n_uses)

    def urls(self, ctx: _Ctx, old: Function, new: Function) -> None:
        """URLs as printed; changes that platform.yaml explains are reported under Platform."""
        service = ctx.service or ""
        o_urls = {(k, e): u for k, e, u in old.urls}
        n_urls = {(k, e): u for k, e, u in new.urls}
        for kind, env in sorted(o_urls.keys() | n_urls.keys()):
            o, n = o_urls.get((kind, env)), n_urls.get((kind, env))
            path = f"{service}.{new.name}.urls.{kind}.{env}"
            if o is None:
                self.emit(ctx, "function-url-added", "INFO", path, o, n, kind=kind, env=env)
            elif n is None:
                self.emit(ctx, "function-url-removed", "INFO", path, o, n, kind=kind, env=env)
            elif o != n and not (
                _expected(self.old, kind, env, service, old.name) == o
                and _expected(self.new, kind, env, service, new.name) == n
            ):
                self.emit(ctx, "function-url-changed", "ERR", path, o, n, kind=kind, env=env)

    # ----------------------------------------------------------------- lists of field uses

    def uses(self, place: _Place, old: Sequence[FieldUse], new: Sequence[FieldUse]) -> None:
        """Compare two lists of field uses: added, removed, renamed, then each common one."""
        o_map = {u.name: u for u in old}
        n_map = {u.name: u for u in new}
        removed = [u for u in old if u.name not in n_map]
        added = [u for u in new if u.name not in o_map]
        dirs = place.ctx.dirs
        common = [(u, n_map[u.name]) for u in old if u.name in n_map]
        for r, a in _use_renames(list(old), list(new), removed, added):
            removed.remove(r)
            added.remove(a)
            sev = _sev(dirs, "ERR", "WARN") if r.since <= self.old_target else "INFO"
            self.at(place, "renamed", sev, a, r.name, a.name)
            common.append((r, a))
        for u in removed:
            sev = _sev(dirs, "ERR", "WARN") if u.since <= self.old_target else "INFO"
            self.at(place, "removed", sev, u, u.presence, None)
        for u in added:
            hint, later = self.envelope_hint(place, u.name), self.later(u.since)
            if u.required and not later:
                sev = self.required_sev(place, u.name)
                self.at(place, "added-required", sev, u, None, u.presence, hint=hint, later="")
            else:
                self.at(place, "added", "INFO", u, None, u.presence, hint=hint, later=later)
        o_order = [u.name for u in old if u.name in n_map]
        n_order = [u.name for u in new if u.name in o_map]
        if o_order != n_order:
            kind, words = f"{place.prefix}-order-changed", {"label": place.label}
            o_text, n_text = ", ".join(o_order), ", ".join(n_order)
            self.record(
                place.ctx, kind, "INFO", place.base, o_text, n_text, None, None, None, words
            )
        for o, n in common:
            self.use(place, o, n)

    def at(
        self,
        place: _Place,
        kind: str,
        severity: Severity,
        use: FieldUse,
        old: object = None,
        new: object = None,
        name: str | None = None,
        **words: object,
    ) -> None:
        """Record a change to the field ``use`` (or to ``name``, a part of it) in ``place``."""
        name = name or use.name
        words = {"label": place.label, "presence": use.presence, "since": use.since, **words}
        note = use.note or use.field.note
        path = f"{place.base}.{name}"
        kind = f"{place.prefix}-{kind}"
        self.record(place.ctx, kind, severity, path, old, new, name, None, note, words)

    def envelope_hint(self, place: _Place, name: str) -> str:
        if place.prefix == "request-field" and name in self.envelope:
            return " (envelope field: filled in by the client)"
        return ""

    def required_sev(self, place: _Place, name: str) -> Severity:
        """A field becomes required: ERR where integrators send it, but INFO for envelope
        fields, which the client fills in."""
        if self.envelope_hint(place, name):
            return "INFO"
        return _sev(place.ctx.dirs, "ERR", "INFO")

    def use(self, place: _Place, old: FieldUse, new: FieldUse) -> None:
        """Compare one field use present on both sides (possibly under a new name)."""
        dirs = place.ctx.dirs
        po, pn = old.presence, new.presence
        hint = self.envelope_hint(place, new.name)
        if po != pn and pn == "required":
            sev = self.required_sev(place, new.name)
            self.at(place, "became-required", sev, new, po, pn, hint=hint)
        elif po != pn and po == "required":
            sev = "INFO" if hint else _sev(dirs, "INFO", "WARN")
            self.at(place, "became-optional", sev, new, po, pn, hint=hint)
        elif po != pn:
            self.at(place, "presence-changed", "INFO", new, po, pn)
        ov, nv = old.since <= self.old_target, new.since <= self.new_target
        if place.floor == (old.since, new.since):
            pass  # the field follows its function, whose change is reported
        elif ov and not nv:
            sev = _sev(dirs, "ERR", "WARN")
            self.at(place, "no-longer-available", sev, new, old.since, new.since)
        elif nv and not ov:
            sev = self.required_sev(place, new.name) if new.required else "INFO"
            self.at(place, "now-available", sev, new, old.since, new.since)
        elif old.since != new.since:
            self.at(place, "since-changed", "INFO", new, old.since, new.since)
        self.definition(place, new, new.name, old.field, new.field)
        path = f"{place.base}.{new.name}"
        if place.prefix == "container-member":  # members are defined in the container file
            self.docs(place.ctx, path, old.field.description, new.field.description)
            self.docs(place.ctx, path, old.field.note, new.field.note, "note")
        else:  # the definition's own texts are reported once, under fields.yaml
            self.docs(place.ctx, path, old.note, new.note, "note")
            o_desc, n_desc = _override(self.old, old), _override(self.new, new)
            self.docs(place.ctx, path, o_desc, n_desc)

    def definition(
        self, place: _Place, use: FieldUse, name: str, old: FieldDef, new: FieldDef
    ) -> None:
        """Compare what a field is: type, formats, pattern, enum, container, masking, items."""
        dirs = place.ctx.dirs
        if old.type != new.type:
            sev = _sev(dirs, "ERR", "ERR")  # INFO in a container no function uses
            self.at(place, "type-changed", sev, use, old.type, new.type, name)
            return
        self.format(place, use, name, old.format, new.format, False)
        self.format(place, use, name, old.alternative_format, new.alternative_format, True)
        if old.min_length != new.min_length:
            sev = _sev(dirs, "ERR" if new.min_length > old.min_length else "INFO", "INFO")
            self.at(place, "min-length-changed", sev, use, old.min_length, new.min_length, name)
        if old.pattern != new.pattern:
            verb = "added" if old.pattern is None else "removed" if new.pattern is None else ""
            request: Severity = "ERR" if verb == "added" else "INFO" if verb else "WARN"
            self.at(
                place,
                "pattern-changed",
                _sev(dirs, request, "INFO"),
                use,
                old.pattern,
                new.pattern,
                name,
                verb=verb or "changed",
            )
        if old.enum != new.enum:
            self.enum_ref(place, use, name, old.enum, new.enum)
        if old.type == "container" and old.container != new.container:
            sev = _sev(dirs, "ERR", "ERR")
            self.at(place, "container-changed", sev, use, old.container, new.container, name)
        if old.sensitive != new.sensitive:
            kind = "sensitive-removed" if new.sensitive is None else "sensitive-changed"
            kind = "sensitive-added" if old.sensitive is None else kind
            masking = _sev(dirs, "WARN", "WARN") if new.sensitive is None else "INFO"
            self.at(place, kind, masking, use, old.sensitive, new.sensitive, name)
        if old.items is not None and new.items is not None:
            self.definition(place, use, f"{name}[]", old.items, new.items)
        if old.item_name != new.item_name:
            self.at(place, "item-name-changed", "INFO", use, old.item_name, new.item_name, name)

    def format(
        self,
        place: _Place,
        use: FieldUse,
        name: str,
        old: Format | None,
        new: Format | None,
        alternative: bool,
    ) -> None:
        """A format (or the alternative format) changed: narrowing requests breaks them,
        widening responses may overflow integrators' storage."""
        if old == new:
            return
        narrowed, widened = _format_move(old, new, alternative)
        dirs = place.ctx.dirs
        why = ""
        if narrowed and not widened:
            verb, sev = "narrowed", _sev(dirs, "ERR", "INFO")
            why = ": values accepted before may be refused" if REQUEST in dirs else ""
        elif widened and not narrowed:
            verb, sev = "widened", _sev(dirs, "INFO", "WARN")
            why = ": integrators' storage may be too small" if RESPONSE in dirs else ""
        else:
            verb, sev = "changed", _sev(dirs, "ERR", "WARN") if narrowed else "INFO"
        kind = ("alternative-format-" if alternative else "format-") + verb
        self.at(place, kind, sev, use, _fmt(old), _fmt(new), name, why=why)

    def enum_ref(
        self, place: _Place, use: FieldUse, name: str, old: str | None, new: str | None
    ) -> None:
        """A field now refers to another enum (or to none): compare the values it allows."""
        o_enum = self.old.enums.get(old) if old else None
        n_enum = self.new.enums.get(new) if new else None
        o_all = {v.value for v in o_enum.values} if o_enum else None
        n_all = {v.value for v in n_enum.values} if n_enum else None
        o_send = {v.value for v in o_enum.values if v.request} if o_enum else None
        n_send = {v.value for v in n_enum.values if v.request} if n_enum else None
        lost = (o_send or set()) - n_send if n_send is not None else set()
        gained = (n_all or set()) - o_all if o_all is not None else set()
        narrowed = (o_send is None and n_send is not None) or bool(lost)
        widened = (o_all is not None and n_all is None) or bool(gained)
        dirs = place.ctx.dirs
        sev = _sev(dirs, "ERR" if narrowed else "INFO", "WARN" if widened else "INFO")
        why = ""
        if lost and REQUEST in dirs:
            why = "; no longer accepted: " + ", ".join(sorted(lost))
        elif gained and RESPONSE in dirs:
            why = "; new values: " + ", ".join(sorted(gained))
        new_enum, old_enum = new or "none (free text)", old or "none (free text)"
        self.at(
            place,
            "enum-changed",
            sev,
            use,
            old,
            new,
            name,
            why=why,
            new_enum=new_enum,
            old_enum=old_enum,
        )

    # ----------------------------------------------------------------- containers

    def containers(self) -> None:
        old, new = self.old.containers, self.new.containers
        for name in sorted(old.keys() | new.keys()):
            dirs, used_by = self.reach.of(f"container:{name}")
            ctx = _Ctx("container", container=name, dirs=dirs, used_by=used_by)
            o, n = old.get(name), new.get(name)
            path = f"containers.{name}"
            if o is None and n is not None:
                self.emit(ctx, "container-added", "INFO", path, None, name, note=n.note)
            elif n is None and o is not None:
                self.emit(ctx, "container-removed", "INFO", path, name, None, note=o.note)
            elif o is not None and n is not None:
                self.container(ctx, o, n)

    def container(self, ctx: _Ctx, old: ContainerDef, new: ContainerDef) -> None:
        path = f"containers.{new.name}"
        self.docs(ctx, path, old.description, new.description)
        self.docs(ctx, path, old.note, new.note, "note")
        place = _Place(ctx, "container-member", path, f"member of {new.name}")
        self.uses(place, old.fields, new.fields)

    # ----------------------------------------------------------------- enums

    def enums(self) -> None:
        old, new = self.old.enums, self.new.enums
        for name in sorted(old.keys() | new.keys()):
            dirs, used_by = self.reach.of(f"enum:{name}")
            ctx = _Ctx("enum", enum=name, dirs=dirs, used_by=used_by)
            o, n = old.get(name), new.get(name)
            path = f"enums.{name}"
            if o is None and n is not None:
                self.emit(
                    ctx, "enum-added", "INFO", path, None, name, note=n.note, count=len(n.values)
                )
            elif n is None and o is not None:
                self.emit(ctx, "enum-removed", "INFO", path, name, None, note=o.note)
            elif o is not None and n is not None:
                self.enum(ctx, o, n)

    def removal_sev(self, ctx: _Ctx, v: EnumValue) -> Severity:
        """A value leaves: ERR if integrators may send it, WARN if they only receive it."""
        if v.since > self.old_target:
            return "INFO"
        if REQUEST in ctx.dirs and v.request:
            return "ERR"
        return "WARN" if RESPONSE in ctx.dirs else "INFO"

    def addition_sev(self, ctx: _Ctx, v: EnumValue) -> Severity:
        """A value arrives: WARN if integrators may receive it (their code must handle it)."""
        return "WARN" if RESPONSE in ctx.dirs and v.since <= self.new_target else "INFO"

    def enum(self, ctx: _Ctx, old: EnumDef, new: EnumDef) -> None:
        path = f"enums.{new.name}"
        self.docs(ctx, path, old.description, new.description)
        self.docs(ctx, path, old.note, new.note, "note")
        o_map = {v.value: v for v in old.values}
        n_map = {v.value: v for v in new.values}
        for value, v in o_map.items():
            if value not in n_map:
                sev = self.removal_sev(ctx, v)
                why = {
                    "ERR": ": integrators who send it are refused",
                    "WARN": ": code that names its enum member breaks",
                }.get(sev, "")
                self.value(ctx, "enum-value-removed", sev, value, value, None, why=why)
        for value, v in n_map.items():
            if value not in o_map:
                sev = self.addition_sev(ctx, v)
                why = ": integrators' code must handle it" if sev == "WARN" else ""
                self.value(
                    ctx,
                    "enum-value-added",
                    sev,
                    value,
                    None,
                    value,
                    why=why,
                    since=v.since,
                    later=self.later(v.since),
                )
        for value, o in o_map.items():
            n = n_map.get(value)
            if n is not None:
                self.enum_value(ctx, o, n)
                self.docs(ctx, f"{path}.{value}", o.description, n.description)

    def value(
        self,
        ctx: _Ctx,
        id: str,
        severity: Severity,
        value: str,
        old: object,
        new: object,
        **words: object,
    ) -> None:
        path = f"enums.{ctx.enum}.{value}"
        self.record(ctx, id, severity, path, old, new, None, value, None, words)

    def enum_value(self, ctx: _Ctx, o: EnumValue, n: EnumValue) -> None:
        """Compare one enum value present on both sides."""
        value = n.value
        if o.request and not n.request:
            sev: Severity = "ERR" if REQUEST in ctx.dirs else "INFO"
            self.value(ctx, "enum-value-no-longer-sendable", sev, value, True, False)
        elif n.request and not o.request:
            self.value(ctx, "enum-value-now-sendable", "INFO", value, False, True)
        if o.name != n.name:
            self.value(ctx, "enum-value-name-changed", "WARN", value, o.name, n.name)
        ov, nv = o.since <= self.old_target, n.since <= self.new_target
        if ov and not nv:
            sev = self.removal_sev(ctx, o)
            self.value(ctx, "enum-value-no-longer-available", sev, value, o.since, n.since)
        elif nv and not ov:
            sev = self.addition_sev(ctx, n)
            self.value(ctx, "enum-value-now-available", sev, value, o.since, n.since)
        elif o.since != n.since:
            self.value(ctx, "enum-value-since-changed", "INFO", value, o.since, n.since)
        if o.deprecated != n.deprecated:
            id = "enum-value-deprecated" if n.deprecated else "enum-value-undeprecated"
            self.value(ctx, id, "INFO", value, o.deprecated, n.deprecated)
        if o.attributes != n.attributes:
            sev = "INFO"
            self.value(ctx, "enum-value-attributes-changed", sev, value, _attrs(o), _attrs(n))

    # ----------------------------------------------------------------- fields.yaml

    def field_docs(self) -> None:
        """Descriptions and notes of field definitions, once each rather than per use."""
        ctx = _Ctx("field")
        for name in sorted(self.old.fields.keys() & self.new.fields.keys()):
            o, n = self.old.fields[name], self.new.fields[name]
            self.docs(ctx, f"fields.{name}", o.description, n.description)
            self.docs(ctx, f"fields.{name}", o.note, n.note, "note")


def _expected(spec: Spec, kind: str, env: str, service: str, function: str) -> str | None:
    """The URL platform.yaml gives for a function (None for an unknown environment)."""
    if env not in dict(spec.platform.environments):
        return None
    if kind == "rest":
        return spec.platform.rest_url(env, service, function)
    return spec.platform.wsdl_url(env, service)


def _override(spec: Spec, use: FieldUse) -> str:
    """The description a function gives a field when it differs from fields.yaml, else ""."""
    base = spec.fields.get(use.name)
    if base is not None and base.description == use.field.description:
        return ""
    return use.field.description


def _pair_up(
    n_removed: int,
    n_added: int,
    same: dict[tuple[int, int], bool],
    here: dict[tuple[int, int], bool],
) -> list[tuple[int, int]]:
    """Pairs (i, j) of removed[i] and added[j] that are one thing under a new name.

    Kept: pairs that are alike where each is the other's only match; then, among several
    alike, the pair at the same position (``here``). Anything ambiguous stays removed + added.
    """
    pairs: list[tuple[int, int]] = []
    for i in range(n_removed):
        cands = [j for j in range(n_added) if same[i, j]]
        if len(cands) == 1 and sum(same[k, cands[0]] for k in range(n_removed)) == 1:
            pairs.append((i, cands[0]))
    done_r, done_a = {i for i, _ in pairs}, {j for _, j in pairs}
    for i in range(n_removed):
        cands = [j for j in range(n_added) if j not in done_a and same[i, j] and here[i, j]]
        if i not in done_r and len(cands) == 1:
            pairs.append((i, cands[0]))
            done_a.add(cands[0])
    return pairs


def _use_renames(
    old: list[FieldUse], new: list[FieldUse], removed: list[FieldUse], added: list[FieldUse]
) -> list[tuple[FieldUse, FieldUse]]:
    """Removed and added uses of one list with the same definition and presence: renames."""
    same: dict[tuple[int, int], bool] = {}
    here: dict[tuple[int, int], bool] = {}
    for i, r in enumerate(removed):
        for j, a in enumerate(added):
            same[i, j] = _shape(r.field) == _shape(a.field) and r.presence == a.presence
            here[i, j] = old.index(r) == new.index(a)
    return [(removed[i], added[j]) for i, j in _pair_up(len(removed), len(added), same, here)]


def _function_renames(
    removed: list[Function], added: list[Function]
) -> list[tuple[Function, Function]]:
    """Removed and added functions of one service with the same request and response fields."""

    def sig(f: Function) -> tuple[object, ...]:
        return tuple(u.name for u in f.request), tuple(u.name for u in f.response)

    same = {(i, j): sig(r) == sig(a) for i, r in enumerate(removed) for j, a in enumerate(added)}
    here = dict.fromkeys(same, False)
    return [(removed[i], added[j]) for i, j in _pair_up(len(removed), len(added), same, here)]


def diff_specs(
    old: Spec,
    new: Spec,
    old_label: str = "old",
    new_label: str = "new",
    interface_version: Version | None = None,
    old_commit: str | None = None,
    new_commit: str | None = None,
) -> SpecDiff:
    """Compare two full specs. What integrators see is judged at each spec's latest interface
    version, or at ``interface_version`` on both sides."""
    old_target = interface_version or old.platform.latest_interface_version
    new_target = interface_version or new.platform.latest_interface_version
    changes = _Differ(old, new, old_target, new_target).run()
    old_side = Side(old_label, str(old.platform.latest_interface_version), str(old_target))
    new_side = Side(new_label, str(new.platform.latest_interface_version), str(new_target))
    return SpecDiff(
        replace(old_side, commit=old_commit), replace(new_side, commit=new_commit), tuple(changes)
    )


# --------------------------------------------------------------------------- sources


class SourceError(Exception):
    """OLD or NEW cannot be read; ``problems`` say why (spec errors name file:line)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


_GIT = shutil.which("git") or "git"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([_GIT, "-C", str(repo), *args], capture_output=True, check=False)


def find_repo(start: Path) -> Path | None:
    """The top of the git working tree that holds ``start``, or None."""
    try:
        proc = _git(start, "rev-parse", "--show-toplevel")
    except OSError:
        return None
    return Path(proc.stdout.decode().strip()) if proc.returncode == 0 else None


def load_source(
    source: str, repo: Path | None, spec_dir: str, tmp: Path
) -> tuple[Spec, str | None]:
    """Load ``git:REV`` (extracted from ``repo`` into ``tmp``) or a folder: (spec, commit).

    A folder may be the spec folder itself or a checkout that holds ``spec_dir``.
    """
    if not source.startswith("git:"):
        root = Path(source)
        if not (root / "platform.yaml").is_file() and (root / spec_dir).is_dir():
            root = root / spec_dir
        return _load(source, root), None
    rev = source[len("git:") :]
    if repo is None:
        raise SourceError(source, ["not inside a git repository (give --repo)"])
    if not rev:
        raise SourceError(source, ["give a revision after 'git:', e.g. git:HEAD"])
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
    if proc.returncode != 0:
        raise SourceError(source, [f"{rev!r} is not a revision of the repository {repo}"])
    commit = proc.stdout.decode().strip()
    if _git(repo, "cat-file", "-e", f"{commit}:{spec_dir}").returncode != 0:
        raise SourceError(source, [f"there is no {spec_dir}/ at {rev} ({commit[:12]})"])
    proc = _git(repo, "archive", "--format=tar", commit, "--", spec_dir)
    if proc.returncode != 0:
        raise SourceError(source, [f"git archive failed: {proc.stderr.decode().strip()}"])
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        archive.extractall(tmp, filter="data")
    return _load(source, tmp / spec_dir), commit


def _load(source: str, root: Path) -> Spec:
    try:
        return load_spec(root)
    except SpecError as exc:
        raise SourceError(source, exc.problems) from exc


# --------------------------------------------------------------------------- the command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator diff",
        description="Compare two specs and classify every change (see docs/spec-diff.md). "
        "No OLD/NEW: git:HEAD against the working tree; only OLD: OLD against the working tree.",
    )
    parser.add_argument("old", nargs="?", help="spec folder or git:REV (default: git:HEAD)")
    parser.add_argument("new", nargs="?", help="spec folder or git:REV (default: working tree)")
    parser.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="default: text"
    )
    parser.add_argument("--output", "-o", help="write the report to this file, not stdout")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 when a change at or above this severity exists (default: never)",
    )
    parser.add_argument(
        "--repo",
        help="git repository for git:REV and the working tree (default: the one holding the "
        "current directory, else the one holding this generator)",
    )
    parser.add_argument(
        "--spec-dir", default="spec", help="the spec folder inside the repository (default: spec)"
    )
    parser.add_argument(
        "--interface-version",
        help="judge what integrators see at this version on both sides (default: each "
        "spec's latest_interface_version)",
    )
    return parser


def main(argv: list[str]) -> int:
    """``python -m generator diff``: 0 done, 1 a change reaches --fail-on, 2 cannot compare."""
    from .diff_report import render

    if argv[:1] == ["--"]:  # python -m generator diff -- --format json (see docs)
        argv = argv[1:]
    args = _parser().parse_args(argv)
    version: Version | None = None
    if args.interface_version:
        try:
            version = Version.parse(args.interface_version)
        except ValueError as exc:
            print(f"generator diff: {exc}", file=sys.stderr)
            return 2
    if args.repo:
        repo: Path | None = Path(args.repo).resolve()
    else:
        repo = find_repo(Path.cwd()) or find_repo(Path(__file__).resolve().parent)
    worktree = str(repo / args.spec_dir) if repo else args.spec_dir
    sources = (args.old or "git:HEAD", args.new or worktree)
    labels = [s if s != worktree else "working tree" for s in sources]
    loaded: list[tuple[Spec, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="spec-diff-") as tmp:
        for i, source in enumerate(sources):
            (Path(tmp) / str(i)).mkdir()
            try:
                loaded.append(load_source(source, repo, args.spec_dir, Path(tmp) / str(i)))
            except SourceError as exc:
                which = ("OLD", "NEW")[i]
                print(f"generator diff: cannot load {which} ({labels[i]}):", file=sys.stderr)
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
                return 2
    (old, old_commit), (new, new_commit) = loaded
    result = diff_specs(old, new, labels[0], labels[1], version, old_commit, new_commit)
    report = render(result, args.format)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
        counts = ", ".join(f"{result.count(s)} {s}" for s in SEVERITIES)
        print(f"wrote {args.output}: {counts}", file=sys.stderr)
    else:
        sys.stdout.write(report)
    return 1 if result.fails(args.fail_on) else 0


__all__ = [
    "CATALOGUE",
    "Change",
    "Side",
    "SourceError",
    "SpecDiff",
    "diff_specs",
    "load_source",
    "main",
]


if __name__ == "__main__":  # python -m generator.diff [OLD [NEW]] [options]
    raise SystemExit(main(sys.argv[1:]))
