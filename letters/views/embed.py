"""The sign-on widget partners put on their own sites: a page made to be framed (`…/embed/`), and the data the
script widget (static/embed/coalition-embed.js) builds its box from (`…/embed.json`).

Both show only what any visitor of the public letter page sees: the title, the counts (never a name) and a link to
the form. Only public letters (Letter.objects.public()): a draft or a confidential letter is a 404. Nothing here
touches the session or the CSRF token, so an embed never sets a cookie on the partner's visitors.
"""

import ipaddress
import re
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from letters.models import Letter
from letters.models.letters import version_language

EMBED_MAX_AGE = 60  # seconds: a partner's every page view loads the widget; the count itself is polled live
DEFAULT_REFRESH = 30  # seconds between two polls of the count API
MIN_REFRESH = 2
MAX_REFRESH = 3600
MAX_ORIGINS = 50
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_VERSION = re.compile(r"^[a-z]{2,3}$")


def get_public_letter(slug):
    """The access helper of the embed and the feeds: public letters only, so drafts and confidential letters are
    a 404 (not a 403: their existence must not be probed)."""
    return get_object_or_404(Letter.objects.public().prefetch_related("versions"), slug=slug)


# --- the allow-list of sites that may frame a letter ------------------------------------------------------------


def parse_origins(text):
    """The letter's allow-list as written by a coordinator, one origin a line → the normalised origins.

    Raises ValidationError naming every line that is not `scheme://host[:port]` (https or http, an optional
    leading `*.` wildcard, no path): each origin ends up in a Content-Security-Policy header, where a space, a
    semicolon or a quote would change the policy itself.
    """
    origins, errors = [], []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        origin = normalise_origin(line)
        if origin is None:
            errors.append(ValidationError(
                _("“%(line)s” is not a site address like https://partner.example.org (no path)."),
                code="invalid_origin", params={"line": line.strip()[:100]}))
        elif origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        errors.append(ValidationError(_("At most %(max)d sites."), code="too_many_origins", params={"max": MAX_ORIGINS}))
    if errors:
        raise ValidationError(errors)
    return origins


def normalise_origin(line):
    """`https://Partner.Example.org/` → `https://partner.example.org`; None when it is not an origin."""
    value = line.strip().rstrip("/")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.path or parts.query or parts.fragment or "@" in value:
        return None
    host = _host(parts.hostname or "")
    if host is None:
        return None
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")


def _host(hostname):
    try:
        address = ipaddress.ip_address(hostname)
        return f"[{address}]" if address.version == 6 else str(address)
    except ValueError:
        pass
    wildcard = hostname.startswith("*.")
    try:
        # International names go into the header in their ASCII (punycode) form.
        ascii_name = hostname[2:].encode("idna").decode("ascii") if wildcard else hostname.encode("idna").decode()
    except UnicodeError:
        return None
    labels = ascii_name.lower().split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    return ("*." if wildcard else "") + ".".join(labels)


def frame_ancestors(letter):
    """The CSP frame-ancestors sources of this letter: its allow-list, or 'none' (nobody may frame it).

    Lines saved without validation (admin, older data) are skipped here rather than trusted into the header."""
    origins = [origin for origin in map(normalise_origin, letter.embed_origin_list) if origin]
    return list(dict.fromkeys(origins)) or ["'none'"]


# --- the views --------------------------------------------------------------------------------------------------


@require_safe
@xframe_options_exempt  # the one page made to be framed: its CSP frame-ancestors says by whom
def embed(request, slug):
    """The widget as a page for an <iframe>: title, counts, and a Sign button opening the form in a new tab."""
    letter = get_public_letter(slug)
    context = widget_context(request, letter)
    context["refresh"] = _refresh(request.GET.get("refresh"))
    response = render(request, "letters/embed/widget.html", context)
    # What django-csp's @csp_replace does, with this letter's own allow-list (a decorator's is fixed in the code).
    response._csp_replace = {"frame-ancestors": frame_ancestors(letter)}
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


@require_safe
def embed_data(request, slug):
    """What the script widget shows, as JSON for the partner's page: CORS open, public data only."""
    letter = get_public_letter(slug)
    context = widget_context(request, letter)
    counts = context["counts"]
    data = {
        "slug": letter.slug, "title": context["title"], "lang": context["title_lang"], "dir": context["title_dir"],
        "interface_lang": get_language(), "interface_dir": "rtl" if get_language_bidi() else "ltr",
        "is_open": letter.is_open, "organisations": counts["organisations"], "individuals": counts["individuals"],
        "show_individuals": context["show_individuals"], "deadline": context["deadline_text"],
        "letter_url": context["letter_url"], "read_url": context["read_url"], "count_url": context["count_url"],
        "labels": labels(),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


def widget_context(request, letter):
    """Title in the chosen (or the page's) language, counts as kept on the letter's row, and the links."""
    wanted = request.GET.get("version", "")
    chosen = wanted if _VERSION.match(wanted) and wanted in letter.languages() else ""
    version = letter.version(chosen or get_language())
    letter_url = reverse("public:letter", kwargs={"slug": letter.slug})
    if chosen and chosen != version_language(get_language()):
        letter_url += "?" + urlencode({"version": chosen})
    individuals = letter.count_individuals
    return {
        "letter": letter,
        "title": version.title if version else letter.title,
        "title_lang": version.language if version else letter.default_language,
        "title_dir": "rtl" if version and version.is_rtl else "ltr",
        "counts": {"organisations": letter.count_organisations, "individuals": individuals},
        "show_individuals": letter.accepts_individuals or individuals > 0,
        "deadline_text": date_format(localtime(letter.deadline), "DATETIME_FORMAT") if letter.deadline else "",
        "letter_url": letter_url + "#signon",
        "read_url": letter_url,
        "count_url": reverse("api:letter_count", kwargs={"slug": letter.slug}),
    }


def labels():
    """The widget's words in the interface language (the script widget has no template to translate them)."""
    return {
        "signatories": _("Signatories"), "organisations": _("Organisations"), "individuals": _("Individuals"),
        "sign": _("Sign this letter"), "new_tab": _("(opens in a new tab)"), "sign_by": _("Sign by"),
        "closed": _("Sign-on for this letter is closed."), "read": _("Read the letter"),
    }


def _refresh(value):
    try:
        return min(MAX_REFRESH, max(MIN_REFRESH, int(value)))
    except (TypeError, ValueError):
        return DEFAULT_REFRESH
