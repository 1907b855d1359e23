"""Which fields, containers and enums requests and responses reach, and from which functions.

Containers and enums have no direction of their own: a change to one is judged by where it is
used, through fields, list items and nested containers, in either of the two specs. Fields of
fields.yaml are reached by the functions that list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..spec import FieldDef, Spec
from .catalogue import REQUEST, RESPONSE


@dataclass
class Reach:
    """Directions and origins ("service.function request") of every field, container and enum."""

    dirs: dict[str, set[str]] = field(default_factory=dict)  # "field:x" / "enum:x" / "container:x"
    used_by: dict[str, set[str]] = field(default_factory=dict)

    def add(self, spec: Spec) -> None:
        for service, function in spec.iter_functions():
            for direction, uses in ((REQUEST, function.request), (RESPONSE, function.response)):
                origin = f"{service.name}.{function.name} {direction}"
                walked: set[str] = set()  # containers already walked for this origin
                for use in uses:
                    self._mark(f"field:{use.name}", direction, origin)
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
        """(directions, sorted origins) of ``field:<name>``, ``container:<name>`` or
        ``enum:<name>``."""
        return frozenset(self.dirs.get(key, ())), tuple(sorted(self.used_by.get(key, ())))


def reach_of(*specs: Spec) -> Reach:
    reach = Reach()
    for spec in specs:
        reach.add(spec)
    return reach


__all__ = ["Reach", "reach_of"]
