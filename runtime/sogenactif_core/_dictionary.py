"""What the generated package tells the core about the Office Server's data dictionary.

The core knows nothing of the dictionary by itself: no host, path, namespace, interface version,
function or field name is written here. The generated package builds one :class:`DataDictionary`
from spec/ (``sogenactif/_dictionary.py``) and hands it to everything that needs those facts: the
client, the transports, the redaction of card data and the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _redact

if TYPE_CHECKING:
    from ._metadata import FunctionSpec


@dataclass(frozen=True)
class ServiceFacts:
    """One service of the Office Server (``checkout``, ``cashManagement`` …)."""

    name: str  # the REST path segment, e.g. "cashManagement"
    interface_prefix: str  # e.g. "CR_WS_": interfaceVersion is this prefix and a version
    attribute: str  # the client's attribute, e.g. "cash_management"
    soap_namespace: str  # the namespace of the service's SOAP messages


@dataclass(frozen=True)
class DataDictionary:
    """The facts of one version of the data dictionary, as generated from spec/."""

    interface_version: str  # the version requests declare unless a client pins another one
    environments: Mapping[str, str]  # name ("production", "test") -> base URL
    rest_path: str  # e.g. "/rs-services/v2/{service}/{function}"
    soap_path: str  # e.g. "/services/v2/{service}"
    services: Mapping[str, ServiceFacts]  # by REST path segment
    default_seal_algorithm: str
    seal_algorithms: tuple[str, ...]
    # List fields -> the element name of one item on the SOAP side ("shoppingCartItemList" ->
    # "shoppingCartItem").
    list_items: Mapping[str, str]
    # Fields holding card data or secrets -> how they are masked (pan, csc, token, secret).
    sensitive_fields: Mapping[str, str]
    # Where the generated WSDL and XSD files are (the simulator serves them).
    wsdl_dir: Path
    # Every function of the dictionary (imports the generated service modules: called lazily).
    load_functions: Callable[[], Iterable[FunctionSpec[Any, Any]]] = field(repr=False)
    # Every interface version a client may pin, oldest first (the default is the last).
    interface_versions: tuple[str, ...] = ()
    package_version: str = ""  # of the generated package, for the User-Agent header
    # responseCode values an answer may carry without a seal (refusals that report nothing was
    # done); any other unsigned answer is refused as untrusted (see BaseClient._response).
    unsigned_refusals: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.interface_versions:
            object.__setattr__(self, "interface_versions", (self.interface_version,))
        # From the moment a dictionary exists, its card-data fields are masked everywhere in the
        # process (logs, reprs, errors), whichever object shows them.
        _redact.add_sensitive_fields(self.sensitive_fields)

    def service(self, name: str) -> ServiceFacts:
        return self.services[name]

    def functions(self) -> dict[tuple[str, str], FunctionSpec[Any, Any]]:
        """Every function, keyed by (REST path segment, function name)."""
        return {(fn.service, fn.name): fn for fn in self.load_functions()}
