"""What a page's samples say, checked against its fields and the spec.

A sample that names a field the page does not list, shows a list where the field holds one value
(or the other way round), shows members a container does not have, or wraps the SOAP body in an
element or namespace the spec does not use, is a page that contradicts itself or the spec: a
warning naming the sample's line. Samples need not show every field (the page's SOAP samples leave
out keyVersion and seal), so a missing field is not reported.
"""

from __future__ import annotations

from ..spec import FieldDef, Spec
from .page import Message, Page, Sample, SampleEntry
from .plan import Plan


def _kind(definition: FieldDef | None, planned_type: str | None) -> str:
    if definition is not None:
        return definition.type
    return planned_type or "string"


def _members(spec: Spec, definition: FieldDef | None) -> set[str] | None:
    """The member names of the container a field (or its items) holds, if known."""
    if definition is None:
        return None
    name = definition.items.container if definition.items else definition.container
    container = spec.containers.get(name or "")
    return {u.name for u in container.fields} if container else None


def check_samples(page: Page, spec: Spec, plan: Plan, service: str) -> list[Message]:
    messages: list[Message] = []

    def warn(line: int, text: str) -> None:
        messages.append(Message("warning", page.path, line, text))

    for sample in page.samples:
        label = f"the {sample.kind.upper()} {sample.direction} sample"
        on_page = {b.name for b in page.blocks(sample.direction)}
        for entry in sample.entries:
            if entry.name not in on_page:
                warn(
                    entry.line,
                    f"{label} names {entry.name}, which is not a {sample.direction} field of "
                    "the page",
                )
                continue
            planned = plan.fields.get(entry.name)
            definition = spec.fields.get(entry.name)
            kind = _kind(definition, planned.type if planned else None)
            problem = _shape(entry, kind, definition)
            if problem:
                warn(entry.line, f"{label} shows {entry.name} {problem}")
            known = _members(spec, definition)
            unknown = [m for m in entry.members if known is not None and m not in known]
            if unknown:
                warn(
                    entry.line,
                    f"{label} shows {entry.name} with member(s) its container does not have: "
                    + ", ".join(unknown),
                )
        if sample.kind == "soap":
            messages += _envelope(page, spec, sample, service, label)
    return messages


def _shape(entry: SampleEntry, kind: str, definition: FieldDef | None) -> str:
    """What is wrong with the shape a sample gives a field of type ``kind`` ("" if nothing)."""
    if entry.shape == "list" and kind != "list":
        return f"as a list, but the field is a {kind}"
    if entry.shape == "object" and kind != "container":
        return f"as an object, but the field is a {kind}"
    if entry.shape in ("text", "number") and kind in ("list", "container"):
        return f"as a single value, but the field is a {kind}"
    if entry.shape == "list" and definition is not None and definition.items is not None:
        holds_objects = definition.items.type == "container"
        if entry.item_shape == "object" and not holds_objects:
            return "as a list of objects, but its items are single values"
        if entry.item_shape in ("text", "number") and holds_objects:
            return f"as a list of single values, but its items are {definition.items.container}"
    return ""


def _envelope(page: Page, spec: Spec, sample: Sample, service: str, label: str) -> list[Message]:
    messages: list[Message] = []
    expected = page.function + ("Response" if sample.direction == "response" else "")
    if sample.root and sample.root != expected:
        messages.append(
            Message(
                "warning",
                page.path,
                sample.line,
                f"{label} starts with <{sample.root}>, not <{expected}>",
            )
        )
    namespace = spec.platform.namespace(service)
    if sample.namespace and sample.namespace != namespace:
        messages.append(
            Message(
                "warning",
                page.path,
                sample.line,
                f"{label} uses the namespace {sample.namespace}; platform.yaml gives {namespace}",
            )
        )
    return messages


__all__ = ["check_samples"]
