"""Proxies and certificates, read as requests reads them: what both senders connect with.

- proxies: the ``proxies`` option (``{"https": "http://proxy:3128"}``), else ``HTTPS_PROXY`` /
  ``HTTP_PROXY`` / ``ALL_PROXY`` and ``NO_PROXY`` from the environment (``trust_env=True``);
- certificates: always verified unless ``verify=False``; the CA bundle is ``verify`` when it is a
  path, else ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE``, else the system's store when
  ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` is set, else certifi's bundle (requests' default);
  ``cert`` is a client certificate (a path, or ``(cert, key)``).
"""

from __future__ import annotations

import os
import ssl
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._errors import ConfigurationError
from ._http import is_http_url


def new_context(verify: bool) -> ssl.SSLContext:
    """A TLS client context with the settings urllib3 2 gives its own (``create_urllib3_context``),
    which requests users connect with: TLS 1.2 at least, no compression, no session tickets,
    HTTP/1.1 offered by ALPN; with ``verify``, certificates required and host names checked (never
    against a certificate's common name); without, neither. ``SSLKEYLOGFILE`` is honoured as
    urllib3 honours it (a debugging aid that writes the session keys to that file)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3 | ssl.OP_NO_COMPRESSION | ssl.OP_NO_TICKET
    if sys.version_info >= (3, 13):  # as Python 3.13's default context and urllib3 2.3+
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
    if getattr(context, "post_handshake_auth", None) is not None:
        context.post_handshake_auth = True
    if verify:
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.hostname_checks_common_name = False
    context.set_alpn_protocols(["http/1.1"])
    keylog = os.path.expandvars(os.environ.get("SSLKEYLOGFILE", ""))
    if keylog:
        context.keylog_filename = keylog
    return context


def tls_context(
    verify: bool | str, cert: str | tuple[str, str] | None, trust_env: bool
) -> ssl.SSLContext:
    """The TLS settings ``verify`` and ``cert`` stand for, read as requests reads them, as one
    context (``new_context``: certificates and host names verified unless ``verify=False``): what
    both senders connect with.

    Performance: a context that trusts certificates loads them first (certifi's bundle: 15–20 ms
    of CPU), and urllib3, given only the bundle's path, did so again for every connection it
    opened (requests 2.32 stopped doing that, with one preloaded context). So one context is made
    per source of trusted certificates, and of the modification times of its files, and shared
    by every client that trusts the same ones. A client certificate is loaded into a context of
    the client's own, never into a shared one.

    A bundle or certificate that cannot be loaded is a :class:`ConfigurationError` naming where
    it came from (the ``verify`` or ``cert`` option, ``REQUESTS_CA_BUNDLE`` …): no connection can
    be made with it, and sending again would not help."""
    problem = ""
    if verify is False:
        context = new_context(verify=False)  # nothing to load
    else:
        cafile, capath, source = _trust_source(verify, trust_env)
        try:
            if cert is None:
                return _shared_trust(cafile, capath)
            context = _new_trust(cafile, capath)
        except OSError as exc:  # ssl.SSLError included
            problem = f"{source} could not be loaded ({type(exc).__name__})"
    if not problem and cert is not None:
        cert_file, key_file = cert if isinstance(cert, tuple) else (cert, None)
        try:
            context.load_cert_chain(cert_file, key_file)
        except OSError as exc:
            problem = f"cert: the client certificate could not be loaded ({type(exc).__name__})"
    if problem:
        raise ConfigurationError(problem)
    return context


def _trust_source(verify: bool | str, trust_env: bool) -> tuple[str | None, str | None, str]:
    """(CA bundle file, CA directory, where they come from as an error names it) for ``verify``;
    no file and no directory: the system's store (which OpenSSL finds with ``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR``)."""
    if isinstance(verify, str):
        return (*_bundle(verify), "verify: the CA bundle")
    if trust_env:
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            bundle = os.environ.get(name)
            if bundle:
                return (*_bundle(bundle), f"{name}: the CA bundle at {bundle!r}")
        if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
            return None, None, "SSL_CERT_FILE / SSL_CERT_DIR: the system's certificates"
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi is a dependency
        return None, None, "the system's certificates"
    return certifi.where(), None, "certifi's CA bundle"


def _bundle(path: str) -> tuple[str | None, str | None]:
    """(file, None) or (None, directory)."""
    return (None, path) if os.path.isdir(path) else (path, None)


def _new_trust(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    context = new_context(verify=True)
    if cafile is None and capath is None:
        context.load_default_certs()
    else:
        context.load_verify_locations(cafile=cafile, capath=capath)
    return context


# (bundle, directory, their modification times, the environment's store): a context trusting
# exactly those certificates. Never given a client certificate (see tls_context); bounded.
_TRUST: dict[tuple[Any, ...], ssl.SSLContext] = {}


def _shared_trust(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    files = [cafile, capath]
    if cafile is None and capath is None:
        files = [os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")]
    key = (cafile, capath, *files, *(_modified(f) for f in files))
    context = _TRUST.get(key)
    if context is None:
        context = _new_trust(cafile, capath)
        if len(_TRUST) < 16:
            _TRUST[key] = context
    return context


def _modified(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


def _environment_proxies() -> dict[str, str]:
    """The proxies of the environment, as requests reads them (``urllib.request.getproxies``).

    Performance (issue 16's cold start): importing ``urllib.request`` costs a cold process 2–3 ms.
    Outside macOS and Windows (whose system settings it reads too), ``getproxies`` reads only
    the variables whose name ends in ``_proxy``, in any case: without one it finds nothing, and
    is not imported."""
    if sys.platform not in ("darwin", "win32") and not any(
        name[-6:].lower() == "_proxy" for name in os.environ
    ):
        return {}
    import urllib.request

    return urllib.request.getproxies()


def proxy_for(url: str, proxies: Mapping[str, str] | None, trust_env: bool) -> str | None:
    """The proxy URL for ``url``: the ``proxies`` option (by scheme, or ``all``), else the
    environment's, unless ``NO_PROXY`` covers the host."""
    scheme = urlsplit(url).scheme
    if proxies is not None:
        return proxies.get(scheme) or proxies.get("all") or None
    if not trust_env:
        return None
    found = _environment_proxies()
    proxy = found.get(scheme) or found.get("all")
    if not proxy:
        return None
    import urllib.request

    host = urlsplit(url).hostname or ""
    if urllib.request.proxy_bypass(host):
        return None
    proxy = proxy if "://" in proxy else f"http://{proxy}"
    if not is_http_url(proxy):
        # Both clients refuse it alike, before anything is sent (a proxy without a host or with
        # a bad port used to fail as a connection error naming no proxy; httpx would need
        # socksio for SOCKS, urllib3 PySocks). The URL is not shown: it may hold a password.
        raise ConfigurationError(
            f"the environment's proxy for {scheme} URLs ({scheme.upper()}_PROXY or ALL_PROXY) "
            "is not an http:// or https:// proxy URL with a host (SOCKS is not supported). "
            "Pass proxies={...}, or trust_env=False, or list the host in NO_PROXY. Nothing was "
            "sent."
        )
    return proxy
