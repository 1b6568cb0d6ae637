"""Public read endpoints: what the public letter page shows, never more. Only Letter.objects.public() (no drafts,
no confidential letter before its publication), counts as kept on write, and the public list through the one export
path (letters.views.public_cache.public_entries: withheld names counted, never named; no signer's name or email)."""

from typing import Literal, Optional

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router
from ninja.errors import HttpError

from letters.api import schemas
from letters.api.throttles import CountThrottle, PublicThrottle
from letters.models import Letter
from letters.views import public_cache

router = Router(tags=["public"], throttle=[PublicThrottle()])

COUNT_MAX_AGE = 15  # seconds: the embed widget polls the count, a short cache keeps it live and cheap
PUBLIC_MAX_AGE = 60
MAX_ENTRIES = 5000
LIMITED = {429: schemas.Error}  # beyond the rate limit (Retry-After says when to come back)

# Letter.objects.public() and Letter.is_open in one statement of plain SQL, as page_stamp (views/public_cache.py) reads
# its row: the count is polled by every embedded widget, and building the same query through the ORM costs more CPU
# than all the rest of the request. tests/api/test_count.py checks that it finds exactly what public() finds.
_COUNT_SQL = """
    SELECT slug, status, (status = %s AND (deadline IS NULL OR deadline >= %s)), list_revision,
        count_organisations, count_individuals, count_unnamed
    FROM {letter} WHERE slug = %s AND status <> %s AND NOT (confidential AND (publish_at IS NULL OR publish_at > %s))
"""


def count_row(slug):
    """(slug, status, is_open, list revision, organisations, individuals, unnamed) of a public letter, or None."""
    # With CONN_HEALTH_CHECKS, Django sends "SELECT 1" on a reused connection before each request's first query: a
    # round trip as costly as this one-row read. Here the read is the check: if the connection went bad, the read
    # fails, the connection is closed and the read runs once more on a new one, as the health check would have done.
    if connection.connection is not None and connection.health_check_enabled and not connection.in_atomic_block:
        connection.health_check_done = True
        try:
            return _read_count(slug)
        except DatabaseError:
            connection.close()
    return _read_count(slug)


def _read_count(slug):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL.format(letter=Letter._meta.db_table),
                       [Letter.Status.OPEN, now, slug, Letter.Status.DRAFT, now])
        return cursor.fetchone()


def _public_headers(response, max_age):
    # Partners read these from their own sites (the embed widget, scripts): open CORS, and only public data here.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def count_body(slug, status, is_open, revision, organisations, individuals, unnamed):
    return {"slug": slug, "status": status, "is_open": bool(is_open), "organisations": organisations,
            "individuals": individuals, "unnamed": unnamed, "total": organisations + individuals,
            "list_revision": revision}


@router.get("letters/{slug}/count", response={200: schemas.CountOut, 404: schemas.Error, **LIMITED},
            operation_id="letter_count",
            summary="A letter's live count", throttle=[CountThrottle()])
def letter_count(request, slug: str):
    """How many have signed (approved sign-ons), as kept on the letter's row by every write: one row read, nothing
    counted. `total` = organisations + individuals; `unnamed` are among them (counted, never named). `list_revision`
    moves on with every change to the public list."""
    row = count_row(slug)
    if row is None:
        raise Http404
    # A plain JsonResponse: the shape is CountOut (documented above), validating it again per poll costs CPU.
    return _public_headers(JsonResponse(count_body(*row)), COUNT_MAX_AGE)


def _letter_url(letter, language):
    """The letter's page showing its version in `language`: under that language's prefix when the interface speaks
    it, else under the default interface language with ?version= (the page's own way to choose a version)."""
    interface = _interface_language(language)
    if interface not in dict(settings.LANGUAGES):
        return _letter_url(letter, settings.LANGUAGE_CODE) + f"?version={language}"
    with translation.override(interface):
        return settings.SITE_URL + reverse("public:letter", kwargs={"slug": letter.slug})


def _interface_language(language):
    """The interface language that shows a letter language ("zh" → "zh-hans"), else the language itself."""
    codes = [code for code, _name in settings.LANGUAGES]
    return next((code for code in codes if code.split("-")[0] == language), language)


def _summary(letter):
    version = letter.version(letter.default_language)
    # The version's title: Letter.title is the coordinators' internal title, never published.
    return {"slug": letter.slug, "title": version.title if version else "",
            "status": letter.status, "is_open": letter.is_open, "deadline": letter.deadline,
            "default_language": letter.default_language, "languages": letter.languages(),
            "url": _letter_url(letter, letter.default_language)}


def _version(letter, version):
    return {"language": version.language, "title": version.title, "addressee": version.addressee,
            "date_line": version.date_line, "body": version.body, "closing": version.closing,
            "url": _letter_url(letter, version.language)}


def _list_is_public(letter):
    """As on the letter page: the list is shown unless the letter keeps it private while open."""
    return letter.list_public_while_open or letter.status != Letter.Status.OPEN


def _public_letters():
    return Letter.objects.public().prefetch_related("versions")


@router.get("letters/", response={200: list[schemas.LetterSummaryOut], **LIMITED}, operation_id="letter_list",
            summary="Public letters")
def letter_list(request, response: HttpResponse, status: Optional[Literal["open", "closed", "finalised"]] = None):
    """Every letter anyone may find (open, closed, finalised; never drafts or confidential letters before their
    publication), newest first. `status` keeps one status only."""
    letters = _public_letters()
    if status:
        letters = letters.filter(status=status)
    _public_headers(response, PUBLIC_MAX_AGE)
    return [_summary(letter) for letter in letters]


@router.get("letters/{slug}/", response={200: schemas.LetterOut, 404: schemas.Error, **LIMITED},
            operation_id="letter_detail",
            summary="A public letter with its versions")
def letter_detail(request, response: HttpResponse, slug: str):
    """The letter, its text in every language version, its counts and whether its list is public."""
    letter = get_object_or_404(_public_letters(), slug=slug)
    counts = count_body(letter.slug, letter.status, letter.is_open, letter.list_revision,
                         letter.count_organisations, letter.count_individuals, letter.count_unnamed)
    _public_headers(response, PUBLIC_MAX_AGE)
    return {**_summary(letter), "counts": counts, "list_public": _list_is_public(letter),
            "versions": [_version(letter, version) for version in letter.versions.all()]}


@router.get("letters/{slug}/signatories", response={200: schemas.SignatoriesOut, 404: schemas.Error,
                                                    422: schemas.Error, **LIMITED},
            operation_id="letter_signatories", summary="The public signatory list in one language")
def letter_signatories(request, response: HttpResponse, slug: str, language: str = "",
                       offset: int = Query(0, ge=0), limit: int = Query(1000, ge=1, le=MAX_ENTRIES)):
    """Exactly the list the public page shows, in the export path's order and sections: headings, names, and
    "… that cannot be named" entries (withheld names are counted, never named). 404 while the letter keeps its
    list private. `language`: one of the letter's versions or an interface language (default: the letter's own).
    Entries `offset` … `offset + limit`."""
    stamp = public_cache.page_stamp(slug)
    letter = public_cache.cached_letter(slug, stamp)  # Letter.objects.public(): 404 for confidential letters too
    if not _list_is_public(letter):
        raise HttpError(404, "This letter's list is not public while it is open.")
    language = language or letter.default_language
    if language not in {*letter.languages(), *dict(settings.LANGUAGES)}:
        raise HttpError(422, f"Unknown language “{language}” for this letter.")
    with translation.override(_interface_language(language)):
        listed = public_cache.public_entries(letter, _interface_language(language), stamp)
    entries = listed["entries"]
    _public_headers(response, PUBLIC_MAX_AGE)
    return {"slug": letter.slug, "language": language, "list_revision": int(stamp[3]), "names": listed["names"],
            "total_entries": len(entries), "offset": offset,
            "entries": [{"kind": kind, "text": text} for kind, text in entries[offset:offset + limit]]}
