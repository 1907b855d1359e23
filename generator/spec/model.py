"""The typed, frozen model of the data dictionary: what ``load_spec`` returns.

Pure data with the few questions the generator asks of it (URLs, the spec at an older interface
version); reading and validating the YAML is ``loader.py``'s business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import total_ordering

from ..formats import Format

PRESENCES = ("required", "optional", "conditional")
FIELD_TYPES = ("string", "integer", "boolean", "container", "list")
SENSITIVITIES = ("pan", "csc", "token", "secret")

# --------------------------------------------------------------------------- versions


@total_ordering
@dataclass(frozen=True)
class Version:
    """An interface version such as ``2.53``; compared part by part (2.9 < 2.22)."""

    parts: tuple[int, ...]

    @classmethod
    def parse(cls, text: object) -> Version:
        if not isinstance(text, str) or not re.fullmatch(r"\d+(\.\d+)+", text):
            raise ValueError(f'interface version {text!r} must be a quoted string like "2.53"')
        return cls(tuple(int(p) for p in text.split(".")))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.parts < other.parts

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts)


# --------------------------------------------------------------------------- the typed model


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class EnumValue:
    value: str
    name: str  # the Python member name
    description: str
    since: Version
    request: bool = True  # False: may be returned, must not be sent
    deprecated: bool = False
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EnumDef:
    name: str
    description: str
    values: tuple[EnumValue, ...]
    location: Location
    note: str = ""
    # Closed: a primary Sogenactif page gives the whole list, so a request value outside it is
    # refused before sending. Open (the default): an unknown request value is sent, with a
    # warning. Responses are never refused for a value, either way.
    closed: bool = False
    reason: str = ""  # why the list is closed or open, with the source's address

    @property
    def class_name(self) -> str:
        return self.name[0].upper() + self.name[1:]


@dataclass(frozen=True)
class FieldDef:
    """A field as the dictionary defines it: its type, format and meaning."""

    name: str
    type: str
    description: str
    since: Version
    location: Location
    format: Format | None = None
    alternative_format: Format | None = None
    min_length: int = 0
    pattern: str | None = None
    enum: str | None = None
    container: str | None = None  # for type container, or a list of containers
    items: FieldDef | None = None  # for type list: the type of one item
    item_name: str | None = None  # for type list: the SOAP element of one item
    sensitive: str | None = None
    note: str = ""
    # The explicit empty string is a valid value ("if the card has no expiry date, this field is
    # empty"): it skips the format and pattern, and fills a required field; absent is not empty.
    empty_allowed: bool = False

    @property
    def is_list(self) -> bool:
        return self.type == "list"


@dataclass(frozen=True)
class FieldUse:
    """A field as one function (or container) uses it: with its presence and version."""

    field: FieldDef
    presence: str
    since: Version
    note: str = ""

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def required(self) -> bool:
        return self.presence == "required"


@dataclass(frozen=True)
class ContainerDef:
    name: str
    description: str
    fields: tuple[FieldUse, ...]
    location: Location
    note: str = ""

    @property
    def class_name(self) -> str:
        return self.name[0].upper() + self.name[1:]


@dataclass(frozen=True)
class Function:
    name: str
    description: str
    since: Version
    request: tuple[FieldUse, ...]
    response: tuple[FieldUse, ...]
    location: Location
    recommended_interface_version: Version | None = None
    urls: tuple[tuple[str, str, str], ...] = ()  # (kind, environment, url)
    note: str = ""
    # Whether a RetryPolicy may send the call again after responseCode 90/99 (RESEND_KINDS):
    # "" never, "read-only" (changes nothing), "duplicate-protected" (the platform refuses a
    # second transaction with the request's transactionReference).
    resend: str = ""

    @property
    def class_prefix(self) -> str:
        return self.name[0].upper() + self.name[1:]


RESEND_KINDS = ("read-only", "duplicate-protected")


@dataclass(frozen=True)
class Service:
    name: str  # the REST path segment, e.g. cashManagement
    description: str
    interface_prefix: str
    functions: tuple[Function, ...]
    location: Location
    note: str = ""

    @property
    def function_map(self) -> dict[str, Function]:
        return {f.name: f for f in self.functions}


@dataclass(frozen=True)
class Platform:
    name: str
    description: str
    latest_interface_version: Version
    environments: tuple[tuple[str, str], ...]
    rest_path: str
    soap_path: str
    soap_namespace: str
    default_seal_algorithm: str
    seal_algorithms: tuple[str, ...]
    seal_excluded_fields: tuple[str, ...]
    envelope_fields: tuple[str, ...]
    note: str = ""
    # responseCode values an answer may carry without a seal (refusals the platform cannot
    # sign, or that report that nothing was done); any other unsigned answer is not trusted.
    unsigned_refusals: tuple[str, ...] = ()
    # Services whose SOAP namespace is not ``soap_namespace`` formatted with their name.
    soap_namespaces: tuple[tuple[str, str], ...] = ()
    # Request fields the SOAP schema leaves optional whatever their presence (the dictionary's
    # SOAP samples omit them); the platform's answer to their absence is a responseCode.
    soap_optional_fields: tuple[str, ...] = ()

    def rest_url(self, environment: str, service: str, function: str) -> str:
        base = dict(self.environments)[environment]
        return base + self.rest_path.format(service=service, function=function)

    def wsdl_url(self, environment: str, service: str) -> str:
        base = dict(self.environments)[environment]
        return base + self.soap_path.format(service=service) + "?wsdl"

    def namespace(self, service: str) -> str:
        """The SOAP namespace of ``service``: its own (``soap_namespaces``), else the template's."""
        own = dict(self.soap_namespaces).get(service)
        return own if own is not None else self.soap_namespace.format(service=service)


@dataclass(frozen=True)
class Spec:
    platform: Platform
    fields: Mapping[str, FieldDef]
    containers: Mapping[str, ContainerDef]
    enums: Mapping[str, EnumDef]
    services: tuple[Service, ...]
    target_version: Version
    root: str = "spec"
    # What is allowed but probably a mistake, as ``file:line: where: what`` (the CLI prints it).
    warnings: tuple[str, ...] = ()

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    def iter_functions(self) -> Iterator[tuple[Service, Function]]:
        for service in self.services:
            for function in service.functions:
                yield service, function

    def at_version(self, version: Version) -> Spec:
        """The spec as a client generated for ``version`` sees it: later things removed."""

        def uses(items: tuple[FieldUse, ...]) -> tuple[FieldUse, ...]:
            return tuple(u for u in items if u.since <= version)

        containers = {n: replace(c, fields=uses(c.fields)) for n, c in self.containers.items()}
        enums = {
            n: replace(e, values=tuple(v for v in e.values if v.since <= version))
            for n, e in self.enums.items()
        }
        services = tuple(
            replace(
                s,
                functions=tuple(
                    replace(f, request=uses(f.request), response=uses(f.response))
                    for f in s.functions
                    if f.since <= version
                ),
            )
            for s in self.services
        )
        return replace(
            self, containers=containers, enums=enums, services=services, target_version=version
        )

    def known_versions(self) -> tuple[Version, ...]:
        """Every interface version the spec knows, up to the target: the versions that date a
        function, a field, a container member or a value, each function's recommended version,
        and the target itself. A client may pin any of them (``Client(interface_version=...)``):
        the spec can tell what each of them has."""
        found = {self.target_version}
        for _, function in self.iter_functions():
            found.add(function.since)
            if function.recommended_interface_version is not None:
                found.add(function.recommended_interface_version)
            found.update(u.since for u in (*function.request, *function.response))
        for container in self.containers.values():
            found.update(u.since for u in container.fields)
        for enum in self.enums.values():
            found.update(v.since for v in enum.values)
        found.update(f.since for f in self.fields.values())
        return tuple(sorted(v for v in found if v <= self.target_version))

    def later_fields(self, function: Function, version: Version) -> dict[str, Version]:
        """Request fields of ``function`` that appear after ``version``, with their version."""
        return {u.name: u.since for u in function.request if u.since > version}
