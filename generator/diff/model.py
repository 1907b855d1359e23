"""What a spec diff produces: the compared sides and every classified change."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import RANK, SEVERITIES, Severity

# The report sections, in the order changes are sorted.
GROUPS = ("platform", "service", "container", "enum", "field")


@dataclass(frozen=True)
class Change:
    """One difference between the two specs, classified for a reviewer."""

    id: str  # stable machine id, e.g. request-field-removed (see catalogue.CATALOGUE)
    severity: Severity
    area: str  # service, function, request-field, response-field, container, enum-value, ...
    group: str  # the report section: one of GROUPS
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


__all__ = ["GROUPS", "Change", "Side", "SpecDiff"]
