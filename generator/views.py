"""The typed intermediate model between the Spec and the templates.

Everything the templates print is decided here (names, Python types, docstrings, rule
expressions), so that templates stay plain layout.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from typing import Any

from datamodel_code_generator.util import camel_to_snake

from .spec import ContainerDef, EnumDef, FieldDef, FieldUse, Function, Service, Spec


def snake(name: str) -> str:
    """snake_case exactly as datamodel-code-generator writes model attributes."""
    return camel_to_snake(name)


def upper_snake(name: str) -> str:
    return snake(name).upper()


def class_name(name: str) -> str:
    return name[0].upper() + name[1:]


def py_str(text: str) -> str:
    """A Python string literal (double quotes, as ruff formats them)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def docstring(text: str, indent: int, width: int = 96) -> str:
    """Wrapped, escaped docstring body (no quotes), indented for continuation lines."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    pad = " " * indent
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    wrapped = [
        textwrap.fill(
            " ".join(p.split()),
            width=width - indent,
            subsequent_indent=pad,
            break_on_hyphens=False,  # keep addresses whole
            break_long_words=False,
        )
        for p in paragraphs
    ]
    return ("\n\n" + pad).join(wrapped)


def field_summary(use: FieldUse | None, definition: FieldDef, spec: Spec) -> str:
    """One line on format, presence, version and values, appended to descriptions."""
    parts: list[str] = []
    target = definition.items or definition
    if definition.is_list:
        parts.append("list")
    if target.format is not None:
        fmt = str(target.format)
        if target.alternative_format is not None:
            fmt += f" or {target.alternative_format}"
        parts.append(f"format {fmt}")
    if definition.empty_allowed:
        parts.append('may be empty ("")')
    if use is not None:
        parts.append(use.presence)
        parts.append(f"since {use.since}")
    else:
        parts.append(f"since {definition.since}")
    if target.enum:
        enum = spec.enums.get(target.enum)
        kind = "closed" if enum is not None and enum.closed else "open"
        parts.append(f"values: sogenactif.enums.{class_name(target.enum)}, a {kind} list")
    if target.type == "container" and target.container:
        parts.append(f"container {target.container}")
    return "(" + ", ".join(parts) + ")"


def field_description(use: FieldUse | None, definition: FieldDef, spec: Spec) -> str:
    """What an integrator reads in an IDE: the field, its format, presence, version and values.

    The spec's ``note`` (sources, inferences, decisions) is for maintainers and reviewers: it is
    in the reference docs (``generator/docs.py``), not in every hover."""
    return f"{definition.description}\n\n{field_summary(use, definition, spec)}"


# --------------------------------------------------------------------------- python types


def python_type(definition: FieldDef, *, keyword: bool) -> str:
    """The annotation of a field: in models (``keyword=False``) or as a keyword argument.

    A keyword of a list of values takes the values a request may carry, as a type checker sees
    them (``enums.CaptureModeValue``: a Literal of the values, or a member of the enum)."""
    if definition.is_list:
        assert definition.items is not None
        item = python_type(definition.items, keyword=keyword)
        return f"Sequence[{item}]" if keyword else f"list[{item}]"
    if definition.type == "container":
        model = f"common.{class_name(definition.container or '')}"
        return f"{model} | dict[str, Any]" if keyword else model
    if keyword and definition.enum and definition.type == "string":
        return f"enums.{class_name(definition.enum)}Value"
    return {"string": "str", "integer": "int", "boolean": "bool"}[definition.type]


# --------------------------------------------------------------------------- rules


def rule_expr(definition: FieldDef, required: bool, since: str, spec: Spec, ns: str = "") -> str:
    """Python source of the FieldRule checking ``definition`` in a request.

    ``ns`` prefixes the names of container rules and enum sets (``rules.`` outside _rules.py).
    """
    args = [py_str(definition.name), py_str(definition.type)]
    if required:
        args.append("required=True")
    if definition.is_list:
        assert definition.items is not None
        item = definition.items
        item_rule = rule_expr(
            replace(item, name=definition.item_name or item.name), False, since, spec, ns
        )
        args.append(f"item={item_rule}")
    elif definition.type == "container":
        args.append(f"children={ns}{upper_snake(definition.container or '')}")
    else:
        if definition.enum:
            args.append(f"enum={py_str(definition.enum)}")
            args.append(f"enum_values={ns}ENUM_{upper_snake(definition.enum)}")
            enum = spec.enums[definition.enum]
            if enum.closed:
                args.append("enum_closed=True")
            if any(not v.request for v in enum.values):
                args.append(f"enum_returned_only={ns}ENUM_{upper_snake(definition.enum)}_RETURNED")
        if definition.format is not None:
            label = str(definition.format)
            if definition.alternative_format is not None:
                label += f"|{definition.alternative_format}"
            args.append(f"format={py_str(label)}")
        if definition.pattern is not None or definition.min_length:
            args.append(f"pattern={py_str(pattern_of(definition) or '')}")
        if definition.sensitive:
            args.append(f"sensitive={py_str(definition.sensitive)}")
    if since != "2.0":
        args.append(f"since={py_str(since)}")
    if definition.empty_allowed:
        args.append("empty_allowed=True")
    return f"FieldRule({', '.join(args)})"


def pattern_of(definition: FieldDef) -> str | None:
    if definition.pattern is not None:
        return definition.pattern
    if definition.format is None:
        return None
    pattern = definition.format.pattern(definition.min_length)
    if definition.alternative_format is not None:
        alt = definition.alternative_format.pattern(definition.min_length)
        pattern = f"^(?:{pattern[1:-1]}|{alt[1:-1]})$"
    return pattern


# --------------------------------------------------------------------------- model modules

# The models: a package per service (its requests and responses) and ``common`` (the containers),
# each class in a module of its own, so that a process creates only the classes it uses (issue
# 16); the package's ``__init__`` gives every class by name, loading its module on first use.
MODELS_PACKAGE = "sogenactif.models"
CONTAINERS_PACKAGE = "common"


def model_module(name: str) -> str:
    """The module, inside its package, that holds one model class: ``CardOrderRequest`` ->
    ``card_order_request``."""
    return snake(name)


def model_definition(package: str, name: str) -> str:
    """A model's JSON Schema definition name, dotted as datamodel-code-generator turns it into
    modules: ``checkout.card_order_request.CardOrderRequest``."""
    return f"{package}.{model_module(name)}.{name}"


def model_ref(package: str, name: str) -> str:
    """Where the core imports a model from on first use: ``module:Class``."""
    return f"{MODELS_PACKAGE}.{package}.{model_module(name)}:{name}"


@dataclass(frozen=True)
class ModelsView:
    """One package of models, as its ``__init__`` presents it."""

    package: str  # "checkout", "common" …
    description: str  # one line: what its classes are
    classes: tuple[tuple[str, str], ...]  # (class, module inside the package), in schema order


def models_views(spec: Spec) -> list[ModelsView]:
    """The service packages, then ``common``."""
    views = [
        ModelsView(
            package=snake(service.name),
            description=f"Requests and responses of {service.name}.",
            classes=tuple(
                (name, model_module(name))
                for function in service.functions
                for name in (
                    f"{class_name(function.name)}Request",
                    f"{class_name(function.name)}Response",
                )
            ),
        )
        for service in spec.services
    ]
    containers = [class_name(name) for name in sorted(spec.containers)]
    views.append(
        ModelsView(
            package=CONTAINERS_PACKAGE,
            description="Containers, shared by the services' requests and responses.",
            classes=tuple((name, model_module(name)) for name in containers),
        )
    )
    return views


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ParamView:
    keyword: str
    wire: str
    annotation: str
    doc: str
    required: bool = False  # required by the dictionary: no default in the keyword overload
    # How the generated method holds the value from its first line: "" (as given), or the
    # expression that masks card data (``mask(x, "pan")``, ``mask_fields(x)``).
    masking: str = ""


@dataclass(frozen=True)
class FunctionView:
    name: str
    method: str
    const: str
    request_class: str
    response_class: str
    # Where FunctionSpec finds the two models on first use ("module:Class", see model_ref).
    request_ref: str
    response_ref: str
    description: str
    rest_path: str
    soap_operation: str
    params: tuple[ParamView, ...]
    rules: tuple[tuple[str, str], ...]  # (wire name, FieldRule source)
    later_fields: tuple[tuple[str, str], ...]
    # Response fields that appeared after the function (name, since): not sent to older versions.
    response_since: tuple[tuple[str, str], ...]
    # snake_case keyword -> dictionary name, later versions' fields included (to name them).
    keywords: tuple[tuple[str, str], ...]
    # Every request field, envelope fields included, in the dictionary's order (SOAP elements).
    element_order: tuple[str, ...]
    read_only: bool  # a RetryPolicy may resend it after 90/99 (spec: resend)
    duplicate_protected: bool  # idem, the platform refusing a second transaction (94)
    since: str
    note: str
    # Envelope fields newer than the function (name, since): refused by an older pinned client.
    envelope_since: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ServiceView:
    name: str
    attr: str
    module: str
    class_name: str
    prefix: str
    namespace: str
    description: str
    note: str
    functions: tuple[FunctionView, ...]


def holds_card_data(definition: FieldDef, spec: Spec, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a value of ``definition`` can hold card data or secrets, at any depth."""
    target = definition.items or definition
    if target.sensitive:
        return True
    if target.type == "container" and target.container and target.container not in seen:
        members = spec.containers[target.container].fields
        return any(holds_card_data(u.field, spec, seen | {target.container}) for u in members)
    return False


def masking(keyword: str, definition: FieldDef, spec: Spec) -> str:
    """The expression a generated method rebinds a keyword to, so that no card data stays in
    clear among its local variables (``sogenactif_core._masked``)."""
    target = definition.items or definition
    if not definition.is_list and target.sensitive:
        return f"mask({keyword}, {py_str(target.sensitive)})"
    if holds_card_data(definition, spec):
        return f"mask_fields({keyword})"
    return ""


def business_request(function: Function, spec: Spec) -> list[FieldUse]:
    """Request fields the integrator gives (envelope fields are the client's)."""
    envelope = set(spec.platform.envelope_fields)
    return [u for u in function.request if u.name not in envelope]


def function_view(service: Service, function: Function, spec: Spec, full: Spec) -> FunctionView:
    params = []
    rules = []
    for use in business_request(function, spec):
        definition = use.field
        params.append(
            ParamView(
                keyword=snake(use.name),
                wire=use.name,
                annotation=python_type(definition, keyword=True),
                doc=textwrap.fill(
                    " ".join(
                        f"{snake(use.name)}: {definition.description} "
                        f"{field_summary(use, definition, spec)}".split()
                    ).replace("\\", "\\\\"),
                    width=96,
                    initial_indent=" " * 12,
                    subsequent_indent=" " * 16,
                ),
                masking=masking(snake(use.name), definition, spec),
                required=use.required,
            )
        )
        rules.append(
            (use.name, rule_expr(definition, use.required, str(use.since), spec, "rules."))
        )
    later: dict[str, str] = {}
    full_function = full.service(service.name).function_map.get(function.name)
    if full_function is not None:
        later = {
            name: str(version)
            for name, version in full.later_fields(full_function, spec.target_version).items()
        }
    description = function.description  # its note is in the reference docs
    request_class = f"{class_name(function.name)}Request"
    response_class = f"{class_name(function.name)}Response"
    return FunctionView(
        name=function.name,
        method=snake(function.name),
        const=upper_snake(function.name),
        request_class=request_class,
        response_class=response_class,
        request_ref=model_ref(snake(service.name), request_class),
        response_ref=model_ref(snake(service.name), response_class),
        description=docstring(description, 8),
        rest_path=spec.platform.rest_path.format(service=service.name, function=function.name),
        soap_operation=function.name,
        params=tuple(params),
        rules=tuple(rules),
        later_fields=tuple(sorted(later.items())),
        response_since=tuple(
            (u.name, str(u.since)) for u in function.response if u.since > function.since
        ),
        keywords=tuple((snake(n), n) for n in [p.wire for p in params] + sorted(later)),
        element_order=tuple(u.name for u in function.request),
        read_only=function.resend == "read-only",
        duplicate_protected=function.resend == "duplicate-protected",
        since=str(function.since),
        note=function.note,
        envelope_since=tuple(
            (u.name, str(u.since))
            for u in function.request
            if u.name in spec.platform.envelope_fields and u.since > function.since
        ),
    )


def service_view(service: Service, spec: Spec, full: Spec) -> ServiceView:
    return ServiceView(
        name=service.name,
        attr=snake(service.name),
        module=snake(service.name),
        class_name=f"{class_name(service.name)}Service",
        prefix=service.interface_prefix,
        namespace=spec.platform.namespace(service.name),
        description=docstring(service.description, 4),
        note=service.note,
        functions=tuple(function_view(service, f, spec, full) for f in service.functions),
    )


def containers_in_dependency_order(spec: Spec) -> list[ContainerDef]:
    """Containers ordered so that each one's members are defined before it."""
    ordered: list[ContainerDef] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise ValueError(f"containers refer to each other in a cycle: {' -> '.join(path)}")
        container = spec.containers[name]
        for use in container.fields:
            target = use.field.items or use.field
            if target.type == "container" and target.container:
                visit(target.container, (*path, name))
        done.add(name)
        ordered.append(container)

    for name in sorted(spec.containers):
        visit(name, ())
    return ordered


def enum_list_doc(enum: EnumDef) -> str:
    """What a closed or open list means for requests and responses, and why it is so."""
    if enum.closed:
        text = (
            "A closed list: a request value outside it is refused before sending "
            "(RequestValidationError)."
        )
    else:
        text = (
            "An open list: a request value this client does not know is sent as given, with a "
            "warning logged (once per function, field and value)."
        )
    text += " Responses keep any value, known or not."
    if enum.reason:
        text += f" Why: {enum.reason}"
    return text


def enum_member_doc(enum: EnumDef, index: int) -> str:
    value = enum.values[index]
    text = value.description or value.value
    extras = [f"{k}: {v}" for k, v in value.attributes if v]
    if value.deprecated:
        extras.append("deprecated")
    if not value.request:
        extras.append("returned only; never sent in a request")
    if str(value.since) != "2.0":
        extras.append(f"since {value.since}")
    if extras:
        text += " (" + "; ".join(extras) + ")"
    return docstring(text, 4)


# --------------------------------------------------------------------------- package facts


def list_items(spec: Spec) -> list[tuple[str, str]]:
    """List fields and the element name of one of their items, by list name."""
    items: dict[str, str] = {}

    def add(definition: FieldDef) -> None:
        if definition.is_list:
            items[definition.name] = definition.item_name or definition.name

    for definition in spec.fields.values():
        add(definition)
    for container in spec.containers.values():
        for use in container.fields:
            add(use.field)
    return sorted(items.items())


def envelope_formats(spec: Spec) -> list[tuple[str, str]]:
    """The formats of the envelope fields a client fills from its settings (``merchantId``,
    ``intermediateServiceProviderId`` …), by name: checked when the client is made."""
    found = []
    for name in spec.platform.envelope_fields:
        definition = spec.fields.get(name)
        if definition is not None and definition.format is not None:
            found.append((name, str(definition.format)))
    return sorted(found)


def sensitive_fields(spec: Spec) -> list[tuple[str, str]]:
    """Fields holding card data or secrets and how they are masked (spec: ``sensitive``)."""
    found: dict[str, str] = {}

    def add(definition: FieldDef) -> None:
        target = definition.items or definition
        if target.sensitive:
            found[definition.name] = target.sensitive

    for definition in spec.fields.values():
        add(definition)
    for container in spec.containers.values():
        for use in container.fields:
            add(use.field)
    return sorted(found.items())


def enum_attributes(spec: Spec) -> dict[str, list[str]]:
    """The extra attributes each enum's values carry (``paymentMeanType`` …)."""
    return {
        name: sorted({k for v in enum.values for k, x in v.attributes})
        for name, enum in spec.enums.items()
    }


# --------------------------------------------------------------------------- SOAP (WSDL, XSD)


def reachable_containers(spec: Spec, service: Service) -> list[str]:
    """Containers a service's functions use, directly or through other containers."""
    seen: set[str] = set()

    def walk(definition: FieldDef) -> None:
        target = definition.items or definition
        if target.type == "container" and target.container and target.container not in seen:
            seen.add(target.container)
            for member in spec.containers[target.container].fields:
                walk(member.field)

    for function in service.functions:
        for use in (*function.request, *function.response):
            walk(use.field)
    return [c.name for c in containers_in_dependency_order(spec) if c.name in seen]


def xsd_element(definition: FieldDef, required: bool, wrappers: dict[str, dict[str, str]]) -> str:
    """The ``xsd:element`` of one field; a list's wrapper type is added to ``wrappers``."""
    occurs = "" if required else ' minOccurs="0"'
    if definition.is_list:
        assert definition.items is not None
        item = definition.items
        item_type = f"tns:{item.container}" if item.type == "container" else "xsd:string"
        wrapper_type = f"{definition.name}Type"
        wrappers[wrapper_type] = {
            "type": wrapper_type,
            "item": definition.item_name or item.name,
            "item_type": item_type,
        }
        return f'<xsd:element name="{definition.name}" type="tns:{wrapper_type}"{occurs}/>'
    if definition.type == "container":
        return f'<xsd:element name="{definition.name}" type="tns:{definition.container}"{occurs}/>'
    # Every scalar is text on the wire: xsd:string keeps leading zeros and the exact characters
    # the seal was computed over.
    return f'<xsd:element name="{definition.name}" type="xsd:string"{occurs}/>'


def soap_view(spec: Spec, service: Service) -> dict[str, Any]:
    """What the WSDL and XSD templates print for ``service``."""
    wrappers: dict[str, dict[str, str]] = {}
    containers = []
    for name in reachable_containers(spec, service):
        container = spec.containers[name]
        containers.append(
            {
                "name": name,
                "description": container.description,
                "elements": [xsd_element(u.field, False, wrappers) for u in container.fields],
            }
        )
    optional = set(spec.platform.soap_optional_fields)
    functions = [
        {
            "name": function.name,
            "input": [
                xsd_element(u.field, u.required and u.name not in optional, wrappers)
                for u in function.request
            ],
            "output": [xsd_element(u.field, False, wrappers) for u in function.response],
        }
        for function in service.functions
    ]
    address = dict(spec.platform.environments)["production"] + spec.platform.soap_path.format(
        service=service.name
    )
    names = ", ".join(spec.platform.soap_optional_fields)
    optional_note = (
        f"Optional whatever the dictionary's presence: {names} (the dictionary's SOAP samples "
        "omit them; platform.yaml, soap_optional_fields): the platform answers their absence "
        "with a responseCode, not with a fault."
        if names
        else "Required fields have minOccurs 1."
    )
    return {
        "containers": containers,
        "wrappers": [wrappers[k] for k in sorted(wrappers)],
        "functions": functions,
        "address": address,
        "optional_note": optional_note,
    }
