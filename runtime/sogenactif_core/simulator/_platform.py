"""The simulated platform, independent of HTTP: one decoded request in, the response fields out.

For each request, in this order (the first failure answers):

1. ``merchantId``: missing 12, malformed 30, unknown shop **03** (invalid merchant contract);
   ``keyVersion``: missing 12, malformed 30, not a key version of that shop **34**. These
   answers are **unsigned**: without a known key the platform cannot seal (fact sheet 3.4).
2. ``sealAlgorithm`` not one of HMAC-SHA-256, HMAC-SHA-512, SHA-256: 12; ``seal`` missing: 12;
   a value that cannot be sealed (a fraction, null in a list …): 30; wrong seal: **34**.
   From here on every response is sealed with the shop's key and the request's algorithm.
3. ``interfaceVersion``: missing 12, not ``<PREFIX>_<version>`` 30, a prefix that is not the
   service's (``IR_WS_`` for checkout …) 12, a version older than 2.0 or newer than the
   simulated platform's 12. ``intermediateServiceProviderId``: newer than the declared version
   for the function 12, not text of its format (ANS20) 30.
4. The function's fields against the dictionary of the declared version (see ``_checks``).
5. The function's behaviour (see ``_behaviour``), against the SQLite state.

Responses carry the function's response fields in the dictionary's order (the order of the
generated response model and of the WSDL; not sorted), the seal last, computed over those fields.
"""

from __future__ import annotations

import re
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from .._dictionary import DataDictionary
from .._metadata import FunctionSpec
from ..seal import ALGORITHMS, DEFAULT_ALGORITHM, compute_seal, verify_seal
from ._checks import (
    Refusal,
    Version,
    absent,
    check_envelope,
    check_request,
    check_structure,
    split_interface_version,
    version,
)
from ._exchanges import Exchanges
from ._store import Store

_MERCHANT_ID = re.compile(r"^[0-9]{15}$")
_KEY_VERSION = re.compile(r"^[0-9]{1,10}$")
_LOWEST_VERSION: Version = (2, 0)
MAX_DAYS = 36_500  # what advance_days takes at once (a hundred years)
# The values of redirectionStatusCode a refusal can take (spec/enums/redirectionStatusCode.yaml).
_REDIRECTION_CODES = frozenset({"03", "12", "30", "34", "94", "99"})


@dataclass(frozen=True)
class Shop:
    """A shop of the simulator: its merchantId and one of its secret keys with its version.

    A shop with several keys is given once per key version.
    """

    merchant_id: str
    secret_key: str
    key_version: int = 1

    def __repr__(self) -> str:
        return f"Shop(merchant_id={self.merchant_id!r}, key_version={self.key_version}, secret_key=<hidden>)"


# A response field: its wire name, its kind (string, integer, boolean, container, list) and, for
# a container or a list of containers, the layout of its members.
@dataclass(frozen=True)
class Slot:
    name: str
    kind: str
    members: tuple[Slot, ...] | None = None
    item_kind: str = "string"


@dataclass(frozen=True)
class Entry:
    """One function the simulator serves."""

    fn: FunctionSpec[Any, Any]
    response: tuple[Slot, ...]
    code_field: str  # responseCode, or walletResponseCode for the wallet functions

    @property
    def response_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.response)


def _slots(model: type[BaseModel]) -> tuple[Slot, ...]:
    slots = []
    for name, info in model.model_fields.items():
        wire = info.alias or name
        slots.append(_slot(wire, info.annotation))
    return tuple(slots)


def _strip_optional(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _slot(wire: str, annotation: Any) -> Slot:
    target = _strip_optional(annotation)
    if typing.get_origin(target) is list:
        (item,) = typing.get_args(target) or (str,)
        item = _strip_optional(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Slot(wire, "list", _slots(item), "container")
        return Slot(wire, "list", None, _scalar_kind(item))
    if isinstance(target, type) and issubclass(target, BaseModel):
        return Slot(wire, "container", _slots(target))
    return Slot(wire, _scalar_kind(target))


def _scalar_kind(annotation: Any) -> str:
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "integer"
    return "string"


def catalogue(dictionary: DataDictionary) -> dict[tuple[str, str], Entry]:
    """Every function of the dictionary, keyed by (REST path segment, function name)."""
    entries: dict[tuple[str, str], Entry] = {}
    for key, fn in dictionary.functions().items():
        response = _slots(fn.response_model)
        names = {s.name for s in response}
        code = "responseCode"
        if "responseCode" not in names and "walletResponseCode" in names:
            code = "walletResponseCode"
        entries[key] = Entry(fn, response, code)
    return entries


@dataclass
class Call:
    """One request that passed the envelope, seal and dictionary checks."""

    entry: Entry
    shop: Shop
    fields: dict[str, Any]
    declared_version: str
    now: datetime
    store: Store
    platform: Platform

    @property
    def merchant_id(self) -> str:
        return self.shop.merchant_id

    @property
    def function(self) -> str:
        return self.entry.fn.name

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def timestamp(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def has(self, name: str) -> bool:
        """True when the request carries ``name`` and the function's dictionary knows it."""
        return not absent(self.fields.get(name))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.fields.get(name)
        if absent(value):
            if required:
                raise Refusal("12", name)
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int)):
            return str(value)
        raise Refusal("30", name)

    def required(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        text = self.text(name, required=required)
        if text is None:
            return None
        if not text.isdigit():
            raise Refusal("30", name)
        return int(text)

    def container(self, name: str) -> Mapping[str, Any]:
        value = self.fields.get(name)
        return value if isinstance(value, Mapping) else {}

    def items(self, name: str) -> list[Any]:
        value = self.fields.get(name)
        return value if isinstance(value, list) else []


Behaviour = Callable[[Call], dict[str, Any]]


class Platform:
    """Shops, functions, state and clock of one simulated Office Server."""

    def __init__(
        self,
        dictionary: DataDictionary,
        store: Store,
        shops: Iterable[Shop],
        behaviours: Mapping[tuple[str, str], Behaviour],
        fallback: Behaviour,
    ) -> None:
        self.dictionary = dictionary
        self.store = store
        self.entries = catalogue(dictionary)
        self.prefixes = {name: s.interface_prefix for name, s in dictionary.services.items()}
        self.highest_version: Version = max(version(v) for v in dictionary.interface_versions)
        self.behaviours = dict(behaviours)
        self.fallback = fallback
        self._keys: dict[str, dict[int, str]] = {}
        self._keys_lock = threading.Lock()
        self._served_lock = threading.Lock()
        self.served = 0
        # The last requests and answers, masked, timed on the simulated clock (the page shows them).
        self.exchanges = Exchanges(clock=self.now)
        self.base_url = ""  # where the simulator listens, for the redirection URLs it hands out
        self.default_merchant_id = ""  # the first shop's
        for shop in shops:
            self.add_shop(shop)

    # ------------------------------------------------------------------ shops and clock

    def add_shop(self, shop: Shop) -> None:
        if not _MERCHANT_ID.match(shop.merchant_id):
            raise ValueError("a shop's merchant_id is 15 digits (N15)")
        if not shop.secret_key:
            raise ValueError("a shop needs a secret key")
        if isinstance(shop.key_version, bool) or not 0 < shop.key_version < 10**10:
            raise ValueError("a key version is a positive whole number (N10)")
        with self._keys_lock:
            keys = dict(self._keys.get(shop.merchant_id, {}))
            keys[shop.key_version] = shop.secret_key
            self._keys[shop.merchant_id] = keys
            if not self.default_merchant_id:
                self.default_merchant_id = shop.merchant_id

    def key_versions(self) -> dict[str, list[int]]:
        """Every shop's merchantId with its key versions (never the keys)."""
        with self._keys_lock:
            return {merchant: sorted(keys) for merchant, keys in self._keys.items()}

    def key(self, merchant_id: str, key_version: int) -> str | None:
        return self._keys.get(merchant_id, {}).get(key_version)

    def now(self) -> datetime:
        """The simulated clock: the real time, moved by the days :meth:`advance_days` added."""
        return datetime.now(UTC).replace(microsecond=0) + timedelta(days=self.store.day_offset())

    def advance_days(self, days: int = 1) -> int:
        """Move the clock ``days`` days on and run the remittances of the days passed: returns
        how many transactions changed status (captured, credited or expired)."""
        if days < 0:
            raise ValueError("the clock only goes forward")
        if days > MAX_DAYS:
            raise ValueError(f"the clock moves at most {MAX_DAYS} days at a time")
        with self.store.atomic():
            self.store.add_days(days)
            now = self.now()
            return self.store.settle(now.date(), now.isoformat(timespec="seconds"))

    def reset(self) -> None:
        """Back to a fresh platform: no transaction, wallet, token or pending payment, the real
        day, no recent exchange, no request served. Shops and their keys stay."""
        self.store.reset()
        self.exchanges.clear()
        with self._served_lock:
            self.served = 0

    # ------------------------------------------------------------------ requests

    def handle(self, service: str, function: str, fields: dict[str, Any]) -> dict[str, Any]:
        """The response fields, in order, sealed when the shop's key is known."""
        entry = self.entries[(service, function)]
        with self._served_lock:
            self.served += 1
        declared = self._declared_or_none(entry, fields)
        try:
            shop = self._shop(fields)
        except Refusal as refusal:
            return self._answer(
                entry, self._refusal(entry, refusal), None, DEFAULT_ALGORITHM, declared
            )
        algorithm = fields.get("sealAlgorithm") or DEFAULT_ALGORITHM
        if algorithm not in ALGORITHMS:
            return self._answer(
                entry,
                self._refusal(entry, Refusal("12", "sealAlgorithm")),
                shop,
                DEFAULT_ALGORITHM,
                declared,
            )
        assert isinstance(algorithm, str)
        try:
            values = self._perform(entry, shop, fields, algorithm)
        except Refusal as refusal:
            values = self._refusal(entry, refusal)
        return self._answer(entry, values, shop, algorithm, declared)

    def _shop(self, fields: Mapping[str, Any]) -> Shop:
        merchant_id = fields.get("merchantId")
        if absent(merchant_id):
            raise Refusal("12", "merchantId")
        if not isinstance(merchant_id, str) or not _MERCHANT_ID.match(merchant_id):
            raise Refusal("30", "merchantId")
        if merchant_id not in self._keys:
            raise Refusal("03")
        key_version = fields.get("keyVersion")
        if absent(key_version):
            raise Refusal("12", "keyVersion")
        if isinstance(key_version, bool) or not isinstance(key_version, (str, int)):
            raise Refusal("30", "keyVersion")
        if not _KEY_VERSION.match(str(key_version)):
            raise Refusal("30", "keyVersion")
        secret = self.key(merchant_id, int(key_version))
        if secret is None:
            raise Refusal("34")
        return Shop(merchant_id, secret, int(key_version))

    def _perform(
        self, entry: Entry, shop: Shop, fields: dict[str, Any], algorithm: str
    ) -> dict[str, Any]:
        if absent(fields.get("seal")):
            raise Refusal("12", "seal")
        check_structure(fields, "")
        if not isinstance(fields["seal"], str) or not verify_seal(
            fields, shop.secret_key, algorithm
        ):
            raise Refusal("34")
        declared = self._declared_version(entry, fields.get("interfaceVersion"))
        check_envelope(fields, entry.fn, self.dictionary.envelope_formats, version(declared))
        check_request(fields, entry.fn, version(declared))
        behaviour = self.behaviours.get((entry.fn.service, entry.fn.name), self.fallback)
        with self.store.atomic():
            now = self.now()
            self.store.settle(now.date(), now.isoformat(timespec="seconds"))
            call = Call(entry, shop, fields, declared, now, self.store, self)
            return behaviour(call)

    def _declared_version(self, entry: Entry, value: Any) -> str:
        if absent(value):
            raise Refusal("12", "interfaceVersion")
        parts = split_interface_version(value) if isinstance(value, str) else None
        if parts is None:
            raise Refusal("30", "interfaceVersion")
        prefix, number = parts
        if prefix != self.prefixes[entry.fn.service]:
            raise Refusal("12", "interfaceVersion")
        if not _LOWEST_VERSION <= version(number) <= self.highest_version:
            raise Refusal("12", "interfaceVersion")
        return number

    def _declared_or_none(self, entry: Entry, fields: Mapping[str, Any]) -> Version | None:
        """The request's interface version when it can be read (it decides which response
        fields are sent), else None: every field of the response then."""
        try:
            return version(self._declared_version(entry, fields.get("interfaceVersion")))
        except Refusal:
            return None

    @staticmethod
    def _refusal(entry: Entry, refusal: Refusal) -> dict[str, Any]:
        values: dict[str, Any] = {entry.code_field: refusal.code}
        if refusal.field and refusal.code in ("12", "30"):
            values["errorFieldName"] = refusal.field
        if refusal.code in _REDIRECTION_CODES:
            # The initialisation functions also say it with their redirectionStatusCode.
            values["redirectionStatusCode"] = refusal.code
        return values

    def _answer(
        self,
        entry: Entry,
        values: Mapping[str, Any],
        shop: Shop | None,
        algorithm: str,
        declared: Version | None,
    ) -> dict[str, Any]:
        """The response in the dictionary's order, without the fields of interface versions
        later than ``declared`` (errorFieldName is a 2.21 field); sealed unless ``shop`` is None."""
        out = _arrange(entry.response, values)
        if declared is not None:
            for name, since in entry.fn.response_since.items():
                if version(since) > declared:
                    out.pop(name, None)
        code = entry.code_field
        if code not in out and code in values:
            out = {code: str(values[code]), **out}
        if shop is None:
            return out
        seal = compute_seal(out, shop.secret_key, algorithm)
        if any(s.name == "seal" for s in entry.response):
            ordered: dict[str, Any] = {}
            for slot in entry.response:
                if slot.name == "seal":
                    ordered["seal"] = seal
                elif slot.name in out:
                    ordered[slot.name] = out[slot.name]
            return ordered
        out["seal"] = seal
        return out


def _arrange(layout: Iterable[Slot], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` in the layout's order, typed as the layout says; unknown and empty ones left out."""
    out: dict[str, Any] = {}
    for slot in layout:
        if slot.name == "seal":
            continue
        value = values.get(slot.name)
        if absent(value):
            continue
        converted = _convert(slot, value)
        if not absent(converted):
            out[slot.name] = converted
    return out


def _convert(slot: Slot, value: Any) -> Any:
    if slot.kind == "container":
        if not isinstance(value, Mapping):
            return None
        return _arrange(slot.members or (), value)
    if slot.kind == "list":
        if not isinstance(value, list):
            return None
        if slot.item_kind == "container":
            return [_arrange(slot.members or (), v) for v in value if isinstance(v, Mapping)]
        return [_scalar(slot.item_kind, v) for v in value if not absent(v)]
    return _scalar(slot.kind, value)


def _scalar(kind: str, value: Any) -> Any:
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "integer" and isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
