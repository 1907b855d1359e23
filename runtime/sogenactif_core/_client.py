"""The call path shared by every generated function.

request model or keywords -> checked against the dictionary -> wire text -> envelope and seal ->
transport -> response seal verified on the raw response -> response model; sent again only as an
opt-in :class:`~sogenactif.RetryPolicy` allows.

Nothing secret leaves this module in clear: the ``sogenactif`` logger at DEBUG shows requests and
responses masked (``_redact``), errors name fields and never values, and the errors raised here
carry no chained exception that could hold the rejected input.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import ValidationError

from ._base import RequestModel, ResponseModel
from ._dictionary import DataDictionary
from ._errors import (
    ConfigurationError,
    RequestValidationError,
    ResponseValidationError,
    SealMismatchError,
    SogenactifError,
    UnsignedResponseError,
)
from ._http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts
from ._http_transport import HttpTransport
from ._metadata import FunctionSpec
from ._redact import redact
from ._retry import RetryPolicy
from ._transport import Transport, WireCall
from ._wire import (
    encode_keywords,
    encode_request,
    loose_integer_problems,
    request_problems_from_pydantic,
    seal_request,
    unknown_field_message,
)
from .seal import ALGORITHMS, verify_seal

if TYPE_CHECKING:
    import requests

logger = logging.getLogger("sogenactif")

ResponseT = TypeVar("ResponseT", bound=ResponseModel)

_MERCHANT_ID = re.compile(r"^[0-9]{15}$")
# Offered as requests offers them: the platform may compress its answers.
_HEADERS = {"Accept-Encoding": "gzip, deflate"}
_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")


class Secret:
    """A secret key that never shows in reprs, ``vars()`` dumps, logs or tracebacks' locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a secret key is not picklable")


class BaseClient:
    """Holds the merchant's credentials and the transport; the generated ``Client`` adds one
    attribute per service and hands over its :class:`DataDictionary`."""

    _dictionary: ClassVar[DataDictionary]

    def __init__(
        self,
        merchant_id: str,
        secret_key: str,
        key_version: int = 1,
        environment: str = "test",
        protocol: Literal["rest", "soap"] = "rest",
        timeout: float | tuple[float, float] = 30.0,
        *,
        connect_timeout: float | None = None,
        seal_algorithm: str | None = None,
        intermediate_service_provider_id: str | None = None,
        require_response_seal: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryPolicy | None = None,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        trust_env: bool = True,
        session: requests.Session | None = None,
        transport: Transport | None = None,
        soap_namespaces: Mapping[str, str] | None = None,
        soap_paths: Mapping[str, str] | None = None,
    ) -> None:
        dictionary = self._dictionary
        # SOAP settings the dictionary may have wrong (its namespaces rest on little evidence).
        self._soap_namespaces = _soap_overrides("soap_namespaces", soap_namespaces, dictionary)
        self._soap_paths = _soap_overrides("soap_paths", soap_paths, dictionary)
        if seal_algorithm is None:
            seal_algorithm = dictionary.default_seal_algorithm
        if not isinstance(merchant_id, str) or not _MERCHANT_ID.fullmatch(merchant_id):
            raise ConfigurationError("merchant_id must be the shop's 15-digit identifier (N15)")
        if not isinstance(secret_key, str) or not secret_key:
            raise ConfigurationError("secret_key must be the shop's (non-empty) secret key")
        if (
            isinstance(key_version, bool)
            or not isinstance(key_version, int)
            or not (0 < key_version < 10**10)
        ):
            raise ConfigurationError("key_version must be a positive whole number (N10)")
        if seal_algorithm not in ALGORITHMS:
            raise ConfigurationError(
                f"seal_algorithm {seal_algorithm!r} is not one of {', '.join(ALGORITHMS)}"
            )
        if protocol not in ("rest", "soap"):
            raise ConfigurationError(f"protocol must be 'rest' or 'soap', not {protocol!r}")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError("retry must be a sogenactif.RetryPolicy or None (no retries)")
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
        self.merchant_id = merchant_id
        self.key_version = key_version
        self.environment = environment
        self.protocol = protocol
        self.seal_algorithm = seal_algorithm
        self.intermediate_service_provider_id = intermediate_service_provider_id
        self.require_response_seal = require_response_seal
        self.retry = retry
        self.interface_version = dictionary.interface_version
        self.base_url = _base_url(environment, dictionary)
        self.timeouts = _timeouts(timeout, connect_timeout)
        self._secret_key = Secret(secret_key)
        if transport is None:
            sender: Any
            if session is not None:
                from ._http_session import SessionSender

                sender = SessionSender(
                    session, self.timeouts, max_response_bytes=max_response_bytes
                )
            else:
                from ._http_pool import PoolSender

                sender = PoolSender(
                    self.timeouts,
                    max_response_bytes=max_response_bytes,
                    proxies=proxies,
                    verify=verify,
                    cert=cert,
                    trust_env=trust_env,
                )
            headers = {**_HEADERS, "User-Agent": self.user_agent}
            transport = HttpTransport(self.base_url, self._codec(protocol), sender, headers=headers)
        self.transport = transport

    @property
    def user_agent(self) -> str:
        """``sogenactif/<package version> (interface <version>; python <version>)``."""
        dictionary = self._dictionary
        python = ".".join(str(n) for n in sys.version_info[:3])
        return (
            f"sogenactif/{dictionary.package_version or '0'} "
            f"(interface {self.interface_version}; python {python})"
        )

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

    def close(self) -> None:
        """Close the connections of the transport's pool."""
        self.transport.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
        if unexpected:
            raise RequestValidationError(
                fn.qualified_name,
                [(fn.keywords.get(n, n), unknown_field_message(fn, n)) for n in sorted(unexpected)],
            )
        given = {name: value for name, value in keywords.items() if value is not None}
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
            fields = encode_request(fn, request)
        else:
            # Plain values need no model (issue 7: the fast path); anything else, and every
            # problem, goes through the model, which decides and explains.
            plain = encode_keywords(fn, given)
            fields = plain if plain is not None else encode_request(fn, _request_model(fn, given))
        sealed = seal_request(
            fn, fields, self._envelope(fn), self._secret_key.reveal(), self.seal_algorithm
        )
        return WireCall(
            service=fn.service, function=fn.name, fields=sealed, spec=fn, deadline=deadline
        )

    def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        total = self.timeouts.total
        deadline = time.monotonic() + total if total is not None else None
        call = self._build(fn, request, keywords, unexpected, deadline)
        name = fn.qualified_name
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s request %s", self.transport.protocol, name, redact(call.fields))
        policy = self.retry
        earlier: ResponseT | None = None  # a 90/99 answer to an earlier attempt
        attempt = 1
        while True:
            try:
                raw = self.transport.send(call)
                if debug:
                    logger.debug("%s %s response %s", self.transport.protocol, name, redact(raw))
                response = self._response(fn, raw)
            except SogenactifError as exc:
                exc.attempts = attempt
                # Library exceptions behind a typed error hold the request or the response (card
                # data, tokens): never chained, never kept as context, whatever the transport.
                exc.__cause__ = exc.__context__ = None
                if debug:
                    logger.debug(
                        "%s %s attempt %d: %s", self.transport.protocol, name, attempt, exc
                    )
                reason = None
                if policy is not None and attempt < policy.max_attempts:
                    reason = policy.retry_after_error(fn, call, exc)
                delay = _delay(policy, attempt, deadline) if reason is not None else None
                if delay is None:
                    if earlier is not None and not exc.may_have_reached_server:
                        return earlier  # the platform's own answer; this attempt sent nothing
                    if earlier is not None:
                        exc.add_note(
                            f"An earlier attempt of this call was answered responseCode "
                            f"{_code(earlier.raw)}; this attempt's outcome is unknown."
                        )
                    raise
            else:
                if earlier is not None and policy is not None:
                    if policy.is_duplicate_refusal(fn, raw):
                        logger.warning(
                            "%s: the resend was refused as a duplicate (responseCode %s): the "
                            "platform recorded attempt 1; returning its answer (%s)",
                            name,
                            _code(raw),
                            _code(earlier.raw),
                        )
                        return earlier
                reason = None
                if policy is not None and attempt < policy.max_attempts:
                    reason = policy.retry_after_response(fn, call, raw)
                delay = _delay(policy, attempt, deadline) if reason is not None else None
                if delay is None:
                    return response
                earlier = response
            assert policy is not None
            logger.warning(
                "%s: attempt %d of %d: %s; sending it again in %.2f s",
                name,
                attempt,
                policy.max_attempts,
                reason,
                delay,
            )
            policy.sleep(delay)
            attempt += 1

    def _response(self, fn: FunctionSpec[Any, ResponseT], raw: dict[str, Any]) -> ResponseT:
        """Verify the seal over the raw response, then build the model."""
        sealed = "seal" in raw
        if sealed:
            try:
                matches = verify_seal(raw, self._secret_key.reveal(), self.seal_algorithm)
                reason = ""
            except (TypeError, ValueError):
                # A value the seal rules cannot turn into text (a JSON float …).
                matches = False
                reason = "the response seal cannot be verified (a value is not text)"
            if not matches:
                logger.error(
                    "%s: response seal mismatch; transaction status unknown", fn.qualified_name
                )
                raise SealMismatchError(fn.qualified_name, raw=raw, reason=reason)
        elif self.require_response_seal:
            raise UnsignedResponseError(
                f"{fn.qualified_name}: the response carries no seal (responseCode "
                f"{raw.get('responseCode', raw.get('walletResponseCode', '?'))!s:.4}); this "
                "client requires sealed responses.",
                raw=raw,
            )
        else:
            logger.warning(
                "%s: unsigned response (responseCode %s): the platform could not seal it",
                fn.qualified_name,
                str(raw.get("responseCode", raw.get("walletResponseCode", "?")))[:4],
            )
        fields: list[str] = []
        try:
            response = fn.response_model.model_validate(raw)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        if fields:
            raise ResponseValidationError(
                f"{fn.qualified_name}: the response does not fit its model (fields: "
                f"{', '.join(fields)}). The operation may have been performed: see the "
                "exception's .raw and check the transaction status.",
                raw=raw,
            )
        response._raw = raw
        response._sealed = sealed
        return response


def _request_model(fn: FunctionSpec[Any, Any], given: Mapping[str, Any]) -> RequestModel:
    """The request model of a keyword call, or :class:`RequestValidationError`."""
    problems = loose_integer_problems(fn, given)
    if problems:
        raise RequestValidationError(fn.qualified_name, problems)
    try:
        model: RequestModel = fn.request_model.model_validate(given)
    except ValidationError as exc:
        problems = request_problems_from_pydantic(exc, fn)
    if problems:
        # Raised outside the except block: the Pydantic error, which holds the rejected values,
        # is neither chained nor kept as __context__.
        raise RequestValidationError(fn.qualified_name, problems)
    return model


class Service:
    """Base of the generated service classes: ``client.token``, ``client.checkout`` …"""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        return self._client._call(fn, request, keywords, unexpected)


def _delay(policy: RetryPolicy | None, attempt: int, deadline: float | None) -> float | None:
    """How long to wait before the next attempt, or None when the call's deadline would pass
    before that attempt could even start: the deadline bounds the waits and the resends too."""
    assert policy is not None
    delay = policy.delay(attempt)
    if deadline is not None and time.monotonic() + delay >= deadline:
        logger.warning("no time left for another attempt within the call's timeout")
        return None
    return delay


def _code(raw: Mapping[str, Any]) -> str:
    return str(raw.get("responseCode", raw.get("walletResponseCode", "?")))[:4]


def _base_url(environment: str, dictionary: DataDictionary) -> str:
    hosts = dict(dictionary.environments)
    if environment in hosts:
        return hosts[environment]
    if isinstance(environment, str) and _URL.fullmatch(environment):
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


def _timeouts(timeout: float | tuple[float, float], connect: float | None) -> Timeouts:
    """``timeout`` seconds for the whole call (every attempt and wait of a retry policy
    included), each connection and read waiting at most that; or, as requests takes it, a
    ``(connect, read)`` pair, the whole call then bounded by their sum."""
    if isinstance(timeout, tuple):
        connect_s, read_s = timeout
    else:
        read_s = timeout
        connect_s = connect if connect is not None else min(10.0, float(timeout))
    for name, value in (("connect timeout", connect_s), ("timeout", read_s)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigurationError(f"{name} must be a positive number of seconds")
    total = float(read_s) + float(connect_s) if isinstance(timeout, tuple) else float(read_s)
    return Timeouts(connect=float(connect_s), read=float(read_s), total=total)
