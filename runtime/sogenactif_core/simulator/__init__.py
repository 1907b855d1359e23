"""The Office Server simulator's engine: REST/JSON and SOAP on 127.0.0.1, state in SQLite.

The generated package binds it to its dictionary as ``sogenactif.testing.Simulator`` (with its
pytest fixtures and ``python -m sogenactif.testing``), which integrators use.

It behaves like the platform for every function of the generated dictionary:

- the request seal is verified with the shop's key of the request's ``keyVersion`` and its
  ``sealAlgorithm``: a wrong seal is answered 34; an unknown merchantId 03 and an unknown key
  version 34, both **unsigned** (the platform has no key to seal with);
- the request is checked against the dictionary of the interfaceVersion it declares: 12 for a
  missing, unknown or too new field or a value outside a closed list (an open list's unknown
  values pass), 30 for a format error, with ``errorFieldName`` (details in ``_checks``);
  response fields newer than the declared version (``errorFieldName`` itself is a 2.21 field)
  are left out of the answer;
- payments, operations, wallets and tokens are kept in SQLite (in memory, or a file that
  survives restarts): test card numbers decide the authorisation (``_cards``); transactions move
  through TO_VALIDATE, TO_CAPTURE, CAPTURED, CANCELLED, CREDITED … and impossible operations get
  24, a reused transactionReference 94; 3-D Secure goes through a simulated ACS
  (:meth:`Simulator.pa_res`) and payment providers through a simulated redirection
  (``_behaviour``); :meth:`Simulator.advance_days` runs the remittances (captures);
- every response is sealed over its fields, in the dictionary's (unsorted) order;
- every request gets an answer and connections are bounded (``_server``): a request must
  arrive within ``request_timeout`` seconds (else 408), an idle keep-alive connection is closed
  after ``idle_timeout``, at most ``max_connections`` are served at once; a call costs the same
  whatever the number of stored transactions (``_store``).

It is controlled from Python (:meth:`Simulator.advance_days`, :meth:`Simulator.reset`,
:meth:`Simulator.transactions`, :meth:`Simulator.exchanges`), over HTTP (JSON endpoints under
``/_simulator/``), with :class:`SimulatorControl` for a simulator in another process, and from
the command line (``python -m sogenactif.testing advance-days 1``: ``_cli``). Its page, at ``/``,
shows the transactions and the recent exchanges, card data masked (``_page``).

The default shop is the public test shop of the Office Server JSON guide (merchantId
201040040170001, key version 1). Add shops with ``Simulator(shops=[Shop(...), ...])`` or
:meth:`Simulator.add_shop`. :class:`MockTransport` (no server at all) is re-exported here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar

from .._dictionary import DataDictionary
from .._transport import MockTransport, WireCall
from ._behaviour import BEHAVIOURS, not_available, pa_res
from ._cards import AUTHORISATION_CODES, TEST_PREFIXES
from ._control import SimulatorControl, SimulatorControlError
from ._exchanges import Exchange
from ._platform import Platform, Shop
from ._server import IDLE_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT, SimulatorServer
from ._store import Card, Operation, Store, Transaction

if TYPE_CHECKING:
    from .._client_core import ClientCore

ClientT = TypeVar("ClientT", bound="ClientCore")

__all__ = [
    "AUTHORISATION_CODES",
    "DEFAULT_KEY_VERSION",
    "DEFAULT_MERCHANT_ID",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_SHOP",
    "TEST_PREFIXES",
    "Card",
    "Exchange",
    "MockTransport",
    "Operation",
    "Shop",
    "Simulator",
    "SimulatorControl",
    "SimulatorControlError",
    "Transaction",
    "WireCall",
]

# The public test shop of the Office Server JSON guide ("Test and integration" section).
DEFAULT_MERCHANT_ID = "201040040170001"
DEFAULT_KEY_VERSION = 1
DEFAULT_SECRET_KEY = "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"  # noqa: S105 - published test key
DEFAULT_SHOP = Shop(DEFAULT_MERCHANT_ID, DEFAULT_SECRET_KEY, DEFAULT_KEY_VERSION)


class Simulator:
    """A simulated Office Server listening on ``host:port`` (a free port by default).

    ``with Simulator() as sim:`` starts it and stops it; so do :meth:`start` and :meth:`stop`.
    ``db`` is ``":memory:"`` (default) or a SQLite file kept across runs (one simulator per
    file). ``shops`` replaces the default test shop (the first one gives :attr:`merchant_id`,
    :attr:`secret_key`, :attr:`key_version`). ``request_timeout`` (10 s): the time a request
    has to arrive, from its first byte (408 after it); ``idle_timeout`` (60 s): how long a
    keep-alive connection waits for its next request; ``max_connections`` (64): connections
    served at once.
    """

    #: The dictionary the simulated platform serves (set by the generated subclass).
    _dictionary: ClassVar[DataDictionary]

    def __init__(
        self,
        *,
        shops: Iterable[Shop] | None = None,
        db: str | Path = ":memory:",
        host: str = "127.0.0.1",
        port: int = 0,
        request_timeout: float = REQUEST_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.shops: list[Shop] = list(shops) if shops is not None else [DEFAULT_SHOP]
        if not self.shops:
            raise ValueError("the simulator needs at least one shop")
        if not (request_timeout > 0 and idle_timeout > 0):
            raise ValueError("timeouts are positive numbers of seconds")
        if max_connections < 1:
            raise ValueError("max_connections is at least 1")
        self.host = host
        self.requested_port = port
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.store = Store(db)
        self.platform = Platform(
            self._dictionary, self.store, self.shops, BEHAVIOURS, not_available
        )
        self._server: SimulatorServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ life cycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._server = SimulatorServer(
            (self.host, self.requested_port),
            self.platform,
            request_timeout=self.request_timeout,
            idle_timeout=self.idle_timeout,
            max_connections=self.max_connections,
        )
        self.platform.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sogenactif-simulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "stopped"
        return f"<Simulator {where} shops={[s.merchant_id for s in self.shops]} db={self.store.path!r}>"

    # ------------------------------------------------------------------ where and who

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not started (use `with Simulator() as sim:`)")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: pass it as the client's ``environment``."""
        return f"http://{self.host}:{self.port}"

    @property
    def merchant_id(self) -> str:
        return self.shops[0].merchant_id

    @property
    def secret_key(self) -> str:
        return self.shops[0].secret_key

    @property
    def key_version(self) -> int:
        return self.shops[0].key_version

    def add_shop(self, merchant_id: str, secret_key: str, key_version: int = 1) -> Shop:
        """Add a shop, or another key version of a shop."""
        shop = Shop(merchant_id, secret_key, key_version)
        self.platform.add_shop(shop)
        self.shops.append(shop)
        return shop

    def _client(
        self,
        client_class: type[ClientT],
        protocol: Literal["rest", "soap"],
        shop: Shop | None,
        options: Mapping[str, Any],
    ) -> ClientT:
        """A client of ``shop`` (default: the first one) for this simulator; the generated
        subclass's ``client()`` passes its ``Client`` class."""
        chosen = shop or self.shops[0]
        return client_class(
            merchant_id=chosen.merchant_id,
            secret_key=chosen.secret_key,
            key_version=chosen.key_version,
            environment=self.base_url,
            protocol=protocol,
            **options,
        )

    # ------------------------------------------------------------------ the platform's state

    def advance_days(self, days: int = 1) -> int:
        """Move the simulated clock on and run the remittances of the days passed (captures,
        credits, expiries); returns how many transactions changed status."""
        return self.platform.advance_days(days)

    def reset(self) -> None:
        """Back to a fresh simulator: no transaction, wallet, token, pending payment or recent
        exchange, the clock on the real day. Shops and keys stay; so do the URL and the port."""
        self.platform.reset()

    def transaction(self, reference: str, merchant_id: str | None = None) -> Transaction | None:
        with self.store.atomic():
            return self.store.transaction(merchant_id or self.merchant_id, reference)

    def transactions(
        self, merchant_id: str | None = None, *, limit: int | None = None
    ) -> list[Transaction]:
        """Every transaction (of one shop, or of all; the ``limit`` most recent), oldest first."""
        with self.store.atomic():
            return self.store.transactions(merchant_id, limit)

    def exchanges(self) -> list[Exchange]:
        """The recent requests and answers (the last 50), newest first, card data masked."""
        return self.platform.exchanges.recent()

    def control(self) -> SimulatorControl:
        """A :class:`SimulatorControl` of this simulator, through its HTTP control interface."""
        return SimulatorControl(self.base_url)

    def operations(self, reference: str, merchant_id: str | None = None) -> list[Operation]:
        with self.store.atomic():
            return self.store.operations(merchant_id or self.merchant_id, reference)

    def pa_res(self, pa_req_message: str, authenticated: bool = True) -> str:
        """The PaRes the simulator's ACS returns for a cardCheckEnrollment's ``paReqMessage``:
        pass it to cardValidateAuthenticationAndOrder (``authenticated=False``: a failed
        authentication, refused with 05)."""
        return pa_res(pa_req_message, authenticated)

    @property
    def requests_served(self) -> int:
        return self.platform.served
