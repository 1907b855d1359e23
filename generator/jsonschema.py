"""Spec -> one JSON Schema whose definitions become the Pydantic models.

Definition names are dotted (``common.contact.Contact``,
``token.payment_token_generate_request.PaymentTokenGenerateRequest``) so that
datamodel-code-generator writes a package per service plus ``common`` for the containers, with one
module per class (``views.model_definition``): a process imports only the classes it uses. Each
definition names its base class (``customBasePath``): requests refuse unknown fields, responses
and containers keep them. Formats and enums are not constraints here: requests are checked by the
client's rules (with messages that never echo values), and responses must never be refused for
a value the platform chose to send.
"""

from __future__ import annotations

from typing import Any

from .spec import FieldDef, FieldUse, Spec
from .views import (
    CONTAINERS_PACKAGE,
    business_request,
    class_name,
    field_description,
    model_definition,
    snake,
)

REQUEST_BASE = "sogenactif_core._base.RequestModel"
RESPONSE_BASE = "sogenactif_core._base.ResponseModel"
CONTAINER_BASE = "sogenactif_core._base.ContainerModel"


def _type_schema(definition: FieldDef) -> dict[str, Any]:
    if definition.is_list:
        assert definition.items is not None
        return {"type": "array", "items": _type_schema(definition.items)}
    if definition.type == "container":
        container = class_name(definition.container or "")
        return {"$ref": f"#/$defs/{model_definition(CONTAINERS_PACKAGE, container)}"}
    return {"type": definition.type}


def _property(
    use: FieldUse | None, definition: FieldDef, spec: Spec, *, typed_values: bool = False
) -> dict[str, Any]:
    schema = _type_schema(definition)
    if typed_values:
        # A request's list of values, as type checkers see it (a Literal of the values a request
        # may carry, or the enum); at run time ``str`` (see the enums module).
        target = schema["items"] if definition.is_list else schema
        item = definition.items or definition
        if item.enum and item.type == "string":
            target.clear()
            target["customTypePath"] = f"sogenactif.enums.{class_name(item.enum)}Value"
    schema["description"] = field_description(use, definition, spec)
    return schema


def _object(
    base: str, description: str, uses: list[FieldUse], spec: Spec, *, required: bool
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "customBasePath": base,
        "properties": {u.name: _property(u, u.field, spec, typed_values=required) for u in uses},
    }
    names = [u.name for u in uses if u.required] if required else []
    if names:
        schema["required"] = names
    return schema


def build_schema(spec: Spec) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for name in sorted(spec.containers):
        container = spec.containers[name]
        description = container.description  # its note is in the reference docs
        # Container members are never "required" in the model: responses must not be refused;
        # the client's rules enforce required members in requests.
        defs[model_definition(CONTAINERS_PACKAGE, class_name(name))] = _object(
            CONTAINER_BASE, description, list(container.fields), spec, required=False
        )
    for service in spec.services:
        package = snake(service.name)
        for function in service.functions:
            name = class_name(function.name)
            defs[model_definition(package, f"{name}Request")] = _object(
                REQUEST_BASE,
                f"Request of {service.name}.{function.name}: {function.description}",
                business_request(function, spec),
                spec,
                required=True,
            )
            defs[model_definition(package, f"{name}Response")] = _object(
                RESPONSE_BASE,
                f"Response of {service.name}.{function.name}.",
                list(function.response),
                spec,
                required=False,
            )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs,
    }
