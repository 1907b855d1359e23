"""Base classes of the generated Pydantic models.

- :class:`RequestModel`: what a function accepts; unknown fields are refused (a typo must not be
  dropped silently), snake_case names and the dictionary's camelCase names are both accepted.
- :class:`ResponseModel`: what a function returns; unknown fields from a newer platform are kept
  (``model_extra``), ``.raw`` is the decoded response as received and ``.sealed`` says whether it
  carried a seal (always verified when present).
- :class:`ContainerModel`: a container (contact, shoppingCartDetail …), used on both sides.

Reprs mask card numbers, CSC values and tokens, and Pydantic's own validation errors never
show the rejected input (``hide_input_in_errors``).

Performance (issue 16): every model is built lazily (``defer_build``): Pydantic builds a
model's validator and serializer when it is first used. The classes themselves are created only
when needed too: each lives in a module of its own, which ``FunctionSpec`` imports on first use
(``_metadata``). A process that makes a keyword cardOrder creates and builds the cardOrder
response and the containers it holds, not the other models of the service (nor the request
model, which a keyword call with plain values never needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ._masked import reveal_all
from ._redact import redact_value


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True)  # a base: never validated itself

    @classmethod
    def _non_text(cls) -> frozenset[str]:
        """Fields whose type is not text: there an empty string means "no value" (the platform
        sends "" for absent values, and so do integrators' forms)."""
        cached = cls.__dict__.get("_non_text_fields_cache")
        if cached is None:
            names: set[str] = set()
            for name, info in cls.model_fields.items():
                if info.annotation not in (str, str | None):
                    names.add(name)
                    if info.alias:
                        names.add(info.alias)
            cached = frozenset(names)
            type.__setattr__(cls, "_non_text_fields_cache", cached)
        return cached

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        # Runs for every model and container of every call: plain dicts are tested first (the ABC
        # check costs more), and classes without non-text fields keep the mapping as it is.
        if (type(data) is dict or isinstance(data, Mapping)) and "" in data.values():
            non_text = cls._non_text()
            if non_text:
                return {k: v for k, v in data.items() if not (v == "" and k in non_text)}
        return data

    def __repr_args__(self) -> Any:
        """Masked like the logs: a repr lands in tracebacks, debuggers and bug reports."""
        for name, value in super().__repr_args__():
            info = type(self).model_fields.get(name) if name else None
            wire = (info.alias or name) if info is not None else name
            if isinstance(value, BaseModel):
                yield name, value  # its own repr masks its fields
            elif isinstance(value, list) and any(isinstance(v, BaseModel) for v in value):
                yield (
                    name,
                    [v if isinstance(v, BaseModel) else redact_value(wire or "", v) for v in value],
                )
            else:
                yield name, redact_value(wire or "", value)


class RequestModel(_Model):
    """Base of the request models: refuses unknown fields."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        use_enum_values=True,
        hide_input_in_errors=True,
        defer_build=True,
    )


class ContainerModel(_Model):
    """Base of the container models (shared by requests and responses).

    Unknown members are kept here; in a request the client refuses them before sending.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        use_enum_values=True,
        hide_input_in_errors=True,
        defer_build=True,
    )


class ResponseModel(_Model):
    """Base of the response models: keeps unknown fields, exposes ``raw`` and ``sealed``."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, hide_input_in_errors=True, defer_build=True
    )

    # The answer as received and whether it was sealed are kept in Pydantic's own store of an
    # instance's private values, ``__pydantic_private__`` (copied, deep-copied, pickled and
    # compared with the model), without being declared as private attributes: declared ones make
    # Pydantic run a Python hook after every validation to give them their defaults, which cost
    # more than 2 µs a response, a quarter of its validation (issue 16). A response made by hand
    # has no answer: ``raw`` is empty and ``sealed`` False.

    @property
    def raw(self) -> dict[str, Any]:
        """The decoded response exactly as received (the seal was verified over it): a fresh
        copy; inside the library, card data in it is held masked."""
        private = self.__pydantic_private__
        raw: dict[str, Any] = reveal_all(private[_RAW]) if private and _RAW in private else {}
        return raw

    @property
    def sealed(self) -> bool:
        """True when the response carried a seal (which was verified); False when unsigned."""
        private = self.__pydantic_private__
        return bool(private and private.get(_SEALED, False))


_RAW, _SEALED = "_raw", "_sealed"


def answered(response: ResponseModel, raw: dict[str, Any], sealed: bool) -> None:
    """Give ``response`` the answer it was validated from (masked) and whether it was sealed."""
    private = response.__pydantic_private__
    if private is None:
        object.__setattr__(response, "__pydantic_private__", {_RAW: raw, _SEALED: sealed})
    else:  # a subclass's own private attributes are kept
        private[_RAW] = raw
        private[_SEALED] = sealed
