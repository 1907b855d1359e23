"""The comparison of two lists of field uses (a function's request or response, a container's
members) and of field definitions, with the changes to fields.yaml gathered per field.

A change to a field's definition in fields.yaml reaches every function that uses the field; it
is reported once, under the field (``field-…`` ids), listing those functions, with the highest
of their severities. What belongs to one function's use (its presence, an addition, a format
override) stays with that function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..formats import Format
from ..spec import FieldDef, FieldUse, Spec, Version
from . import names
from .catalogue import CATALOGUE, RANK, REQUEST, RESPONSE, SHARED_FIELD_PREFIX, Effect, Severity
from .model import PythonName
from .recorder import NEW, OLD, Ctx, Recorder, as_text, functions_of
from .renames import use_renames

_Defs = tuple[FieldDef, FieldDef]  # a field's fields.yaml definitions, old and new


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


@dataclass(frozen=True)
class Place:
    """A list of field uses: a function's request or response, or a container's members."""

    ctx: Ctx
    prefix: str  # id prefix: request-field | response-field | container-member
    base: str  # path prefix
    label: str  # "request field", "response field", "member of contact"
    floor: tuple[Version, Version] | None = None  # the function's since, old and new


@dataclass
class _SharedUse:
    """One function's use of a fields.yaml field, changed by the field's definition."""

    ctx: Ctx
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


class FieldUses(Recorder):
    """Compares lists of field uses and field definitions; ``shared_fields`` reports the
    changes to fields.yaml definitions once all uses have been compared."""

    def __init__(self, old: Spec, new: Spec, old_target: Version, new_target: Version) -> None:
        super().__init__(old, new, old_target, new_target)
        self.envelope = set(old.platform.envelope_fields) | set(new.platform.envelope_fields)
        self.shared: dict[tuple[str, str, str | None, str | None], _SharedChange] = {}

    def uses(self, place: Place, old: Sequence[FieldUse], new: Sequence[FieldUse]) -> None:
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
        place: Place,
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
            key = (name, kind, as_text(old), as_text(new))
            shared_id = f"{SHARED_FIELD_PREFIX}-{kind}"
            change = self.shared.setdefault(key, _SharedChange(shared_id, name, *key[2:]))
            change.uses.append(
                _SharedUse(place.ctx, severity, words, tuple(python), use.field.note)
            )
            return
        note = use.note or use.field.note
        path = f"{place.base}.{name}"
        self.record(place.ctx, id, severity, path, old, new, name, None, note, words, python)

    def visible(self, place: Place, use: FieldUse, side: int) -> bool:
        """Whether ``use`` is in the client generated from that side's spec."""
        target = self.target(side)
        return use.since <= target and (place.floor is None or place.floor[side] <= target)

    def use_names(self, place: Place, field: str, effect: Effect) -> list[PythonName]:
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

    def shared_definitions(self, place: Place, old: FieldUse, new: FieldUse) -> _Defs | None:
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
            ctx = Ctx(
                "field",
                dirs=frozenset().union(*(u.ctx.dirs for u in uses)),
                used_by=tuple(sorted(used_by)),
                functions=functions_of(used_by),
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

    def envelope_hint(self, place: Place, name: str) -> str:
        if place.prefix == "request-field" and name in self.envelope:
            return " (envelope field: filled in by the client)"
        return ""

    def required_severity(self, place: Place, name: str) -> Severity | None:
        """A field becomes required: the catalogue's severity (ERR where integrators send it),
        but INFO for envelope fields, which the client fills in."""
        return "INFO" if self.envelope_hint(place, name) else None

    def use(self, place: Place, old: FieldUse, new: FieldUse) -> None:
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
        place: Place,
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
        if old.empty_allowed != new.empty_allowed:
            kind = "empty-allowed" if new.empty_allowed else "empty-refused"
            self.at(
                place,
                kind,
                use,
                old.empty_allowed,
                new.empty_allowed,
                name,
                shared=shared("empty_allowed"),
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
        place: Place,
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
        place: Place,
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


def _override(spec: Spec, use: FieldUse) -> str:
    """The description a function gives a field when it differs from fields.yaml, else ""."""
    base = spec.fields.get(use.name)
    if base is not None and base.description == use.field.description:
        return ""
    return use.field.description


__all__ = ["FieldUses", "Place"]
