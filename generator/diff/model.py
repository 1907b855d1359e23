"""What a spec diff produces: the compared sides and every classified change."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import EFFECTS, RANK, SEVERITIES, Effect, Severity

# The report sections, in the order changes are sorted.
GROUPS = ("platform", "service", "container", "enum", "field")
# The kinds of Python name, in the order reports list them.
NAME_KINDS = ("keyword", "attribute", "member", "method", "service", "class")


@dataclass(frozen=True)
class PythonName:
    """A name integrators write in their code, and what a change does to it."""

    kind: str  # one of NAME_KINDS
    name: str  # card_number, VISA, payment_token_generate, cash_management, PaymentMeanBrand
    of: str  # its owner: a method (client.token.payment_token_generate), a class, a module
    code: str  # as written: client.token.payment_token_generate(card_number=...), resp.card_number
    effect: Effect

    def sort_key(self) -> tuple[object, ...]:
        return EFFECTS.index(self.effect), NAME_KINDS.index(self.kind), self.name, self.of

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "of": self.of,
            "code": self.code,
            "effect": self.effect,
        }


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
    used_by: tuple[str, ...] = ()  # containers, enums, fields.yaml: "service.function request"
    note: str | None = None  # the spec's note on what changed, shown to reviewers
    functions: tuple[str, ...] = ()  # "service.function" of every function the change touches
    python: tuple[PythonName, ...] = ()  # what it means for integrators' code

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
            "functions": list(self.functions),
            "python": [name.to_json() for name in self.python],
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


__all__ = ["GROUPS", "NAME_KINDS", "Change", "PythonName", "Side", "SpecDiff"]
