"""The comparison of two :class:`~generator.spec.Spec` objects: every difference, classified.

The typed specs are walked side by side (platform, services and functions, containers, enums,
field descriptions); each difference becomes a :class:`~.model.Change` whose id, area and
message come from the catalogue, and whose severity is the catalogue's for the directions the
changed thing is used in, unless the context decides otherwise (see ``docs/spec-diff.md``).
Each change names the Python names it touches in integrators' code (``names.py``).

Recording a change is ``recorder.py``'s business; comparing lists of field uses and field
definitions (and gathering the changes to fields.yaml) is ``field_uses.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..spec import ContainerDef, EnumDef, EnumValue, Function, Service, Spec, Version
from . import names
from .catalogue import CATALOGUE, REQUEST, RESPONSE, Severity
from .field_uses import FieldUses, Place
from .model import Change, PythonName, Side, SpecDiff
from .reach import reach_of
from .recorder import NEW, OLD, Ctx, effect_of, functions_of
from .renames import function_renames


def _attrs(value: EnumValue) -> str:
    return ", ".join(f"{k}={v}" for k, v in value.attributes) or "none"


class _Differ(FieldUses):
    """Walks two specs side by side and collects :class:`Change` records."""

    def __init__(self, old: Spec, new: Spec, old_target: Version, new_target: Version) -> None:
        super().__init__(old, new, old_target, new_target)
        self.reach = reach_of(old, new)

    def run(self) -> list[Change]:
        self.platform(Ctx("platform"))
        self.services()
        self.shared_fields()
        self.containers()
        self.enums()
        self.field_docs()
        return sorted(self.changes, key=Change.sort_key)

    # ----------------------------------------------------------------- platform

    def platform(self, ctx: Ctx) -> None:
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
        o_opt, n_opt = set(old.soap_optional_fields), set(new.soap_optional_fields)
        if o_opt != n_opt:
            path = "platform.soap_optional_fields"
            o_text, n_text = ", ".join(sorted(o_opt)), ", ".join(sorted(n_opt))
            self.emit(ctx, "soap-optional-fields-changed", path, o_text or "none", n_text or "none")
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
            python = [names.keyword(s, f, name, effect_of(id)) for s, f in calls]
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
            ctx = Ctx("service", service=name, functions=touched)
            if o is None and n is not None:
                functions = ", ".join(f.name for f in n.functions)
                visible = any(f.since <= self.new_target for f in n.functions)
                effect = effect_of("service-added")
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
                effect = effect_of("service-removed")
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

    def service(self, ctx: Ctx, old: Service, new: Service) -> None:
        name = new.name
        o_ns, n_ns = self.old.platform.namespace(name), self.new.platform.namespace(name)
        by_template = (
            self.old.platform.soap_namespace.format(service=name) == o_ns
            and self.new.platform.soap_namespace.format(service=name) == n_ns
        )
        if o_ns != n_ns and not by_template:  # a template change is reported under Platform
            path = f"platform.soap_namespaces.{name}"
            self.emit(ctx, "service-soap-namespace-changed", path, o_ns, n_ns)
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
                python=[names.method(name, f.name, effect_of(id))] if visible else [],
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
                python=[names.method(name, f.name, effect_of(id))] if visible else [],
                where=where,
                since=f.since,
                later=self.later(f.since),
            )
        for o, n in pairs:
            where = f"{name}.{n.name}"
            self.function(replace(ctx, function=n.name, functions=(where,)), o, n)

    def function(self, ctx: Ctx, old: Function, new: Function) -> None:
        where = f"{ctx.service}.{new.name}"
        path = f"{where}.since"
        ov, nv = old.since <= self.old_target, new.since <= self.new_target
        if ov != nv:
            id = "function-no-longer-available" if ov else "function-now-available"
            python = [names.method(ctx.service or "", new.name, effect_of(id))]
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
            place = Place(
                replace(ctx, dirs=frozenset({direction})),
                f"{direction}-field",
                f"{where}.{direction}",
                f"{direction} field",
                (old.since, new.since),
            )
            self.uses(place, o_uses, n_uses)

    def urls(self, ctx: Ctx, old: Function, new: Function) -> None:
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

    # ----------------------------------------------------------------- containers

    def containers(self) -> None:
        old, new = self.old.containers, self.new.containers
        for name in sorted(old.keys() | new.keys()):
            dirs, used_by = self.reach.of(f"container:{name}")
            functions = functions_of(used_by)
            ctx = Ctx("container", container=name, dirs=dirs, used_by=used_by, functions=functions)
            o, n = old.get(name), new.get(name)
            path = f"containers.{name}"
            if o is None and n is not None:
                python = [names.container_model(name, effect_of("container-added"))]
                self.emit(ctx, "container-added", path, None, name, note=n.note, python=python)
            elif n is None and o is not None:
                python = [names.container_model(name, effect_of("container-removed"))]
                self.emit(ctx, "container-removed", path, name, None, note=o.note, python=python)
            elif o is not None and n is not None:
                self.container(ctx, o, n)

    def container(self, ctx: Ctx, old: ContainerDef, new: ContainerDef) -> None:
        path = f"containers.{new.name}"
        self.docs(ctx, path, old.description, new.description)
        self.docs(ctx, path, old.note, new.note, "note")
        place = Place(ctx, "container-member", path, f"member of {new.name}")
        self.uses(place, old.fields, new.fields)

    # ----------------------------------------------------------------- enums

    def enums(self) -> None:
        old, new = self.old.enums, self.new.enums
        for name in sorted(old.keys() | new.keys()):
            dirs, used_by = self.reach.of(f"enum:{name}")
            functions = functions_of(used_by)
            ctx = Ctx("enum", enum=name, dirs=dirs, used_by=used_by, functions=functions)
            o, n = old.get(name), new.get(name)
            path = f"enums.{name}"
            if o is None and n is not None:
                python = [names.enum_class(name, effect_of("enum-added"))]
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
                python = [names.enum_class(name, effect_of("enum-removed"))]
                self.emit(ctx, "enum-removed", path, name, None, note=o.note, python=python)
            elif o is not None and n is not None:
                self.enum(ctx, o, n)

    def removal_severity(self, ctx: Ctx, id: str, v: EnumValue) -> Severity:
        """A value leaves: ERR if integrators may send it, WARN if they only receive it."""
        if v.since > self.old_target:
            return "INFO"
        return CATALOGUE[id].severity(ctx.dirs, sent=None if v.request else "INFO")

    def addition_severity(self, ctx: Ctx, id: str, v: EnumValue) -> Severity:
        """A value arrives: WARN if integrators may receive it (their code must handle it)."""
        return CATALOGUE[id].severity(ctx.dirs) if v.since <= self.new_target else "INFO"

    def enum(self, ctx: Ctx, old: EnumDef, new: EnumDef) -> None:
        path = f"enums.{new.name}"
        self.docs(ctx, path, old.description, new.description)
        self.docs(ctx, path, old.note, new.note, "note")
        self.docs(ctx, path, old.reason, new.reason, "reason")
        if old.closed != new.closed:
            id = "enum-closed" if new.closed else "enum-opened"
            why = ""
            if new.closed and REQUEST in ctx.dirs:
                why = ": a request value it does not list is now refused before sending"
            elif new.closed:
                why = " (it is only received: responses keep any value)"
            python = [names.enum_class(new.name, effect_of(id))]
            self.emit(
                ctx,
                id,
                f"{path}.closed",
                old.closed,
                new.closed,
                note=new.reason,
                python=python,
                why=why,
            )
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
        ctx: Ctx,
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
        self, ctx: Ctx, v: EnumValue, id: str, side: int, name: str | None = None
    ) -> list[PythonName]:
        """The enum member of ``v`` (or named ``name``), if in that side's client."""
        if v.since > self.target(side):
            return []
        return [names.member(ctx.enum or "", name or v.name, effect_of(id))]

    def enum_value(self, ctx: Ctx, o: EnumValue, n: EnumValue) -> None:
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
            ctx = Ctx("field", dirs=dirs, used_by=used_by, functions=functions_of(used_by))
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
