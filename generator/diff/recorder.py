"""Recording changes: who owns them, their severity, message and Python names.

``Recorder`` is the base of the comparison: it holds the two specs and their target versions,
and turns each difference it is told about into a :class:`~.model.Change` (the catalogue's
area and message, the catalogue's severity for the owner's directions unless given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..spec import Spec, Version
from .catalogue import CATALOGUE, Effect, Severity
from .model import Change, PythonName

OLD, NEW = 0, 1  # the sides, as indexes of (old, new) pairs


def _direction(dirs: frozenset[str]) -> str | None:
    if len(dirs) == 2:
        return "both"
    return next(iter(dirs)) if dirs else None


def as_text(value: object) -> str | None:
    return None if value is None else str(value)


def effect_of(id: str) -> Effect:
    """What a kind of change does to the Python name of the changed thing (catalogue)."""
    effect = CATALOGUE[id].effect
    if effect is None:
        raise ValueError(f"{id} touches no Python name")
    return effect


def functions_of(used_by: Iterable[str]) -> tuple[str, ...]:
    """``service.function`` of each origin ``service.function direction``."""
    return tuple(sorted({origin.split(" ")[0] for origin in used_by}))


@dataclass(frozen=True)
class Ctx:
    """Who owns the changes being emitted: their report section and owner names."""

    group: str
    service: str | None = None
    function: str | None = None
    container: str | None = None
    enum: str | None = None
    dirs: frozenset[str] = frozenset()  # request / response: decides severities
    used_by: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()  # "service.function" of the functions the changes touch


class Recorder:
    """Collects the changes found between two specs."""

    def __init__(self, old: Spec, new: Spec, old_target: Version, new_target: Version) -> None:
        self.old, self.new = old, new
        self.old_target, self.new_target = old_target, new_target
        self.changes: list[Change] = []

    def target(self, side: int) -> Version:
        return (self.old_target, self.new_target)[side]

    def emit(
        self,
        ctx: Ctx,
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
        ctx: Ctx,
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
            old=as_text(old),
            new=as_text(new),
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
                old=as_text(old),
                new=as_text(new),
                used_by=ctx.used_by,
                note=note or None,
                functions=ctx.functions,
                python=tuple(sorted(set(python), key=PythonName.sort_key)),
            )
        )

    def docs(self, ctx: Ctx, path: str, old: str, new: str, kind: str = "description") -> None:
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


__all__ = ["NEW", "OLD", "Ctx", "Recorder", "as_text", "effect_of", "functions_of"]
