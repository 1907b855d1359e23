"""The sync client: sends each call through its transport, and again as the retry policy allows.

What it sends and what it trusts of the answer is :class:`~sogenactif_core._client_core.ClientCore`'s;
the decisions after each attempt are ``_attempts``'s.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ._attempts import Attempts, Done
from ._base import RequestModel
from ._client_core import ClientCore, ResponseT
from ._errors import ConfigurationError, SogenactifError
from ._http import DEFAULT_MAX_RESPONSE_BYTES
from ._http_transport import HttpTransport
from ._masked import Masked
from ._metadata import FunctionSpec
from ._redact import mask_fields, redact
from ._retry import RetryPolicy
from ._transport import Transport

if TYPE_CHECKING:
    import requests

logger = logging.getLogger("sogenactif")


class BaseClient(ClientCore):
    """A client that sends through a (sync) transport: by default the client's own connection
    pool (``PoolSender``), or a ``requests.Session`` of the caller's (``session=``), or any
    :class:`~sogenactif.Transport` (``transport=``, e.g. a :class:`~sogenactif.MockTransport`)."""

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
        transport: Transport | None = None,
    ) -> None:
        secret = Masked(secret_key, "secret")  # never in clear in this frame
        del secret_key
        if session is not None and (proxies is not None or verify is not True or cert is not None):
            raise ConfigurationError(
                "proxies, verify and cert configure the client's own connections: with a "
                "session of your own, set them on the session"
            )
        super().__init__(
            merchant_id,
            secret,
            key_version,
            environment,
            protocol,
            timeout,
            connect_timeout=connect_timeout,
            seal_algorithm=seal_algorithm,
            intermediate_service_provider_id=intermediate_service_provider_id,
            require_response_seal=require_response_seal,
            accept_unsigned_test_responses=accept_unsigned_test_responses,
            max_response_bytes=max_response_bytes,
            retry=retry,
            interface_version=interface_version,
            proxies=proxies,
            verify=verify,
            cert=cert,
            trust_env=trust_env,
            soap_namespaces=soap_namespaces,
            soap_paths=soap_paths,
        )
        self.transport = transport if transport is not None else self._new_transport(session)

    def _new_transport(self, session: requests.Session | None) -> Transport:
        options = self.connection_options
        sender: Any
        if session is not None:
            from ._http_session import SessionSender

            sender = SessionSender(
                session, self.timeouts, max_response_bytes=options.max_response_bytes
            )
        else:
            from ._http_pool import PoolSender

            sender = PoolSender(
                self.timeouts,
                max_response_bytes=options.max_response_bytes,
                proxies=options.proxies,
                verify=options.verify,
                cert=options.cert,
                trust_env=options.trust_env,
            )
        return HttpTransport(
            self.base_url, self._codec(self.protocol), sender, headers=self.headers
        )

    def close(self) -> None:
        """Close the connections of the transport's pool."""
        self.transport.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        call = self._build(fn, request, keywords, unexpected, self._deadline())
        transport = self.transport
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug(
                "%s %s request %s", transport.protocol, fn.qualified_name, redact(call.wire_fields)
            )
        attempts = Attempts(fn, call, self.retry, call.deadline, transport.protocol)
        while True:
            try:
                # Card data in the answer (tokens, card numbers) is held masked from here on.
                raw = mask_fields(transport.send(call))
                if debug:
                    logger.debug(
                        "%s %s response %s", transport.protocol, fn.qualified_name, redact(raw)
                    )
                response = self._response(fn, call, raw)
            except SogenactifError as exc:
                step = attempts.after_error(exc)
            else:
                step = attempts.after_answer(raw, response)
            if isinstance(step, Done):
                return step.response
            assert self.retry is not None
            self.retry.sleep(step)


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
