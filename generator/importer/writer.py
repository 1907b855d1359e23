"""Write a :class:`~.plan.Plan` into the spec's YAML files, changing only what differs.

Existing files are edited in place with ``yamledit.Document`` (comments, key order, quoting and
wrapping of what is not changed stay byte for byte); new enums, services and fields are written
in the style of the files around them (one flow mapping per list item, versions quoted). A value
is only rewritten when what the loader reads from it differs from the plan, so that importing the
same page twice changes nothing the second time.

``verify`` then checks, on the loaded spec, that the files say what the plan asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..spec import Spec
from .plan import EnumPlan, FieldPlan, FunctionPlan, Plan, ServicePlan, UsePlan, ValuePlan
from .yamledit import (
    Document,
    render_flow_mapping,
    render_scalar,
    render_version,
)
from .yamledit import (
    Path as NodePath,
)

FUNCTION_KEYS = (
    "resend",
    "since",
    "description",
    "recommended_interface_version",
    "urls",
    "note",
    "request",
    "response",
)
USE_KEYS = ("field", "presence", "since", "description", "format", "alternative_format", "note")
FIELD_KEYS = (
    "type",
    "format",
    "alternative_format",
    "min_length",
    "pattern",
    "enum",
    "container",
    "items",
    "item_name",
    "sensitive",
    "since",
    "description",
    "note",
)
VALUE_KEYS = ("value", "name", "description", "attributes", "since", "request", "deprecated")
ENVIRONMENTS = ("production", "test")


def _text(value: object) -> str:
    """A scalar as the loader reads it (``value: 00`` unquoted is the number 0, so "0")."""
    return "" if value is None else str(value)


def _block(key: str, value: str, indent: int) -> str:
    """``key: value`` at ``indent``, the value plain, quoted or folded as its length asks."""
    text = render_scalar(value, flow=False, indent=indent + 2, column=indent + len(key) + 2)
    return " " * indent + f"{key}: {text}"


def _flow(value: str, style: str | None = None) -> str:
    return render_scalar(value, flow=True, style=style)


def _url(url: str) -> str:
    """A URL as the value of a block mapping (``?wsdl`` needs no quotes there)."""
    return render_scalar(url, flow=False, wrap=False)


# --------------------------------------------------------------------------- new things


def _use_item(use: UsePlan) -> str:
    items = [("field", use.field), ("presence", use.presence)]
    rendered = [(k, _flow(v)) for k, v in items]
    if use.since is not None:
        rendered.append(("since", render_version(use.since)))
    if use.description is not None:
        rendered.append(("description", _flow(use.description)))
    return render_flow_mapping(rendered)


def _function_lines(plan: FunctionPlan, indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{plan.name}:", f"{pad}  since: {render_version(plan.since)}"]
    lines.append(_block("description", plan.description, indent + 2))
    if plan.recommended is not None:
        lines.append(f"{pad}  recommended_interface_version: {render_version(plan.recommended)}")
    if plan.urls:
        lines.append(f"{pad}  urls:")
        for kind in ("rest", "wsdl"):
            urls = [(e, u) for k, e, u in plan.urls if k == kind]
            if urls:
                lines.append(f"{pad}    {kind}:")
                lines += [f"{pad}      {env}: {_url(url)}" for env, url in urls]
    if plan.note:
        lines.append(_block("note", plan.note, indent + 2))
    for direction in ("request", "response"):
        lines.append(f"{pad}  {direction}:")
        lines += [f"{pad}    - {_use_item(u)}" for u in getattr(plan, direction)]
    return lines


def _value_item(value: ValuePlan, styles: dict[str, str | None]) -> str:
    items = [("value", _flow(value.value, styles.get("value")))]
    if value.name is not None:
        items.append(("name", _flow(value.name)))
    items.append(("description", _flow(value.description, styles.get("description"))))
    if value.attributes:
        items.append(("attributes", _attributes(value.attributes)))
    if not value.request:
        items.append(("request", "false"))
    if value.deprecated:
        items.append(("deprecated", "true"))
    return render_flow_mapping(items)


def _attributes(attributes: Sequence[tuple[str, str]]) -> str:
    return render_flow_mapping([(k, _flow(v)) for k, v in attributes])


def _enum_text(plan: EnumPlan) -> str:
    lines = [f"name: {plan.name}", _block("description", plan.description, 0)]
    if plan.note:
        lines.append(_block("note", plan.note, 0))
    lines.append("values:")
    lines += [f"  - {_value_item(v, {})}" for v in plan.values]
    return "\n".join(lines) + "\n"


def _field_lines(plan: FieldPlan) -> list[str]:
    lines = [f"{plan.name}:"]
    if plan.type != "string":
        lines.append(f"  type: {plan.type}")
    if plan.format:
        lines.append(f"  format: {plan.format}")
    if plan.alternative_format:
        lines.append(f"  alternative_format: {plan.alternative_format}")
    if plan.enum:
        lines.append(f"  enum: {plan.enum}")
    if plan.type == "list":
        item = [("enum", plan.items_enum)] if plan.items_enum else [("format", plan.items_format)]
        lines.append(f"  items: {render_flow_mapping([(k, str(v)) for k, v in item])}")
    lines.append(f"  since: {render_version(plan.since)}")
    lines.append(_block("description", plan.description, 2))
    if plan.note:
        lines.append(_block("note", plan.note, 2))
    return lines


def _service_text(plan: ServicePlan, functions: list[FunctionPlan]) -> str:
    lines = [
        f"service: {plan.name}",
        _block("description", plan.description, 0),
        f"interface_prefix: {plan.prefix}",
        _block("note", plan.note, 0),
        "functions:",
    ]
    for i, function in enumerate(functions):
        if i:
            lines.append("")
        lines += _function_lines(function, 2)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- existing things


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: dict[Path, Document] = {}
        self.created: dict[Path, str] = {}

    def document(self, path: Path) -> Document:
        if path not in self.documents:
            self.documents[path] = Document(path.read_text(encoding="utf-8"), str(path))
        return self.documents[path]

    def write(self, plan: Plan) -> list[Path]:
        for enum in plan.enums.values():
            self.enum(enum)
        fields = [f for f in plan.fields.values()]
        if fields:
            self.fields(fields)
        for service in plan.services.values():
            functions = [f for f in plan.functions if f.service == service.name]
            path = self.root / "services" / f"{service.name}.yaml"
            self.created[path] = _service_text(service, functions)
        for function in plan.functions:
            if function.service not in plan.services:
                self.function(function)
        changed: list[Path] = []
        for path, text in self.created.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
        for path, document in self.documents.items():
            if document.text != path.read_text(encoding="utf-8"):
                path.write_text(document.text, encoding="utf-8")
                changed.append(path)
        return changed

    # ----------------------------------------------------------------- enums

    def enum(self, plan: EnumPlan) -> None:
        path = self.root / "enums" / f"{plan.name}.yaml"
        if plan.new:
            self.created[path] = _enum_text(plan)
            return
        doc = self.document(path)
        values: NodePath = ("values",)
        styles = {k: doc.item_style(values, k) for k in ("value", "description")}
        wanted = [v.value for v in plan.values]
        data = doc.data(values)
        assert isinstance(data, list)
        current = [_text(item.get("value")) for item in data]
        for i in reversed(range(len(current))):
            if current[i] not in wanted:
                doc.delete_item(values, i)
                del current[i]
        target = [v for v in wanted if v in current]
        if target != current:
            doc.reorder(values, [current.index(v) for v in target])
            current = target
        for i, value in enumerate(plan.values):
            if value.value not in current:
                doc.insert_item(values, i, _value_item(value, styles))
                current.insert(i, value.value)
        for i, value in enumerate(plan.values):
            self.value(doc, (*values, i), value)

    def value(self, doc: Document, path: NodePath, plan: ValuePlan) -> None:
        data = doc.data(path)
        assert isinstance(data, dict)
        if _text(data.get("description")) != plan.description:
            doc.set(path, "description", plan.description, order=VALUE_KEYS)
        attributes = data.get("attributes") or {}
        current = {str(k): _text(v) for k, v in attributes.items()}
        if current != dict(plan.attributes):
            if plan.attributes:
                doc.replace(path, "attributes", _attributes(plan.attributes), VALUE_KEYS)
            else:
                doc.remove(path, "attributes")
        for key, wanted, default in (
            ("request", plan.request, True),
            ("deprecated", plan.deprecated, False),
        ):
            if bool(data.get(key, default)) == wanted:
                continue
            if wanted == default:
                doc.remove(path, key)
            else:
                doc.replace(path, key, "true" if wanted else "false", VALUE_KEYS)

    # ----------------------------------------------------------------- fields.yaml

    def fields(self, plans: list[FieldPlan]) -> None:
        doc = self.document(self.root / "fields.yaml")
        for plan in plans:
            if plan.new:
                if not doc.text.endswith("\n"):
                    doc.text += "\n"
                doc.text += "\n".join(_field_lines(plan)) + "\n"
                doc.root()
                continue
            path: NodePath = (plan.name,)
            data = doc.data(path)
            assert isinstance(data, dict)
            if _text(data.get("description")).strip() != plan.description:
                doc.set(path, "description", plan.description, order=FIELD_KEYS)
            if _text(data.get("since", "2.0")) != plan.since:
                doc.set(path, "since", plan.since, order=FIELD_KEYS, version=True)
            if plan.enum is not None and data.get("enum") != plan.enum:
                doc.set(path, "enum", plan.enum, order=FIELD_KEYS)

    # ----------------------------------------------------------------- functions

    def function(self, plan: FunctionPlan) -> None:
        doc = self.document(self.root / "services" / f"{plan.service}.yaml")
        path: NodePath = ("functions", plan.name)
        if doc.find(path) is None:
            doc.append_after(("functions",), _function_lines(plan, 2), blank=True)
            return
        data = doc.data(path)
        assert isinstance(data, dict)
        if _text(data.get("description")).strip() != plan.description:
            doc.set(path, "description", plan.description, order=FUNCTION_KEYS)
        if (
            plan.recommended is not None
            and _text(data.get("recommended_interface_version")) != plan.recommended
        ):
            doc.set(
                path,
                "recommended_interface_version",
                plan.recommended,
                order=FUNCTION_KEYS,
                version=True,
            )
        if plan.urls is not None:
            self.urls(doc, path, plan.urls)
        for direction in ("request", "response"):
            self.uses(doc, (*path, direction), getattr(plan, direction))

    def urls(self, doc: Document, path: NodePath, urls: tuple[tuple[str, str, str], ...]) -> None:
        if "urls" not in doc.keys(path):
            lines = []
            for kind in ("rest", "wsdl"):
                chosen = [(e, u) for k, e, u in urls if k == kind]
                if chosen:
                    lines.append(f"  {kind}:")
                    lines += [f"    {env}: {_url(url)}" for env, url in chosen]
            doc.insert_block(path, "urls", lines, FUNCTION_KEYS)
            return
        where: NodePath = (*path, "urls")
        for kind, env, url in urls:
            if kind not in doc.keys(where):
                lines = [f"  {e}: {_url(u)}" for k, e, u in urls if k == kind]
                doc.insert_block(where, kind, lines, ("rest", "wsdl"))
                continue
            given = doc.data((*where, kind))
            if not isinstance(given, dict) or given.get(env) != url:
                doc.set((*where, kind), env, url, order=ENVIRONMENTS)

    def uses(self, doc: Document, path: NodePath, plans: list[UsePlan]) -> None:
        data = doc.data(path)
        assert isinstance(data, list)
        current = [str(item["field"]) for item in data]
        wanted = [u.field for u in plans]
        for i in reversed(range(len(current))):
            if current[i] not in wanted:
                doc.delete_item(path, i)
                del current[i]
        target = [name for name in wanted if name in current]
        if target != current:
            doc.reorder(path, [current.index(name) for name in target])
            current = target
        for i, use in enumerate(plans):
            if use.field not in current:
                doc.insert_item(path, i, _use_item(use))
                current.insert(i, use.field)
        for i, use in enumerate(plans):
            item: NodePath = (*path, i)
            entry = doc.data(item)
            assert isinstance(entry, dict)
            if entry.get("presence") != use.presence:
                doc.set(item, "presence", use.presence, order=USE_KEYS)
            if "since" in entry:
                if _text(entry["since"]) != use.effective_since:
                    if use.since is None:
                        doc.remove(item, "since")
                    else:
                        doc.set(item, "since", use.since, order=USE_KEYS, version=True)
            elif use.since is not None:
                doc.set(item, "since", use.since, order=USE_KEYS, version=True)
            if use.description is None:
                doc.remove(item, "description")
            elif _text(entry.get("description")) != use.description:
                doc.set(item, "description", use.description, order=USE_KEYS)


def write_plan(plan: Plan, root: Path) -> list[Path]:
    """Write ``plan`` into the spec folder ``root``; the files that changed or were created."""
    return _Writer(root).write(plan)


# --------------------------------------------------------------------------- verification


def verify(plan: Plan, spec: Spec) -> list[str]:
    """What the loaded ``spec`` says differently from ``plan`` (empty when the files are right)."""
    problems: list[str] = []

    def check(where: str, got: object, wanted: object) -> None:
        if got != wanted:
            problems.append(f"{where}: the files give {got!r}, the import wanted {wanted!r}")

    for function in plan.functions:
        try:
            found = spec.service(function.service).function_map[function.name]
        except KeyError:
            problems.append(f"{function.service}.{function.name}: not in the written spec")
            continue
        where = f"{function.service}.{function.name}"
        check(f"{where}.description", found.description, function.description)
        if function.recommended is not None:
            check(
                f"{where}.recommended_interface_version",
                str(found.recommended_interface_version),
                function.recommended,
            )
        if function.urls is not None:
            got_urls = {(k, e): u for k, e, u in found.urls}
            for kind, env, url in function.urls:
                check(f"{where}.urls.{kind}.{env}", got_urls.get((kind, env)), url)
        for direction in ("request", "response"):
            uses = getattr(found, direction)
            plans: list[UsePlan] = getattr(function, direction)
            check(f"{where}.{direction}", [u.name for u in uses], [u.field for u in plans])
            for use, wanted in zip(uses, plans, strict=False):
                check(f"{where}.{direction}.{use.name}.presence", use.presence, wanted.presence)
                check(
                    f"{where}.{direction}.{use.name}.since", str(use.since), wanted.effective_since
                )
                if wanted.description is not None:
                    check(
                        f"{where}.{direction}.{use.name}.description",
                        use.field.description,
                        wanted.description,
                    )
    for field in plan.fields.values():
        definition = spec.fields.get(field.name)
        if definition is None:
            problems.append(f"fields.{field.name}: not in the written spec")
            continue
        check(f"fields.{field.name}.description", definition.description, field.description)
        check(f"fields.{field.name}.since", str(definition.since), field.since)
        enum = field.enum or field.items_enum
        if enum is not None:
            got = definition.items.enum if definition.items else definition.enum
            check(f"fields.{field.name}.enum", got, enum)
    for enum_plan in plan.enums.values():
        enum_def = spec.enums.get(enum_plan.name)
        if enum_def is None:
            problems.append(f"enums.{enum_plan.name}: not in the written spec")
            continue
        got_values = [
            (v.value, v.description, dict(v.attributes), v.request, v.deprecated)
            for v in enum_def.values
        ]
        wanted_values = [
            (v.value, v.description, dict(v.attributes), v.request, v.deprecated)
            for v in enum_plan.values
        ]
        check(f"enums.{enum_plan.name}.values", got_values, wanted_values)
    return problems


__all__ = ["verify", "write_plan"]
