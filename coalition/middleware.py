"""Request hygiene and response headers that apply to every page (issue 10).

- RefuseMalformedRequestsMiddleware: a NUL byte in the query string or in a POST field name, or a body Django cannot
  read (a form declaring charset=utf-16, too many fields, a broken multipart body), is answered 400 here, before
  CSRF, the views or the database see it. Without it, Django's 400 handler re-runs the CSRF check, which reads
  the body again and turns the 400 into a 500; and PostgreSQL refuses NUL in a query (a 500 in every admin filter).
- ResponseHeadersMiddleware: Permissions-Policy everywhere, `Cache-Control: private, no-store` on pages that show
  signers' personal data (coordinator workspace, exports, admin, a signer's own links), and no Server header.
- client_ip(): the visitor's address for per-IP limits, reading X-Forwarded-For only as far as our proxies wrote it.
"""

import ipaddress
import re
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.utils.cache import patch_cache_control

from coalition.errors import bad_request

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Pages with personal data: never kept by a browser's or a shared cache.
PRIVATE_PATHS = re.compile(r"^/(?:manage|admin|accounts)/|^/[a-z]{2}(?:-[a-z]+)?/letters/[^/]+/(?:confirm|my-sign-on)/")


class RefuseMalformedRequestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.is_malformed(request):
            return bad_request(request, None)
        return self.get_response(request)

    @staticmethod
    def is_malformed(request):
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS") or not request.content_type.startswith(FORM_CONTENT_TYPES):
            return False
        try:
            return any("\x00" in key for key in (*request.POST.keys(), *request.FILES.keys()))
        except Exception:  # noqa: BLE001 - any body Django cannot parse (BadRequest, RequestDataTooBig, …) is a 400
            return True


class ResponseHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if PRIVATE_PATHS.match(request.path_info):
            patch_cache_control(response, private=True, no_store=True)
        if getattr(request, "coalition_confidential", False):
            # A confidential letter (letters.access.reader_may_see): kept out of search engines and shared caches.
            response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
            patch_cache_control(response, private=True, no_store=True)
        # gunicorn's own "Server: gunicorn" is removed by gunicorn.conf.py; runserver and others set it here.
        if "Server" in response.headers:
            del response.headers["Server"]
        return response


# --- the client's address ---------------------------------------------------------------------------------------


def client_ip(request):
    """The address of whoever sent the request, for per-IP limits.

    X-Forwarded-For is written by every proxy on the way, each appending the address it received the request from;
    anything to the left of what our own proxies wrote is whatever the client chose to send. So the address is
    read from the right: with TRUSTED_PROXIES, the right-most address that is not one of our proxies (and only if
    REMOTE_ADDR is one of them); else TRUSTED_PROXY_HOPS entries from the right; with neither, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if proxies:
        if not _is_proxy(remote, proxies):
            return remote
        for address in reversed(forwarded):
            if not _is_proxy(address, proxies):
                return address if _valid(address) else remote
        return remote
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0 and len(forwarded) >= hops and _valid(forwarded[-hops]):
        return forwarded[-hops]
    return remote


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _valid(address):
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_proxy(address, proxies):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies if network.version == ip.version)
