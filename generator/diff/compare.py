"""The comparison of two :class:`~generator.spec.Spec` objects: every difference, classified.

The typed specs are walked side by side (platform, services and functions, containers, enums,
field descriptions); each difference becomes a :class:`~.model.Change` whose id, area and
message come from the catalogue, and whose severity is the catalogue's for the directions the
changed thing is used in, unless the context decides otherwise (see ``docs/spec-diff.md``).
Each change names the Python names it touches in integrators' code (``names.py``).

A change to a field's definition in fields.yaml reaches every function that uses the field; it
is reported once, under the field (``field-…`` ids), listing those functions, with the highest
of their severities. What belongs to one function's use (its presence, an addition, a format
override) stays with that function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..formats import Format
from ..spec import (
    ContainerDef,
    EnumDef,
    EnumValue,
    FieldDef,
    FieldUse,
    Function,
    Service,
    Spec,
    Version,
)
from . import names
from .catalogue import (
    CATALOGUE,
    RANK,
    REQUEST,
    RESPONSE,
    SHARED_FIELD_PREFIX,
    Effect,
    Severity,
)
from .model import Change, PythonName, Side, SpecDiff
from .reach import reach_of
from .renames import function_renames, use_renames


def _direction(dirs: frozenset[str]) -> str | None:
    if len(dirs) == 2:
        return "both"
    return next(iter(dirs)) if dirs else None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _fmt(value: Format | None) -> str:
    return "none" if value is None else str(value)


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


def _effect(id: str) -> Effect:
    """What a kind of change does to the Python name of the changed thing (catalogue)."""
    effect = CATALOGUE[id].effect
    if effect is None:
        raise ValueError(f"{id} touches no Python name")
    return effect


def _functions(used_by: Iterable[str]) -> tuple[str, ...]:
    """``service.function`` of each origin ``service.function direction``."""
    return tuple(sorted({origin.split(" ")[0] for origin in used_by}))


OLD, NEW = 0, 1  # the sides, as indexes of (old, new) pairs
_Defs = tuple[FieldDef, FieldDef]  # a field's fields.yaml definitions, old and new


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
    functions: tuple[str, ...] = ()  # "service.function" of the functions the changes touch


@dataclass(frozen=True)
class _Place:
    """A list of field uses: a function's request or response, or a container's members."""

    ctx: _Ctx
    prefix: str  # id prefix: request-field | response-field | container-member
    base: str  # path prefix
    label: str  # "request field", "response field", "member of contact"
    floor: tuple[Version, Version] | None = None  # the function's since, old and new


@dataclass
class _SharedUse:
    """One function's use of a fields.yaml field, changed by the field's definition."""

    ctx: _Ctx
    severity: Severity
    words: Mapping[str, object]
    python: tuple[PythonName, ...]
    note: str


@dataclass
class _SharedChange:
    """A change to a field's definition, and the uses it changed: reported once."""

    id: str  # field-<suffix>
    name: str  # the field, or x[] for one item of the list x
    old: str | None
    new: str | None
    uses: list[_SharedUse] = field(default_factory=list)


class _Differ:
    """Walks two specs side by side and collects :class:`Change` records."""

    def __init__(self, old: Spec, new: Spec, old_target: Version, new_target: Version) -> None:
        self.old, self.new = old, new
        self.old_target, self.new_target = old_target, new_target
        self.reach = reach_of(old, new)
        self.envelope = set(old.platform.envelope_fields) | set(new.platform.envelope_fields)
        self.changes: list[Change] = []
        self.shared: dict[tuple[str, str, str | None, str | None], _SharedChange] = {}

    def run(self) -> list[Change]:
        self.platform(_Ctx("platform"))
        self.services()
        self.shared_fields()
        self.containers()
        self.enums()
        self.field_docs()
        return sorted(self.changes, key=Change.sort_key)

    def target(self, side: int) -> Version:
        return (self.old_target, self.new_target)[side]

    def emit(
        self,
        ctx: _Ctx,
        id: str,
        path: str,
        old: object = None,
        new: object = None,
        *,
        severity: Severity | None = None,
        field: str | None = None,
        value: str | None = None,
        note: str | None = None,
        python: Iterable[PythonName] = (),
        **words: object,
    ) -> None:
        """Record one change; its message is the catalogue's template filled with ``words``,
        its severity the catalogue's for ``ctx``'s directions unless given."""
        self.record(ctx, id, severity, path, old, new, field, value, note, words, python)

    def record(
        self,
        ctx: _Ctx,
        id: str,
        severity: Severity | None,
        path: str,
        old: object,
        new: object,
        field: str | None,
        value: str | None,
        note: str | None,
        words: Mapping[str, object],
        python: Iterable[PythonName] = (),
    ) -> None:
        kind = CATALOGUE[id]
        message = kind.template.format(
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
                severity=severity or kind.severity(ctx.dirs),
                area=kind.area,
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
                functions=ctx.functions,
                python=tuple(sorted(set(python), key=PythonName.sort_key)),
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
            lowered = ln < lo
            why = " (lowered: later fields and functions leave it)" if lowered else ""
            path = "platform.latest_interface_version"
            sev: Severity | None = "WARN" if lowered else None
            self.emit(ctx, "latest-interface-version-changed", path, lo, ln, severity=sev, why=why)
        old_env, new_env = dict(old.environments), dict(new.environments)
        for env in sorted(old_env.keys() | new_env.keys()):
            o, n = old_env.get(env), new_env.get(env)
            path = f"platform.environments.{env}"
            if o is None:
                self.emit(ctx, "environment-added", path, o, n, env=env)
            elif n is None:
                self.emit(ctx, "environment-removed", path, o, n, env=env)
            elif o != n:
                self.emit(ctx, "environment-host-changed", path, o, n, env=env)
        for attr in ("rest_path", "soap_path", "soap_namespace"):
            o_val, n_val = getattr(old, attr), getattr(new, attr)
            if o_val != n_val:
                id = attr.replace("_", "-") + "-changed"
                self.emit(ctx, id, f"platform.{attr}", o_val, n_val)
        if old.default_seal_algorithm != new.default_seal_algorithm:
            self.emit(
                ctx,
                "seal-default-algorithm-changed",
                "platform.seal.default_algorithm",
                old.default_seal_algorithm,
                new.default_seal_algorithm,
            )
        for algo in sorted(set(old.seal_algorithms) ^ set(new.seal_algorithms)):
            path = f"platform.seal.algorithms.{algo}"
            if algo in old.seal_algorithms:
                self.emit(ctx, "seal-algorithm-removed", path, algo, None)
            else:
                self.emit(ctx, "seal-algorithm-added", path, None, algo)
        o_ex, n_ex = old.seal_excluded_fields, new.seal_excluded_fields
        if set(o_ex) != set(n_ex):
            path = "platform.seal.excluded_fields"
            self.emit(ctx, "seal-excluded-fields-changed", path, ", ".join(o_ex), ", ".join(n_ex))
        for name in sorted(set(old.envelope_fields) ^ set(new.envelope_fields)):
            path = f"platform.envelope_fields.{name}"
            values: tuple[str | None, str | None]
            if name in new.envelope_fields:  # the keyword goes from the functions that had it
                id, side, values = "envelope-field-added", OLD, (None, name)
            else:
                id, side, values = "envelope-field-removed", NEW, (name, None)
            spec = (self.old, self.new)[side]
            calls = [
                (s.name, f.name)
                for s, f in spec.iter_functions()
                if any(u.name == name and u.since <= self.target(side) for u in f.request)
                and f.since <= self.target(side)
            ]
            python = [names.keyword(s, f, name, _effect(id)) for s, f in calls]
            functions = tuple(sorted(f"{s}.{f}" for s, f in calls))
            self.emit(replace(ctx, functions=functions), id, path, *values, python=python)
        self.docs(ctx, "platform", old.description, new.description)
        self.docs(ctx, "platform", old.note, new.note, "note")

    # ----------------------------------------------------------------- services and functions

    def services(self) -> None:
        old = {s.name: s for s in self.old.services}
        new = {s.name: s for s in self.new.services}
        for name in sorted(old.keys() | new.keys()):
            o, n = old.get(name), new.get(name)
            function_names = {f.name for s in (o, n) if s is not None for f in s.functions}
            touched = tuple(sorted(f"{name}.{f}" for f in function_names))
            ctx = _Ctx("service", service=name, functions=touched)
            if o is None and n is not None:
                functions = ", ".join(f.name for f in n.functions)
                visible = any(f.since <= self.new_target for f in n.functions)
                effect = _effect("service-added")
                python = [names.service_attribute(name, effect)] if visible else []
                self.emit(
                    ctx,
                    "service-added",
                    name,
                    None,
                    n.interface_prefix,
                    note=n.note,
                    python=python,
                    functions=functions,
                )
            elif n is None and o is not None:
                functions = ", ".join(f.name for f in o.functions)
                visible = any(f.since <= self.old_target for f in o.functions)
                effect = _effect("service-removed")
                python = [names.service_attribute(name, effect)] if visible else []
                self.emit(
                    ctx,
                    "service-removed",
                    name,
                    o.interface_prefix,
                    None,
                    severity=None if visible else "INFO",
                    note=o.note,
                    python=python,
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
        for r, a in function_renames(removed, added):
            removed.remove(r)
            added.remove(a)
            where = f"{name}.{a.name}"
            visible = r.since <= self.old_target
            python = [names.method(name, r.name, "goes")] if visible else []
            if a.since <= self.new_target:
                python.append(names.method(name, a.name, "appears"))
            self.emit(
                replace(ctx, function=a.name, functions=tuple(sorted((f"{name}.{r.name}", where)))),
                "function-renamed",
                where,
                r.name,
                a.name,
                severity=None if visible else "INFO",
                note=a.note,
                python=python,
                where=where,
            )
            pairs.append((r, a))
        for f in removed:
            id, where = "function-removed", f"{name}.{f.name}"
            visible = f.since <= self.old_target
            self.emit(
                replace(ctx, function=f.name, functions=(where,)),
                id,
                where,
                f.name,
                None,
                severity=None if visible else "INFO",
                note=f.note,
                python=[names.method(name, f.name, _effect(id))] if visible else [],
                where=where,
            )
        for f in added:
            id, where = "function-added", f"{name}.{f.name}"
            visible = f.since <= self.new_target
            self.emit(
                replace(ctx, function=f.name, functions=(where,)),
                id,
                where,
                None,
                f.name,
                note=f.note,
                python=[names.method(name, f.name, _effect(id))] if visible else [],
                where=where,
                since=f.since,
                later=self.later(f.since),
            )
        for o, n in pairs:
            where = f"{name}.{n.name}"
            self.function(replace(ctx, function=n.name, functions=(where,)), o, n)

    def function(self, ctx: _Ctx, old: Function, new: Function) -> None:
        where = f"{ctx.service}.{new.name}"
        path = f"{where}.since"
        ov, nv = old.since <= self.old_target, new.since <= self.new_target
        if ov != nv:
            id = "function-no-longer-available" if ov else "function-now-available"
            python = [names.method(ctx.service or "", new.name, _effect(id))]
            self.emit(ctx, id, path, old.since, new.since, python=python, where=where)
        elif old.since != new.since:
            self.emit(ctx, "function-since-changed", path, old.since, new.since, where=where)
        ro, rn = old.recommended_interface_version, new.recommended_interface_version
        if ro != rn:
            path = f"{where}.recommended_interface_version"
            self.emit(ctx, "function-recommended-version-changed", path, ro, rn, where=where)
        if old.resend != new.resend:
            # A function that may now be resent could charge twice if the mark is wrong: a
            # reviewer must look (WARN); one that no longer may is only more cautious (INFO).
            self.emit(
                ctx,
                "function-resend-changed",
                f"{where}.resend",
                old.resend or "never",
                new.resend or "never",
                severity=None if new.resend else "INFO",
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
                self.emit(ctx, "function-url-added", path, o, n, kind=kind, env=env)
            elif n is None:
                self.emit(ctx, "function-url-removed", path, o, n, kind=kind, env=env)
            elif o != n and not (
                _expected(self.old, kind, env, service, old.name) == o
                and _expected(self.new, kind, env, service, new.name) == n
            ):
                self.emit(ctx, "function-url-changed", path, o, n, kind=kind, env=env)

    # ----------------------------------------------------------------- lists of field uses

    def uses(self, place: _Place, old: Sequence[FieldUse], new: Sequence[FieldUse]) -> None:
        """Compare two lists of field uses: added, removed, renamed, then each common one."""
        o_map = {u.name: u for u in old}
        n_map = {u.name: u for u in new}
        removed = [u for u in old if u.name not in n_map]
        added = [u for u in new if u.name not in o_map]
        common = [(u, n_map[u.name]) for u in old if u.name in n_map]
        for r, a in use_renames(list(old), list(new), removed, added):
            removed.remove(r)
            added.remove(a)
            visible = self.visible(place, r, OLD)
            python = [
                *(self.use_names(place, r.name, "goes") if visible else ()),
                *(self.use_names(place, a.name, "appears") if self.visible(place, a, NEW) else ()),
            ]
            sev: Severity | None = None if visible else "INFO"
            self.at(place, "renamed", a, r.name, a.name, severity=sev, python=python)
            common.append((r, a))
        for u in removed:
            visible = self.visible(place, u, OLD)
            sev = None if visible else "INFO"
            self.at(place, "removed", u, u.presence, None, severity=sev, visible=visible)
        for u in added:
            hint, later = self.envelope_hint(place, u.name), self.later(u.since)
            if u.required and not later:
                sev = self.required_severity(place, u.name)
                self.at(
                    place, "added-required", u, None, u.presence, severity=sev, hint=hint, later=""
                )
            else:
                self.at(place, "added", u, None, u.presence, hint=hint, later=later)
        o_order = [u.name for u in old if u.name in n_map]
        n_order = [u.name for u in new if u.name in o_map]
        if o_order != n_order:
            kind, words = f"{place.prefix}-order-changed", {"label": place.label}
            o_text, n_text = ", ".join(o_order), ", ".join(n_order)
            self.record(place.ctx, kind, None, place.base, o_text, n_text, None, None, None, words)
        for o, n in common:
            self.use(place, o, n)

    def at(
        self,
        place: _Place,
        kind: str,
        use: FieldUse,
        old: object = None,
        new: object = None,
        name: str | None = None,
        *,
        severity: Severity | None = None,
        effect: Effect | None = None,
        visible: bool | None = None,
        python: Sequence[PythonName] | None = None,
        shared: bool = False,
        **words: object,
    ) -> None:
        """Record a change to the field ``use`` (or to ``name``, a part of it) in ``place``.

        The Python names it touches are ``python``, else the use's with ``effect`` (default:
        the catalogue's) when it is ``visible`` (default: in the new client). A ``shared``
        change comes from the field's definition in fields.yaml: it is put aside, to be
        reported once with the other uses it changed.
        """
        name = name or use.name
        words = {"label": place.label, "presence": use.presence, "since": use.since, **words}
        id = f"{place.prefix}-{kind}"
        if python is None:
            effect = effect or CATALOGUE[id].effect
            if visible is None:
                visible = self.visible(place, use, NEW)
            python = self.use_names(place, use.name, effect) if effect and visible else []
        if shared:
            severity = severity or CATALOGUE[id].severity(place.ctx.dirs)
            key = (name, kind, _str(old), _str(new))
            shared_id = f"{SHARED_FIELD_PREFIX}-{kind}"
            change = self.shared.setdefault(key, _SharedChange(shared_id, name, *key[2:]))
            change.uses.append(
                _SharedUse(place.ctx, severity, words, tuple(python), use.field.note)
            )
            return
        note = use.note or use.field.note
        path = f"{place.base}.{name}"
        self.record(place.ctx, id, severity, path, old, new, name, None, note, words, python)

    def visible(self, place: _Place, use: FieldUse, side: int) -> bool:
        """Whether ``use`` is in the client generated from that side's spec."""
        target = self.target(side)
        return use.since <= target and (place.floor is None or place.floor[side] <= target)

    def use_names(self, place: _Place, field: str, effect: Effect) -> list[PythonName]:
        """The keyword argument (requests) or attribute (responses) ``field`` is in Python."""
        ctx = place.ctx
        if place.prefix == "container-member":
            container = ctx.container or ""
            return [
                names.model_keyword(container, field, effect)
                if d == REQUEST
                else names.model_attribute(container, field, effect)
                for d in sorted(ctx.dirs)
            ]
        service, function = ctx.service or "", ctx.function or ""
        if REQUEST in ctx.dirs:  # envelope fields are the client's, not keywords
            return (
                [] if field in self.envelope else [names.keyword(service, function, field, effect)]
            )
        return [names.attribute(service, function, field, effect)]

    def shared_definitions(self, place: _Place, old: FieldUse, new: FieldUse) -> _Defs | None:
        """The fields.yaml definitions (old, new) of a function's field, if both exist."""
        if place.prefix == "container-member" or old.name != new.name:
            return None
        o_def, n_def = self.old.fields.get(old.name), self.new.fields.get(new.name)
        return (o_def, n_def) if o_def is not None and n_def is not None else None

    def shared_fields(self) -> None:
        """Report each change to a field's definition once, with the uses it changed."""
        for change in self.shared.values():
            uses = change.uses
            worst = max(uses, key=lambda u: RANK[u.severity])  # the first of the most severe
            used_by = {f"{u.ctx.service}.{u.ctx.function} {d}" for u in uses for d in u.ctx.dirs}
            ctx = _Ctx(
                "field",
                dirs=frozenset().union(*(u.ctx.dirs for u in uses)),
                used_by=tuple(sorted(used_by)),
                functions=_functions(used_by),
            )
            words = {**worst.words, "label": "field"}
            path = f"fields.{change.name}"
            python = [n for u in uses for n in u.python]
            self.record(
                ctx,
                change.id,
                worst.severity,
                path,
                change.old,
                change.new,
                change.name,
                None,
                worst.note,
                words,
                python,
            )

    def envelope_hint(self, place: _Place, name: str) -> str:
        if place.prefix == "request-field" and name in self.envelope:
            return " (envelope field: filled in by the client)"
        return ""

    def required_severity(self, place: _Place, name: str) -> Severity | None:
        """A field becomes required: the catalogue's severity (ERR where integrators send it),
        but INFO for envelope fields, which the client fills in."""
        return "INFO" if self.envelope_hint(place, name) else None

    def use(self, place: _Place, old: FieldUse, new: FieldUse) -> None:
        """Compare one field use present on both sides (possibly under a new name)."""
        defs = self.shared_definitions(place, old, new)
        po, pn = old.presence, new.presence
        hint = self.envelope_hint(place, new.name)
        if po != pn and pn == "required":
            sev = self.required_severity(place, new.name)
            self.at(place, "became-required", new, po, pn, severity=sev, hint=hint)
        elif po != pn and po == "required":
            sev = "INFO" if hint else None
            self.at(place, "became-optional", new, po, pn, severity=sev, hint=hint)
        elif po != pn:
            self.at(place, "presence-changed", new, po, pn)
        ov, nv = old.since <= self.old_target, new.since <= self.new_target
        # the field's version changed in fields.yaml and the use follows it on both sides (not
        # when only the target moved: each function then gains or loses the field on its own)
        shared = (
            defs is not None
            and defs[0].since != defs[1].since
            and (old.since, new.since) == (defs[0].since, defs[1].since)
        )
        if place.floor == (old.since, new.since):
            pass  # the field follows its function, whose change is reported
        elif ov and not nv:
            visible = self.visible(place, old, OLD)
            self.at(
                place,
                "no-longer-available",
                new,
                old.since,
                new.since,
                visible=visible,
                shared=shared,
            )
        elif nv and not ov:
            sev = self.required_severity(place, new.name) if new.required else "INFO"
            self.at(place, "now-available", new, old.since, new.since, severity=sev, shared=shared)
        elif old.since != new.since:
            self.at(place, "since-changed", new, old.since, new.since, shared=shared)
        self.definition(place, new, new.name, old.field, new.field, defs)
        path = f"{place.base}.{new.name}"
        if place.prefix == "container-member":  # members are defined in the container file
            self.docs(place.ctx, path, old.field.description, new.field.description)
            self.docs(place.ctx, path, old.field.note, new.field.note, "note")
        else:  # the definition's own texts are reported once, under fields.yaml
            self.docs(place.ctx, path, old.note, new.note, "note")
            o_desc, n_desc = _override(self.old, old), _override(self.new, new)
            self.docs(place.ctx, path, o_desc, n_desc)

    def definition(
        self,
        place: _Place,
        use: FieldUse,
        name: str,
        old: FieldDef,
        new: FieldDef,
        defs: _Defs | None = None,
    ) -> None:
        """Compare what a field is: type, formats, pattern, enum, container, masking, items.

        ``defs`` are the field's fields.yaml definitions: an attribute the use takes from them
        on both sides changed with the field, for every function (a ``shared`` change).
        """

        def shared(attribute: str) -> bool:
            return defs is not None and all(
                getattr(d, attribute) == getattr(u, attribute)
                for d, u in ((defs[0], old), (defs[1], new))
            )

        if old.type != new.type:
            self.at(place, "type-changed", use, old.type, new.type, name, shared=shared("type"))
            return
        self.format(place, use, name, old.format, new.format, False, shared("format"))
        self.format(
            place,
            use,
            name,
            old.alternative_format,
            new.alternative_format,
            True,
            shared("alternative_format"),
        )
        if old.min_length != new.min_length:
            raised = new.min_length > old.min_length
            sev = CATALOGUE[f"{place.prefix}-min-length-changed"].severity(
                place.ctx.dirs, sent="ERR" if raised else "INFO"
            )
            self.at(
                place,
                "min-length-changed",
                use,
                old.min_length,
                new.min_length,
                name,
                severity=sev,
                effect="narrows" if raised else "widens",
                shared=shared("min_length"),
            )
        if old.pattern != new.pattern:
            verb = "added" if old.pattern is None else "removed" if new.pattern is None else ""
            sent: Severity = "ERR" if verb == "added" else "INFO" if verb else "WARN"
            effect: Effect = "narrows" if verb == "added" else "widens" if verb else "changes"
            sev = CATALOGUE[f"{place.prefix}-pattern-changed"].severity(place.ctx.dirs, sent=sent)
            self.at(
                place,
                "pattern-changed",
                use,
                old.pattern,
                new.pattern,
                name,
                severity=sev,
                effect=effect,
                shared=shared("pattern"),
                verb=verb or "changed",
            )
        if old.enum != new.enum:
            self.enum_ref(place, use, name, old.enum, new.enum, shared("enum"))
        if old.type == "container" and old.container != new.container:
            self.at(
                place,
                "container-changed",
                use,
                old.container,
                new.container,
                name,
                shared=shared("container"),
            )
        if old.sensitive != new.sensitive:
            kind = "sensitive-removed" if new.sensitive is None else "sensitive-changed"
            kind = "sensitive-added" if old.sensitive is None else kind
            self.at(
                place, kind, use, old.sensitive, new.sensitive, name, shared=shared("sensitive")
            )
        if old.items is not None and new.items is not None:
            items = None
            if defs is not None and defs[0].items is not None and defs[1].items is not None:
                items = (defs[0].items, defs[1].items)
            self.definition(place, use, f"{name}[]", old.items, new.items, items)
        if old.item_name != new.item_name:
            self.at(
                place,
                "item-name-changed",
                use,
                old.item_name,
                new.item_name,
                name,
                shared=shared("item_name"),
            )

    def format(
        self,
        place: _Place,
        use: FieldUse,
        name: str,
        old: Format | None,
        new: Format | None,
        alternative: bool,
        shared: bool,
    ) -> None:
        """A format (or the alternative format) changed: narrowing requests breaks them,
        widening responses may overflow integrators' storage."""
        if old == new:
            return
        narrowed, widened = _format_move(old, new, alternative)
        dirs = place.ctx.dirs
        why = ""
        severity: Severity | None = None
        if narrowed and not widened:
            verb = "narrowed"
            why = ": values accepted before may be refused" if REQUEST in dirs else ""
        elif widened and not narrowed:
            verb = "widened"
            why = ": integrators' storage may be too small" if RESPONSE in dirs else ""
        else:
            verb = "changed"
            severity = None if narrowed else "INFO"  # neither narrower nor wider: harmless
        kind = ("alternative-format-" if alternative else "format-") + verb
        self.at(
            place, kind, use, _fmt(old), _fmt(new), name, severity=severity, shared=shared, why=why
        )

    def enum_ref(
        self,
        place: _Place,
        use: FieldUse,
        name: str,
        old: str | None,
        new: str | None,
        shared: bool,
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
        sev = CATALOGUE[f"{place.prefix}-enum-changed"].severity(
            dirs, sent=None if narrowed else "INFO", received=None if widened else "INFO"
        )
        why = ""
        if lost and REQUEST in dirs:
            why = "; no longer accepted: " + ", ".join(sorted(lost))
        elif gained and RESPONSE in dirs:
            why = "; new values: " + ", ".join(sorted(gained))
        new_enum, old_enum = new or "none (free text)", old or "none (free text)"
        effect: Effect = "changes"
        if narrowed != widened:
            effect = "narrows" if narrowed else "widens"
        self.at(
            place,
            "enum-changed",
            use,
            old,
            new,
            name,
            severity=sev,
            effect=effect,
            shared=shared,
            why=why,
            new_enum=new_enum,
            old_enum=old_enum,
        )

    # ----------------------------------------------------------------- containers

    def containers(self) -> None:
        old, new = self.old.containers, self.new.containers
        for name in sorted(old.keys() | new.keys()):
            dirs, used_by = self.reach.of(f"container:{name}")
            functions = _functions(used_by)
            ctx = _Ctx("container", container=name, dirs=dirs, used_by=used_by, functions=functions)
            o, n = old.get(name), new.get(name)
            path = f"containers.{name}"
            if o is None and n is not None:
                python = [names.container_model(name, _effect("container-added"))]
                self.emit(ctx, "container-added", path, None, name, note=n.note, python=python)
            elif n is None and o is not None:
                python = [names.container_model(name, _effect("container-removed"))]
                self.emit(ctx, "container-removed", path, name, None, note=o.note, python=python)
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
            functions = _functions(used_by)
            ctx = _Ctx("enum", enum=name, dirs=dirs, used_by=used_by, functions=functions)
            o, n = old.get(name), new.get(name)
            path = f"enums.{name}"
            if o is None and n is not None:
                python = [names.enum_class(name, _effect("enum-added"))]
                self.emit(
                    ctx,
                    "enum-added",
                    path,
                    None,
                    name,
                    note=n.note,
                    python=python,
                    count=len(n.values),
                )
            elif n is None and o is not None:
                python = [names.enum_class(name, _effect("enum-removed"))]
                self.emit(ctx, "enum-removed", path, name, None, note=o.note, python=python)
            elif o is not None and n is not None:
                self.enum(ctx, o, n)

    def removal_severity(self, ctx: _Ctx, id: str, v: EnumValue) -> Severity:
        """A value leaves: ERR if integrators may send it, WARN if they only receive it."""
        if v.since > self.old_target:
            return "INFO"
        return CATALOGUE[id].severity(ctx.dirs, sent=None if v.request else "INFO")

    def addition_severity(self, ctx: _Ctx, id: str, v: EnumValue) -> Severity:
        """A value arrives: WARN if integrators may receive it (their code must handle it)."""
        return CATALOGUE[id].severity(ctx.dirs) if v.since <= self.new_target else "INFO"

    def enum(self, ctx: _Ctx, old: EnumDef, new: EnumDef) -> None:
        path = f"enums.{new.name}"
        self.docs(ctx, path, old.description, new.description)
        self.docs(ctx, path, old.note, new.note, "note")
        o_map = {v.value: v for v in old.values}
        n_map = {v.value: v for v in new.values}
        for value, v in o_map.items():
            if value not in n_map:
                sev = self.removal_severity(ctx, "enum-value-removed", v)
                why = {
                    "ERR": ": integrators who send it are refused",
                    "WARN": ": code that names its enum member breaks",
                }.get(sev, "")
                python = self.member(ctx, v, "enum-value-removed", OLD)
                self.value(
                    ctx,
                    "enum-value-removed",
                    value,
                    value,
                    None,
                    severity=sev,
                    python=python,
                    why=why,
                )
        for value, v in n_map.items():
            if value not in o_map:
                sev = self.addition_severity(ctx, "enum-value-added", v)
                why = ": integrators' code must handle it" if sev == "WARN" else ""
                self.value(
                    ctx,
                    "enum-value-added",
                    value,
                    None,
                    value,
                    severity=sev,
                    python=self.member(ctx, v, "enum-value-added", NEW),
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
        value: str,
        old: object,
        new: object,
        *,
        severity: Severity | None = None,
        python: Sequence[PythonName] = (),
        **words: object,
    ) -> None:
        path = f"enums.{ctx.enum}.{value}"
        self.record(ctx, id, severity, path, old, new, None, value, None, words, python)

    def member(
        self, ctx: _Ctx, v: EnumValue, id: str, side: int, name: str | None = None
    ) -> list[PythonName]:
        """The enum member of ``v`` (or named ``name``), if in that side's client."""
        if v.since > self.target(side):
            return []
        return [names.member(ctx.enum or "", name or v.name, _effect(id))]

    def enum_value(self, ctx: _Ctx, o: EnumValue, n: EnumValue) -> None:
        """Compare one enum value present on both sides."""
        value = n.value
        if o.request != n.request:
            id = "enum-value-now-sendable" if n.request else "enum-value-no-longer-sendable"
            python = self.member(ctx, n, id, NEW)
            self.value(ctx, id, value, o.request, n.request, python=python)
        if o.name != n.name:
            python = [
                *(self.member(ctx, o, "enum-value-removed", OLD)),
                *(self.member(ctx, n, "enum-value-added", NEW)),
            ]
            self.value(ctx, "enum-value-name-changed", value, o.name, n.name, python=python)
        ov, nv = o.since <= self.old_target, n.since <= self.new_target
        if ov and not nv:
            id = "enum-value-no-longer-available"
            sev = self.removal_severity(ctx, id, o)
            python = self.member(ctx, o, id, OLD)
            self.value(ctx, id, value, o.since, n.since, severity=sev, python=python)
        elif nv and not ov:
            id = "enum-value-now-available"
            sev = self.addition_severity(ctx, id, n)
            python = self.member(ctx, n, id, NEW)
            self.value(ctx, id, value, o.since, n.since, severity=sev, python=python)
        elif o.since != n.since:
            self.value(ctx, "enum-value-since-changed", value, o.since, n.since)
        if o.deprecated != n.deprecated:
            id = "enum-value-deprecated" if n.deprecated else "enum-value-undeprecated"
            self.value(ctx, id, value, o.deprecated, n.deprecated)
        if o.attributes != n.attributes:
            self.value(ctx, "enum-value-attributes-changed", value, _attrs(o), _attrs(n))

    # ----------------------------------------------------------------- fields.yaml

    def field_docs(self) -> None:
        """Descriptions and notes of field definitions, once each rather than per use."""
        for name in sorted(self.old.fields.keys() & self.new.fields.keys()):
            dirs, used_by = self.reach.of(f"field:{name}")
            ctx = _Ctx("field", dirs=dirs, used_by=used_by, functions=_functions(used_by))
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
    old_side = Side(
        old_label, str(old.platform.latest_interface_version), str(old_target), old_commit
    )
    new_side = Side(
        new_label, str(new.platform.latest_interface_version), str(new_target), new_commit
    )
    return SpecDiff(old_side, new_side, tuple(changes))


__all__ = ["diff_specs"]
