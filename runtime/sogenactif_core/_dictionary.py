"""What the generated package tells the core about the Office Server's data dictionary.

The core knows nothing of the dictionary by itself: no host, path, namespace, interface version,
function or field name is written here. The generated package builds one :class:`DataDictionary`
from spec/ (``sogenactif/_dictionary.py``) and hands it to everything that needs those facts: the
client, the transports, the redaction of card data and the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _redact

if TYPE_CHECKING:
    from ._metadata import FunctionSpec


# Plain classes, not dataclasses (about half a millisecond each to create at import: issue 16's
# cold start); made once by the generated package, never changed.


class ServiceFacts:
    """One service of the Office Server (``checkout``, ``cashManagement`` …)."""

    __slots__ = ("attribute", "interface_prefix", "name", "soap_namespace")

    def __init__(
        self, name: str, interface_prefix: str, attribute: str, soap_namespace: str
    ) -> None:
        self.name = name  # the REST path segment, e.g. "cashManagement"
        self.interface_prefix = interface_prefix  # e.g. "CR_WS_": and a version
        self.attribute = attribute  # the client's attribute, e.g. "cash_management"
        self.soap_namespace = soap_namespace  # the namespace of the service's SOAP messages

    def __repr__(self) -> str:
        return f"ServiceFacts({self.name!r}, {self.interface_prefix!r})"


class DataDictionary:
    """The facts of one version of the data dictionary, as generated from spec/."""

    def __init__(
        self,
        interface_version: str,
        environments: Mapping[str, str],
        rest_path: str,
        soap_path: str,
        services: Mapping[str, ServiceFacts],
        default_seal_algorithm: str,
        seal_algorithms: tuple[str, ...],
        list_items: Mapping[str, str],
        sensitive_fields: Mapping[str, str],
        wsdl_dir: Path,
        load_functions: Callable[[], Iterable[FunctionSpec[Any, Any]]],
        interface_versions: tuple[str, ...] = (),
        package_version: str = "",
        unsigned_refusals: frozenset[str] = frozenset(),
        envelope_formats: Mapping[str, str] | None = None,
    ) -> None:
        # The version requests declare unless a client pins another one.
        self.interface_version = interface_version
        self.environments = environments  # name ("production", "test") -> base URL
        self.rest_path = rest_path  # e.g. "/rs-services/v2/{service}/{function}"
        self.soap_path = soap_path  # e.g. "/services/v2/{service}"
        self.services = services  # by REST path segment
        self.default_seal_algorithm = default_seal_algorithm
        self.seal_algorithms = seal_algorithms
        # List fields -> the element name of one item on the SOAP side ("shoppingCartItemList"
        # -> "shoppingCartItem").
        self.list_items = list_items
        # Fields holding card data or secrets -> how they are masked (pan, csc, token, secret).
        self.sensitive_fields = sensitive_fields
        self.wsdl_dir = wsdl_dir  # where the generated WSDL and XSD files are (the simulator's)
        # Every function of the dictionary (imports the generated service modules: called
        # lazily).
        self.load_functions = load_functions
        # Every interface version a client may pin, oldest first (the default is the last).
        self.interface_versions = interface_versions or (interface_version,)
        self.package_version = package_version  # of the generated package, for the User-Agent
        # responseCode values an answer may carry without a seal (refusals that report nothing
        # was done); any other unsigned answer is refused as untrusted (ClientCore._response).
        self.unsigned_refusals = unsigned_refusals
        # Envelope fields filled from a client's settings -> their formats (checked when the
        # client is made: merchantId N15, intermediateServiceProviderId ANS20 …).
        self.envelope_formats = dict(envelope_formats or {})
        # From the moment a dictionary exists, its card-data fields are masked everywhere in the
        # process (logs, reprs, errors), whichever object shows them.
        _redact.add_sensitive_fields(sensitive_fields)

    def __repr__(self) -> str:
        return f"<DataDictionary {self.interface_version}: {', '.join(self.services)}>"

    def service(self, name: str) -> ServiceFacts:
        return self.services[name]

    def functions(self) -> dict[tuple[str, str], FunctionSpec[Any, Any]]:
        """Every function, keyed by (REST path segment, function name)."""
        return {(fn.service, fn.name): fn for fn in self.load_functions()}
