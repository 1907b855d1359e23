"""The async client: the sync client's settings, request and answer handling, awaited.

What it sends and what it trusts of the answer is :class:`~sogenactif_core._client_core.ClientCore`'s
(the same code as the sync client's: checks, seal, SOAP writer and reader, unsigned-answer policy,
echoes, masking), and so are the decisions after each attempt (``_attempts``). Only sending and
waiting differ: an :class:`~sogenactif_core._http_async.HttpxSender` (httpx, pooled) and
``asyncio.sleep``. The call's deadline is an ``asyncio`` timeout over the whole call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Literal, Protocol

from ._attempts import Attempts, Done
from ._base import RequestModel
from ._client_core import ClientCore, ResponseT
from ._errors import ConfigurationError, SogenactifError
from ._http import DEFAULT_MAX_RESPONSE_BYTES
from ._masked import Masked
from ._metadata import FunctionSpec
from ._redact import mask_fields, redact
from ._retry import RetryPolicy
from ._transport import WireCall

logger = logging.getLogger("sogenactif")


class AsyncTransport(Protocol):
    """What the async client needs from a transport (``MockTransport`` is one too)."""

    protocol: str

    async def send_async(self, call: WireCall) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


class AsyncBaseClient(ClientCore):
    """A client whose calls are awaited. ``async with`` closes its connections."""

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
        transport: AsyncTransport | None = None,
    ) -> None:
        secret = Masked(secret_key, "secret")  # never in clear in this frame
        del secret_key
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
        self.transport: AsyncTransport = (
            transport if transport is not None else self._new_transport()
        )

    def _new_transport(self) -> AsyncTransport:
        try:
            from ._http_async import HttpxSender
        except ImportError:  # httpx is the "async" extra
            raise ConfigurationError(
                "sogenactif.AsyncClient sends over httpx: install it with "
                "`pip install 'sogenactif[async]'`"
            ) from None
        from ._http_transport import AsyncHttpTransport

        options = self.connection_options
        sender = HttpxSender(
            self.timeouts,
            self.base_url,
            max_response_bytes=options.max_response_bytes,
            proxies=options.proxies,
            verify=options.verify,
            cert=options.cert,
            trust_env=options.trust_env,
        )
        return AsyncHttpTransport(
            self.base_url, self._codec(self.protocol), sender, headers=self.headers
        )

    async def aclose(self) -> None:
        """Close the connections of the transport's pool."""
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncBaseClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        call = self._build(fn, request, keywords, unexpected, self._deadline())
        transport = self.transport
        name = fn.qualified_name
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s request %s", transport.protocol, name, redact(call.wire_fields))
        attempts = Attempts(fn, call, self.retry, call.deadline, transport.protocol)
        while True:
            try:
                # Card data in the answer (tokens, card numbers) is held masked from here on.
                raw = mask_fields(await transport.send_async(call))
                if debug:
                    logger.debug("%s %s response %s", transport.protocol, name, redact(raw))
                response = self._response(fn, call, raw)
            except SogenactifError as exc:
                step = attempts.after_error(exc)
            else:
                step = attempts.after_answer(raw, response)
            if isinstance(step, Done):
                return step.response
            assert self.retry is not None
            await self.retry.sleep_async(step)


class AsyncService:
    """Base of the generated async service classes: ``aclient.token``, ``aclient.checkout`` …"""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    async def _call(
        self,
        fn: FunctionSpec[Any, ResponseT],
        request: RequestModel | None,
        keywords: Mapping[str, Any],
        unexpected: Mapping[str, Any],
    ) -> ResponseT:
        return await self._client._call(fn, request, keywords, unexpected)
