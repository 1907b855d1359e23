"""What the sync and async clients share: settings, the request and the trust in the answer.

request model or keywords -> checked against the dictionary -> wire text -> envelope and seal
(:meth:`ClientCore._build`); the answer -> seal, unsigned-answer policy and echoes checked over the
raw answer -> response model (:meth:`ClientCore._response`). Sending, and sending again as a
:class:`~sogenactif.RetryPolicy` allows (``_attempts``), is the sync client's (``_client``) or the
async client's (``_async_client``).

Nothing secret leaves this module in clear: the ``sogenactif`` logger at DEBUG shows requests and
responses masked (``_redact``), errors name fields and never values, and the errors raised here
carry no chained exception that could hold the rejected input.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import ValidationError

from ._attempts import Attempts, Done
from ._base import RequestModel, ResponseModel, answered
from ._dictionary import DataDictionary
from ._errors import (
    ConfigurationError,
    EchoMismatchError,
    RequestValidationError,
    ResponseValidationError,
    SealMismatchError,
    SealRefusedError,
    SogenactifError,
    UnsignedResponseError,
)
from ._formats import fits_format, format_meaning
from ._http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, is_http_url
from ._masked import Masked, reveal, reveal_all
from ._metadata import FunctionSpec, version_key
from ._redact import redact
from ._transport import WireCall
from ._wire import (
    Pin,
    encode_keywords,
    encode_request,
    loose_integer_problems,
    newer_keywords,
    newer_message,
    request_problems_from_pydantic,
    seal_request,
    unknown_field_message,
)
from .seal import ALGORITHMS, Sealer

if TYPE_CHECKING:
    import requests

    from ._retry import RetryPolicy

logger = logging.getLogger("sogenactif")

ResponseT = TypeVar("ResponseT", bound=ResponseModel)

_MERCHANT_ID = re.compile(r"^[0-9]{15}$")
# Offered as requests offers them: the platform may compress its answers.
HEADERS = {"Accept-Encoding": "gzip, deflate"}
_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")


class ClientCore:
    """The settings of a client for one shop, and what it does before and after sending.

    The generated ``Client`` and ``AsyncClient`` add one attribute per service and hand over
    their :class:`DataDictionary`; :class:`~sogenactif_core._client.BaseClient` and
    :class:`~sogenactif_core._async_client.AsyncBaseClient` send."""

    _dictionary: ClassVar[DataDictionary]

    def __init__(
        self,
        merchant_id: str,
        secret_key: str | Masked,
        key_version: int = 1,
        environment: str = "test",
        protocol: Literal["rest", "soap"] = "rest",
        timeout: float | tuple[float, float] = 30.0,
        *,
        connect_timeout: float | None = None,
        seal_algorithm: str | None = None,
        intermediate_service_provider_id: str | None = None,
        require_response_seal: bool = False,
        accept_unsigned_test_responses: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryPolicy | None = None,
        interface_version: str | None = None,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        trust_env: bool = True,
        soap_namespaces: Mapping[str, str] | None = None,
        soap_paths: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        transport: Any = None,
    ) -> None:
        """The settings of ``sogenactif.Client`` and ``sogenactif.AsyncClient`` (README); a
        transport of the client's own is made unless ``transport`` is given (``session``: a
        ``requests.Session`` of the caller's, for the sync client)."""
        # The key is held masked from the first line: a frame of this method never shows it.
        secret = secret_key if type(secret_key) is Masked else Masked(secret_key, "secret")
        del secret_key
        dictionary = self._dictionary
        # SOAP settings the dictionary may have wrong (its namespaces rest on little evidence).
        self._soap_namespaces = _soap_overrides("soap_namespaces", soap_namespaces, dictionary)
        self._soap_paths = _soap_overrides("soap_paths", soap_paths, dictionary)
        if seal_algorithm is None:
            seal_algorithm = dictionary.default_seal_algorithm
        if not isinstance(merchant_id, str) or not _MERCHANT_ID.fullmatch(merchant_id):
            raise ConfigurationError("merchant_id must be the shop's 15-digit identifier (N15)")
        if not isinstance(secret.reveal(), str) or not secret.reveal():
            raise ConfigurationError("secret_key must be the shop's (non-empty) secret key")
        if (
            isinstance(key_version, bool)
            or not isinstance(key_version, int)
            or not (0 < key_version < 10**10)
        ):
            raise ConfigurationError("key_version must be a positive whole number (N10)")
        if intermediate_service_provider_id is not None:
            _check_envelope_setting(
                "intermediate_service_provider_id",
                "intermediateServiceProviderId",
                intermediate_service_provider_id,
                dictionary,
            )
        if seal_algorithm not in ALGORITHMS:
            raise ConfigurationError(
                f"seal_algorithm {seal_algorithm!r} is not one of {', '.join(ALGORITHMS)}"
            )
        if protocol not in ("rest", "soap"):
            raise ConfigurationError(f"protocol must be 'rest' or 'soap', not {protocol!r}")
        if retry is not None:
            from ._retry import RetryPolicy  # here: a client without retries never loads it

            if not isinstance(retry, RetryPolicy):
                raise ConfigurationError(
                    "retry must be a sogenactif.RetryPolicy or None (no retries)"
                )
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1024
        ):
            raise ConfigurationError("max_response_bytes must be a whole number, 1024 or more")
        if session is not None and (proxies is not None or verify is not True or cert is not None):
            raise ConfigurationError(
                "proxies, verify and cert configure the client's own connections: with a "
                "session of your own, set them on the session"
            )
        for option, flag in (
            ("require_response_seal", require_response_seal),
            ("accept_unsigned_test_responses", accept_unsigned_test_responses),
            ("trust_env", trust_env),
        ):
            if not isinstance(flag, bool):  # "false" would be read as true
                raise ConfigurationError(f"{option} must be True or False")
        if accept_unsigned_test_responses and environment != "test":
            raise ConfigurationError(
                "accept_unsigned_test_responses is for environment='test' alone: never for "
                "production or a base URL of your own"
            )
        self.merchant_id = merchant_id
        self.key_version = key_version
        self.environment = environment
        self.protocol = protocol
        self.seal_algorithm = seal_algorithm
        self.intermediate_service_provider_id = intermediate_service_provider_id
        self.require_response_seal = require_response_seal
        self.accept_unsigned_test_responses = accept_unsigned_test_responses
        if accept_unsigned_test_responses:
            logger.warning(
                "accept_unsigned_test_responses: unsigned answers of the test platform are "
                "accepted, successes included; never use it outside tests"
            )
        self.retry = retry
        if interface_version is None:
            interface_version = dictionary.interface_version
        if interface_version not in dictionary.interface_versions:
            raise ConfigurationError(
                f"interface_version {interface_version!r} is not one this package knows: "
                f"{', '.join(dictionary.interface_versions)} (the default is the latest, "
                f"{dictionary.interface_version})"
            )
        self.interface_version = interface_version
        # Older than the package's latest: the fields newer than it are refused by name.
        self._pin = (
            None if interface_version == dictionary.interface_version else Pin(interface_version)
        )
        self.base_url = _base_url(environment, dictionary)
        self.timeouts = _timeouts(timeout, connect_timeout)
        # The key, held by what seals and verifies with it (never shown, never pickled).
        self._sealer = Sealer(secret, seal_algorithm)
        self.connection_options = ConnectionOptions(
            max_response_bytes, _proxies(proxies), _verify(verify), _cert(cert), trust_env
        )
        if transport is None:
            transport = self._new_transport(session)
        else:
            _check_transport(transport, self._transport_methods)
        self.transport = transport

    # What a transport given as ``transport=`` must offer (the sync client's; the async client's
    # are its own): checked when the client is made, not found missing at the first call.
    _transport_methods: ClassVar[tuple[str, ...]] = ("send", "close")

    def _new_transport(self, session: requests.Session | None) -> Any:
        """A transport of the client's own: the sync client's or the async client's."""
        raise NotImplementedError

    @property
    def user_agent(self) -> str:
        """``sogenactif/<package version> (interface <version>; python <version>)``."""
        dictionary = self._dictionary
        python = ".".join(str(n) for n in sys.version_info[:3])
        return (
            f"sogenactif/{dictionary.package_version or '0'} "
            f"(interface {self.interface_version}; python {python})"
        )

    @property
    def headers(self) -> dict[str, str]:
        """The HTTP headers every request of this client carries (besides its protocol's)."""
        return {**HEADERS, "User-Agent": self.user_agent}

    def _codec(self, protocol: str) -> Any:
        dictionary = self._dictionary
        if protocol == "soap":
            from ._soap import SoapCodec

            namespaces = {name: s.soap_namespace for name, s in dictionary.services.items()}
            namespaces.update(self._soap_namespaces)
            return SoapCodec(
                dictionary.soap_path, namespaces, dictionary.list_items, paths=self._soap_paths
            )
        from ._rest import RestCodec

        return RestCodec(dictionary.rest_path)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(merchant_id={self.merchant_id!r}, "
            f"key_version={self.key_version}, environment={self.environment!r}, "
            f"protocol={self.protocol!r}, retry={self.retry!r}, secret_key=<hidden>)"
        )

    # ------------------------------------------------------------------ the call path

    def _envelope(self, fn: FunctionSpec[Any, Any]) -> dict[str, str]:
        envelope = {
            "interfaceVersion": fn.interface_prefix + self.interface_version,
            "keyVersion": str(self.key_version),
            "merchantId": self.merchant_id,
        }
        if self.seal_algorithm != self._dictionary.default_seal_algorithm:
            envelope["sealAlgorithm"] = self.seal_algorithm
        if self.intermediate_service_provider_id:
            name = "intermediateServiceProviderId"
            if name in fn.later_fields:  # a client generated for an older interface version
                raise RequestValidationError(
                    fn.qualified_name, [(name, unknown_field_message(fn, name))]
                )
            since = fn.envelope_since.get(name)
            if since is not None and self._pin is not None and version_key(since) > self._pin.key:
                raise RequestValidationError(
                    fn.qualified_name, [(name, newer_message(since, self.interface_version))]
                )
            envelope[name] = self.intermediate_service_provider_id
        return envelope

    def _build(
        self,
        fn: FunctionSpec[Any, Any],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
        deadline: float | None = None,
    ) -> WireCall:
        """The sealed call, or :class:`RequestValidationError` before anything is sent."""
        pin = self._pin
        if pin is not None and version_key(fn.since) > pin.key:
            raise RequestValidationError(
                fn.qualified_name,
                [("request", f"{fn.name} {newer_message(fn.since, self.interface_version)}")],
            )
        if unexpected:
            raise RequestValidationError(
                fn.qualified_name,
                [(fn.keywords.get(n, n), unknown_field_message(fn, n)) for n in sorted(unexpected)],
            )
        # Plain values need no model (issue 7: the fast path); anything else, and every problem,
        # goes through the model, which decides and explains.
        fields = encode_keywords(fn, keywords) if request is None and pin is None else None
        if fields is None:
            fields = self._fields_by_model(fn, request, keywords)
        sealed = seal_request(fn, fields, self._envelope(fn), self._sealer)
        return WireCall(fn.service, fn.name, sealed, fn, deadline)

    def _fields_by_model(
        self, fn: FunctionSpec[Any, Any], request: RequestModel | None, keywords: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The wire fields of a request model, or of keywords the fast path declined (or of a
        client pinned to an older interface version)."""
        pin = self._pin
        given = {name: value for name, value in keywords.items() if value is not None}
        if pin is not None:
            newer = newer_keywords(fn, given, pin)
            if newer:
                raise RequestValidationError(fn.qualified_name, newer)
        if request is not None:
            if given:
                raise RequestValidationError(
                    fn.qualified_name,
                    [("request", "pass either a request model or keyword arguments, not both")],
                )
            if not isinstance(request, fn.request_model):
                raise RequestValidationError(
                    fn.qualified_name,
                    [("request", f"must be a {fn.request_model.__name__}")],
                )
            return encode_request(fn, request, pin)
        plain = encode_keywords(fn, given, pin) if pin is not None else None
        return plain if plain is not None else encode_request(fn, _request_model(fn, given), pin)

    def _attempts(
        self, fn: FunctionSpec[Any, ResponseT], call: WireCall, protocol: str
    ) -> Attempts[ResponseT]:
        """The attempts of ``call``, its request logged first (masked, at DEBUG): what the sync
        and the async client do before their first send."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s request %s", protocol, fn.qualified_name, redact(call.wire_fields))
        return Attempts(fn, call, self.retry, call.deadline, protocol)

    def _after_answer(
        self,
        fn: FunctionSpec[Any, ResponseT],
        call: WireCall,
        raw: dict[str, Any],
        attempts: Attempts[ResponseT],
    ) -> float | Done[ResponseT]:
        """What follows an answer (``raw``, already masked): logged at DEBUG, trusted only as far
        as it proves itself (:meth:`_response`), then the retry policy's step."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s response %s", attempts.protocol, fn.qualified_name, redact(raw))
        try:
            response = self._response(fn, call, raw)
        except SogenactifError as exc:
            return attempts.after_error(exc)
        return attempts.after_answer(raw, response)

    def _deadline(self) -> float | None:
        """When the call starting now must be over (time.monotonic())."""
        total = self.timeouts.total
        return time.monotonic() + total if total is not None else None

    def _response(
        self, fn: FunctionSpec[Any, ResponseT], call: WireCall, raw: dict[str, Any]
    ) -> ResponseT:
        """Trust the answer only as far as it proves itself, then build the model.

        1. A seal present is verified over the raw answer (before any model). A mismatch is a
           :class:`SealMismatchError` (status unknown), or, when the answer is the platform's
           34 ("seal erroneous"), a :class:`SealRefusedError` naming the likely cause.
        2. An answer without a seal is returned only when it reports that nothing was done (the
           dictionary's ``unsigned_refusals``: unknown merchant or key version …); any other,
           a success above all, is an :class:`UnsignedResponseError`: whoever can alter a
           response in transit could have written it. ``require_response_seal`` refuses every
           unsigned answer; ``accept_unsigned_test_responses`` (environment "test" only) lets
           the test platform's unsigned answers through, with a warning.
        3. The fields the answer echoes (transactionReference, s10TransactionReference,
           merchantId, amount, currencyCode) must be the request's: else it is not the answer
           to this call (a replayed or misrouted response): :class:`EchoMismatchError`.
        """
        sealed = "seal" in raw
        code = _code(raw)
        if sealed:
            try:
                # Masked values are sealed by their value: no revealed copy is needed.
                matches = self._sealer.verify(raw)
                reason = ""
            except (TypeError, ValueError):
                # A value the seal rules cannot turn into text (a JSON float …).
                matches = False
                reason = "the response seal cannot be verified (a value is not text)"
            if not matches:
                logger.error(
                    "%s: response seal mismatch (responseCode %s); transaction status unknown",
                    fn.qualified_name,
                    code,
                )
                if code == "34" and not reason:
                    raise SealRefusedError(
                        f"{fn.qualified_name}: the platform refused the request's seal "
                        "(responseCode 34). Most likely secret_key or key_version is wrong: the "
                        "answer's own seal does not verify with this key either. A 34 is a "
                        "refusal: the request was not executed. (This answer could not be "
                        "authenticated: if in doubt, look the transaction up before paying "
                        "again under a new reference.)",
                        raw=raw,
                    )
                raise SealMismatchError(fn.qualified_name, raw=raw, reason=reason)
        elif self.require_response_seal or code not in self._dictionary.unsigned_refusals:
            if self.accept_unsigned_test_responses and not self.require_response_seal:
                logger.warning(
                    "%s: unsigned response (responseCode %s) accepted: "
                    "accept_unsigned_test_responses is set (test platform only)",
                    fn.qualified_name,
                    code,
                )
            else:
                raise UnsignedResponseError(
                    f"{fn.qualified_name}: the response carries no seal and reports "
                    f"responseCode {code}"
                    + (
                        "; this client requires sealed responses."
                        if self.require_response_seal
                        else ", which only a sealed answer may report: it is not trusted. The "
                        "transaction status is unknown: look it up (e.g. with "
                        "diagnostic.get_transaction_data) before anything else."
                    ),
                    raw=raw,
                )
        else:
            logger.warning(
                "%s: unsigned response (responseCode %s): the platform could not seal it",
                fn.qualified_name,
                code,
            )
        mismatched = _echo_mismatches(call.wire_fields, raw)
        if mismatched:
            raise EchoMismatchError(
                f"{fn.qualified_name}: the response is not the answer to this request: its "
                f"{', '.join(mismatched)} differ from the request's (a replayed or misrouted "
                "response). It is refused; this call's transaction status is unknown until "
                "looked up.",
                fields=mismatched,
                raw=raw,
            )
        fields: list[str] = []
        try:
            response = fn.response_model.model_validate(reveal_all(raw))
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        if fields:
            raise ResponseValidationError(
                f"{fn.qualified_name}: the response does not fit its model (fields: "
                f"{', '.join(fields)}). The operation may have been performed: see the "
                "exception's .raw and check the transaction status.",
                raw=raw,
            )
        answered(response, raw, sealed)
        return response


class ConnectionOptions:
    """How a client's own connections are made (the transports read them; never changed)."""

    __slots__ = ("cert", "max_response_bytes", "proxies", "trust_env", "verify")

    def __init__(
        self,
        max_response_bytes: int,
        proxies: Mapping[str, str] | None,
        verify: bool | str,
        cert: str | tuple[str, str] | None,
        trust_env: bool,
    ) -> None:
        self.max_response_bytes = max_response_bytes
        self.proxies = proxies
        self.verify = verify
        self.cert = cert
        self.trust_env = trust_env


def _request_model(fn: FunctionSpec[Any, Any], given: Mapping[str, Any]) -> RequestModel:
    """The request model of a keyword call, or :class:`RequestValidationError`."""
    problems = loose_integer_problems(fn, given)
    if problems:
        raise RequestValidationError(fn.qualified_name, problems)
    try:
        # Revealed only as the argument: the model's repr masks it again.
        model: RequestModel = fn.request_model.model_validate(reveal_all(given))
    except ValidationError as exc:
        problems = request_problems_from_pydantic(exc, fn)
    if problems:
        # Raised outside the except block: the Pydantic error, which holds the rejected values,
        # is neither chained nor kept as __context__.
        raise RequestValidationError(fn.qualified_name, problems)
    return model


# The identifying fields an answer echoes: when both the request and the answer carry one, they
# must agree (the platform answers about the transaction, shop and amount it was asked about).
_ECHOED = (
    "transactionReference",
    "s10TransactionReference",
    "merchantId",
    "amount",
    "currencyCode",
)


def _echo_mismatches(request: Mapping[str, Any], raw: Mapping[str, Any]) -> list[str]:
    found = []
    for name in _ECHOED:
        sent, answered = request.get(name), raw.get(name)
        if sent in (None, "", {}) or answered in (None, "", {}):
            continue
        if _echo_text(sent) != _echo_text(answered):
            found.append(name)
    return found


def _echo_text(value: Any) -> Any:
    """A value as compared: text and whole numbers alike ("2500" == 2500), containers by their
    members."""
    if type(value) is str:
        return value
    if isinstance(value, Mapping):
        return {k: _echo_text(v) for k, v in value.items() if v not in (None, "")}
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(reveal(value))


def _code(raw: Mapping[str, Any]) -> str:
    return str(raw.get("responseCode", raw.get("walletResponseCode", "?")))[:4]


def _check_transport(transport: object, methods: tuple[str, ...]) -> None:
    """A transport object (not its class) with a ``protocol`` and the client's ``methods``."""
    a_class = isinstance(transport, type)
    missing = [name for name in methods if not callable(getattr(transport, name, None))]
    if a_class or missing or not isinstance(getattr(transport, "protocol", None), str):
        given = transport.__name__ if isinstance(transport, type) else type(transport).__name__
        raise ConfigurationError(
            f"transport must be a transport object with a protocol and {'() and '.join(methods)}() "
            f"(sogenactif.MockTransport(handler), for instance), not {given}"
            + (" (a class: pass an instance)" if a_class else "")
        )


def _base_url(environment: str, dictionary: DataDictionary) -> str:
    hosts = dict(dictionary.environments)
    if environment in hosts:
        return hosts[environment]
    if isinstance(environment, str) and "@" in environment.partition("?")[0]:
        # A user and password in the URL: neither sent alike by both clients (httpx sends
        # them, urllib3 does not) nor to be shown in every error message. Not echoed.
        raise ConfigurationError(
            "environment: a base URL without a user or password (the Office Server "
            "authenticates requests by their seal; a gateway's credentials go in its own "
            "settings)"
        )
    if isinstance(environment, str) and _URL.fullmatch(environment) and is_http_url(environment):
        return environment.rstrip("/")
    raise ConfigurationError(
        f"environment must be one of {', '.join(hosts)} or a base URL such as "
        f"http://127.0.0.1:8080, not {environment!r}"
    )


# A namespace URI or an endpoint path: no space, quote or markup character.
_SOAP_SETTING = {
    "soap_namespaces": re.compile(r"[^\s\"'<>&]+"),
    "soap_paths": re.compile(r"/[^\s?#]*"),
}


def _soap_overrides(
    option: str, given: Mapping[str, str] | None, dictionary: DataDictionary
) -> dict[str, str]:
    """``soap_namespaces`` or ``soap_paths`` by service (its REST path segment, e.g.
    ``cashManagement``, or the client's attribute, ``cash_management``), checked."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise ConfigurationError(f"{option} must be a mapping of service to text")
    by_attribute = {s.attribute: name for name, s in dictionary.services.items()}
    pattern = _SOAP_SETTING[option]
    checked: dict[str, str] = {}
    for key, value in given.items():
        name = key if key in dictionary.services else by_attribute.get(key)
        if name is None:
            raise ConfigurationError(
                f"{option}: no service {key!r} (services: {', '.join(dictionary.services)})"
            )
        what = "a namespace URI" if option == "soap_namespaces" else "a path starting with /"
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ConfigurationError(f"{option}[{key!r}] must be {what}, not {value!r}")
        checked[name] = value
    return checked


def _check_envelope_setting(
    option: str, name: str, value: object, dictionary: DataDictionary
) -> None:
    """A setting the client sends as envelope field ``name``: text of the dictionary's format
    (else it would be refused by the platform, or, with a control character, break SOAP)."""
    fmt = dictionary.envelope_formats.get(name)
    if not isinstance(value, str) or (fmt is not None and not fits_format(fmt, value)):
        shape = f"{format_meaning(fmt)} ({fmt})" if fmt is not None else "text"
        raise ConfigurationError(f"{option} must be {shape}: the {name} of every request")


_PROXY_KEYS = ("http", "https", "all")


def _proxies(proxies: Mapping[str, str | None] | None) -> dict[str, str] | None:
    """``proxies`` checked: by the scheme of the URLs they serve, each an http:// or https://
    proxy URL with a host (None or "": none for that scheme). A key requests would read per host
    ("https://host") is refused rather than ignored: the calls would go out without the proxy."""
    if proxies is None:
        return None
    if not isinstance(proxies, Mapping):
        raise ConfigurationError("proxies must be a mapping of 'http', 'https' or 'all' to a URL")
    checked: dict[str, str] = {}
    for key, url in proxies.items():
        if key not in _PROXY_KEYS:
            raise ConfigurationError(
                f"proxies: {key!r} is not 'http', 'https' or 'all' (the scheme of the URLs the "
                "proxy serves)"
            )
        if url is None or url == "":
            continue
        if not is_http_url(url):
            # The URL itself is not shown: it may hold the proxy's password.
            raise ConfigurationError(
                f"proxies[{key!r}] must be an http:// or https:// proxy URL with a host"
            )
        checked[key] = url
    return checked


def _verify(verify: bool | str | os.PathLike[str]) -> bool | str:
    """True, False or the path of a CA bundle (a file) or directory, which exists."""
    if isinstance(verify, bool):
        return verify
    if isinstance(verify, os.PathLike):
        verify = os.fspath(verify)
    if not isinstance(verify, str) or not verify:
        raise ConfigurationError("verify must be True, False or the path of a CA bundle")
    if not os.path.exists(verify):
        raise ConfigurationError(f"verify: no CA bundle at {verify!r}")
    return verify


def _cert(
    cert: str | os.PathLike[str] | tuple[str | os.PathLike[str], str | os.PathLike[str]] | None,
) -> str | tuple[str, str] | None:
    """None, the path of a client certificate (with its key), or (certificate, key) paths."""
    if cert is None:
        return None
    paths = cert if isinstance(cert, tuple) else (cert,)
    if (isinstance(cert, tuple) and len(cert) != 2) or not all(
        isinstance(p, (str, os.PathLike)) and os.fspath(p) for p in paths
    ):
        raise ConfigurationError(
            "cert must be the path of a client certificate, or a (certificate, key) pair of paths"
        )
    names = tuple(os.fspath(p) for p in paths)
    for name in names:
        if not os.path.isfile(name):
            raise ConfigurationError(f"cert: no file at {name!r}")
    return (names[0], names[1]) if len(names) == 2 else names[0]


# A call waits at most this long (every wait of the platform's clocks and sockets holds it; a
# payment call that waits longer is a bug, and "no timeout" is not offered).
MAX_TIMEOUT = 86_400


def _timeouts(timeout: float | tuple[float, float], connect: float | None) -> Timeouts:
    """``timeout`` seconds for the whole call (every attempt and wait of a retry policy
    included), each connection and read waiting at most that; or, as requests takes it, a
    ``(connect, read)`` pair, the whole call then bounded by their sum."""
    if isinstance(timeout, tuple):
        if len(timeout) != 2:
            raise ConfigurationError(
                "timeout must be a number of seconds or a (connect, read) pair"
            )
        connect_s, read_s = timeout
        read_s = _seconds("timeout", read_s)
        connect_s = _seconds("connect timeout", connect_s)
    else:
        read_s = _seconds("timeout", timeout)
        connect_s = min(10.0, read_s) if connect is None else _seconds("connect timeout", connect)
    total = read_s + connect_s if isinstance(timeout, tuple) else read_s
    return Timeouts(connect=connect_s, read=read_s, total=total)


def _seconds(name: str, value: object) -> float:
    """A timeout given in seconds, checked (NaN and infinity refused too)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value <= MAX_TIMEOUT
    ):
        raise ConfigurationError(
            f"{name} must be a positive number of seconds, at most {MAX_TIMEOUT:,} (a day)"
        )
    return float(value)
