"""The Python names a change touches in integrators' code, named as the generator names them.

Services are ``client.<snake_case of the service>``, functions ``<snake_case of the function>``
methods, request fields keyword arguments and response fields attributes in snake_case
(``generator.views.snake``, datamodel-code-generator's rule), enums ``sogenactif.enums.<Name>``
classes with the spec's member names, containers ``sogenactif.models.common.<Name>`` models.
"""

from __future__ import annotations

from ..views import class_name, snake
from .catalogue import Effect
from .model import PythonName

CLIENT = "client"
ENUMS = "sogenactif.enums"
CONTAINER_MODELS = "sogenactif.models.common"


def method_of(service: str, function: str) -> str:
    """``client.token.payment_token_generate``: what integrators call."""
    return f"{CLIENT}.{snake(service)}.{snake(function)}"


def keyword(service: str, function: str, field: str, effect: Effect) -> PythonName:
    call, name = method_of(service, function), snake(field)
    return PythonName("keyword", name, call, f"{call}({name}=...)", effect)


def attribute(service: str, function: str, field: str, effect: Effect) -> PythonName:
    """A response attribute: ``resp.card_number``, where ``resp`` is what the method returned."""
    name = snake(field)
    return PythonName("attribute", name, method_of(service, function), f"resp.{name}", effect)


def model_keyword(container: str, field: str, effect: Effect) -> PythonName:
    model, name = f"{CONTAINER_MODELS}.{class_name(container)}", snake(field)
    return PythonName("keyword", name, model, f"{model}({name}=...)", effect)


def model_attribute(container: str, field: str, effect: Effect) -> PythonName:
    model, name = f"{CONTAINER_MODELS}.{class_name(container)}", snake(field)
    return PythonName("attribute", name, model, f"{model}.{name}", effect)


def member(enum: str, member_name: str, effect: Effect) -> PythonName:
    enum_class = f"{ENUMS}.{class_name(enum)}"
    return PythonName("member", member_name, enum_class, f"{enum_class}.{member_name}", effect)


def method(service: str, function: str, effect: Effect) -> PythonName:
    owner, name = f"{CLIENT}.{snake(service)}", snake(function)
    return PythonName("method", name, owner, f"{owner}.{name}(...)", effect)


def service_attribute(service: str, effect: Effect) -> PythonName:
    name = snake(service)
    return PythonName("service", name, CLIENT, f"{CLIENT}.{name}", effect)


def enum_class(enum: str, effect: Effect) -> PythonName:
    name = class_name(enum)
    return PythonName("class", name, ENUMS, f"{ENUMS}.{name}", effect)


def container_model(container: str, effect: Effect) -> PythonName:
    name = class_name(container)
    return PythonName("class", name, CONTAINER_MODELS, f"{CONTAINER_MODELS}.{name}", effect)


__all__ = [
    "attribute",
    "container_model",
    "enum_class",
    "keyword",
    "member",
    "method",
    "method_of",
    "model_attribute",
    "model_keyword",
    "service_attribute",
]
