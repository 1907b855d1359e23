"""What one page asks of the spec: the state the merge wants for every element the page touches.

A plan says what an element must be after the import, not how to edit the YAML: the writer
compares it with the file and changes only what differs (so that importing the same page twice
changes nothing the second time). Everything the page does not speak of (formats, sensitivity,
notes, ``resend`` …) is not in the plan and stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Versions are written as the spec writes them: quoted strings such as "2.53".


@dataclass
class UsePlan:
    """A field of a function's request or response."""

    field: str
    presence: str
    since: str | None  # the entry's own `since:` (None: none, the field's and function's apply)
    description: str | None  # the entry's own `description:` (None: none, fields.yaml's applies)
    effective_since: str  # what the loader must then give (checked after writing)


@dataclass
class FunctionPlan:
    service: str
    name: str
    new: bool
    description: str
    since: str  # written for a new function only
    recommended: str | None  # None: left as it is (or absent, for a new function)
    urls: tuple[tuple[str, str, str], ...] | None  # (kind, environment, url); None: left as is
    request: list[UsePlan]
    response: list[UsePlan]
    note: str = ""  # a new function's note


@dataclass
class FieldPlan:
    """A fields.yaml definition."""

    name: str
    new: bool
    description: str
    since: str
    enum: str | None  # None: left as it is (or none, for a new field)
    # For a new field only:
    type: str = "string"
    format: str | None = None
    alternative_format: str | None = None
    items_format: str | None = None  # a list's items
    items_enum: str | None = None
    note: str = ""


@dataclass
class ValuePlan:
    value: str
    description: str
    attributes: tuple[tuple[str, str], ...]
    request: bool
    deprecated: bool
    name: str | None = None  # a new value's member name, when the loader's default is no identifier


@dataclass
class EnumPlan:
    name: str
    new: bool
    values: list[ValuePlan]
    description: str = ""  # a new enum's
    note: str = ""  # a new enum's


@dataclass
class ServicePlan:
    """A service the spec does not have yet (services/<name>.yaml)."""

    name: str
    description: str
    prefix: str
    note: str


@dataclass
class Plan:
    page: str
    functions: list[FunctionPlan] = field(default_factory=list)
    fields: dict[str, FieldPlan] = field(default_factory=dict)
    enums: dict[str, EnumPlan] = field(default_factory=dict)
    services: dict[str, ServicePlan] = field(default_factory=dict)


__all__ = ["EnumPlan", "FieldPlan", "FunctionPlan", "Plan", "ServicePlan", "UsePlan", "ValuePlan"]
