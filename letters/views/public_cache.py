"""The public list, kept on write and built once per change into the shared cache (CACHE_URL): the stamp a
page view starts with, the cached letter, the list's entries and the letter page's first part of it."""

import hashlib
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from letters.models import Letter, LetterVersion
from letters.exports import SignatoryList
from letters.services.finalise import published_addenda
from letters.text import clean_row


def readable_letters(with_versions=True):
    # The versions come with their text history's size and date ("Text last changed on …"), in the same query.
    versions = Prefetch("versions", queryset=LetterVersion.objects.annotate(
        revision_count=Count("revisions"), text_changed_at=Max("revisions__created_at")))
    return Letter.objects.readable().prefetch_related(versions) if with_versions else Letter.objects.readable()


@lru_cache(maxsize=1)
def markup_release():
    """What the cached page's markup depends on besides the data: the templates, the translations and the static
    files' hashed names (the cache is shared and outlives a deploy). Read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [*sorted((base / "templates").rglob("*.html")), *sorted(base.glob("locale/*/LC_MESSAGES/*.mo")),
             Path(settings.STATIC_ROOT) / "staticfiles.json", Path(__file__).resolve().parent.parent / "forms/public.py"]
    for path in files:
        try:
            digest.update(str(path).encode() + path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()[:16]



# --- the public list, kept on write and rendered once per change --------------------------------------------------
# A page view starts with one small query (page_stamp) reading the letter's row: when the letter and its versions
# last changed, and the list state that every write keeps (letters.models.signatures.list_changed: the counts and a
# revision that moves on with each change to the public list, in the transaction of the change). Nothing is
# counted on read. The letter, the public list (built once through the one export path) and the page's first part
# of it are cached under that stamp in the shared cache (CACHE_URL: Redis, so all workers and replicas share one
# rendering per change); a change moves the stamp, so the next visitor sees it at once.
PAGE_CACHE_SECONDS = 24 * 3600  # keys carry the stamp: a change never waits for expiry; this only frees memory
LETTER_PAGE_NAMES = 200  # the letter page shows this many names, then links to the full list
BUILD_WAIT_SECONDS = 5  # how long a worker waits for another one rendering the same list before doing it itself

_STAMP_SQL = """
    SELECT l.id, l.updated_at, (SELECT MAX(v.updated_at) FROM {version} v WHERE v.letter_id = l.id),
        l.list_revision, l.count_organisations, l.count_individuals, l.count_unnamed,
        CASE WHEN l.confidential AND (l.publish_at IS NULL OR l.publish_at > %s) THEN 1 ELSE 0 END
    FROM {letter} l WHERE l.slug = %s AND l.status <> %s
"""


def page_stamp(slug, confidential=False):
    """(letter id, when the letter and its versions last changed, list revision, counts, confidential now).
    404 for drafts, and for confidential letters unless `confidential` (the caller then checks the reader).

    One row (and the letter's few versions), whatever the number of sign-ons. Plain SQL because this runs on every
    page view: the same query through the ORM costs several times as much CPU.
    """
    sql = _STAMP_SQL.format(letter=Letter._meta.db_table, version=LetterVersion._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, slug, Letter.Status.DRAFT])
        row = cursor.fetchone()
    if row is None or (row[7] and not confidential):
        raise Http404
    return tuple(str(value) for value in row)


def stamp_confidential(stamp):
    return stamp[7] == "1"


def stamp_counts(stamp):
    """How many have signed (approved): organisations, individuals, and those not named, as kept on write."""
    return {"organisations": int(stamp[4]), "individuals": int(stamp[5]), "unnamed": int(stamp[6])}


def cache_key(kind, *parts):
    return f"public-{kind}:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def _build_once(key, build):
    """cache[key], built by one worker of all those sharing the cache: the others wait for it a moment."""
    value = cache.get(key)
    if value is not None:
        return value
    lock = key + ":building"
    if not cache.add(lock, 1, BUILD_WAIT_SECONDS * 2):
        for _attempt in range(BUILD_WAIT_SECONDS * 20):
            time.sleep(0.05)
            value = cache.get(key)
            if value is not None:
                return value
    try:
        value = build()
        cache.set(key, value, PAGE_CACHE_SECONDS)
    finally:
        cache.delete(lock)
    return value


def cached_letter(slug, stamp):
    """The public letter with its versions, as of `stamp`."""
    key = cache_key("letter", slug, *stamp[:3])
    letter = cache.get(key)
    if letter is None:
        letter = get_object_or_404(readable_letters(), slug=slug)
        cache.set(key, letter, PAGE_CACHE_SECONDS)
    return letter


def _list_stamp(stamp):
    """What the list depends on: the letter (status, sections), its versions (list words) and the list revision."""
    return stamp[:4]


def public_entries(letter, language, stamp):
    """The whole public list in `language` as of `stamp`, built once per change into the shared cache:
    {"entries": [("heading" | "name" | "unnamed", text)…], "names": how many names}. Never contact columns."""
    key = cache_key("entries", language, *_list_stamp(stamp))
    return _build_once(key, lambda: build_public_entries(letter, language))


def build_public_entries(letter, language):
    """The public list through the one export path (letters/exports.py SignatoryList, letters/layouts.py): the
    letter's sections (or organisations, then individuals) in locale-aware alphabetical order — the finalised
    snapshot once the letter is finalised — and how many cannot be named. The names as the public page prints
    them; signers' names and emails are never read."""
    from letters.layouts import entry_text

    signatories = SignatoryList(letter, language, "alphabetical", affiliation_style="comma")
    entries, names = [], 0
    for kind, value in signatories.events():
        if kind == "row":
            entries.append(("name", entry_text(value, "lines", signatories.affiliation_style)))
            names += 1
        else:
            entries.append((kind, value))
    # Under the finalised list, each addendum recorded since (services/finalise.py published_addenda): an
    # ("addendum", heading) entry, its names, and its own count of those not named. The heading gives the day the
    # addendum was recorded as sent, which is when these names were published; it is rendered here, in the page's
    # language, and cached with the rest (recording an addendum moves the list revision on).
    for addendum in published_addenda(letter, language):
        published = date_format(localtime(addendum.published_at), "DATE_FORMAT")
        entries.append(("addendum", _("Added after publication on %(date)s") % {"date": published}))
        for row in addendum.rows:
            entries.append(("name", entry_text(clean_row(row), "lines", signatories.affiliation_style)))
            names += 1
        if addendum.unnamed:
            entries.append(("unnamed", _unnamed_text(letter, language, addendum.unnamed)))
    return {"entries": entries, "names": names}


def _unnamed_text(letter, language, count):
    """"and N organisations that cannot be named…" for `count`, in the list's own words for `language` (the
    version's, else the interface's), as the export path words the finalised list's count."""
    words = SignatoryList(letter, language, source="live")
    words.unnamed = count  # a cached_property: this count instead of the live list's
    return words.unnamed_text()


def segments(entries):
    """The entries in parts: the list, then one part per addendum (each starting with its ("addendum", heading))."""
    parts = [[]]
    for entry in entries:
        if entry[0] == "addendum":
            parts.append([])
        parts[-1].append(entry)
    return parts


def entry_blocks(entries, unnamed_text=None):
    """Entries as letters/public/_signatory_list.html shows them: {"heading"}, {"names": […], "id"}, {"unnamed"}.
    `unnamed_text` is added at the end when the entries do not reach it (a first part, a page)."""
    blocks, names, lists = [], None, 0
    for kind, text in entries:
        if kind == "name":
            if names is None:
                lists += 1
                names = []
                blocks.append({"names": names, "id": "signatory-list" if lists == 1 else f"signatory-list-{lists}"})
            names.append(text)
        else:
            names = None
            blocks.append({kind: text})
    if unnamed_text and not any("unnamed" in block for block in blocks):
        blocks.append({"unnamed": unnamed_text})
    return blocks


def first_part(entries, limit):
    """The entries up to the `limit`th name; the unnamed count, when the list prints it later, is kept."""
    shown, names = [], 0
    for kind, text in entries:
        if kind == "name":
            if names == limit:
                break
            names += 1
        shown.append((kind, text))
    while shown and shown[-1][0] == "heading":  # a section heading with none of its names under it
        shown.pop()
    unnamed = next((text for kind, text in entries if kind == "unnamed"), None)
    return shown, unnamed


def signatories_for_page(letter, language, show_list, stamp):
    """(counts, the rendered letters/public/_signatory_list.html with the first names, or None, how many names,
    how many of them it shows)."""
    counts = stamp_counts(stamp)
    if not show_list:
        return counts, None, 0, 0

    def render_first_part():
        listed = public_entries(letter, language, stamp)
        # The first names of the list, then the first names of each addendum: a long finalised list must not hide
        # the names added after it (the full list page has them all).
        shown = []
        for part in segments(listed["entries"]):
            part_shown, unnamed = first_part(part, LETTER_PAGE_NAMES)
            if unnamed and ("unnamed", unnamed) not in part_shown:
                part_shown.append(("unnamed", unnamed))
            shown += part_shown
        context = {"signatories": {"blocks": entry_blocks(shown)}}
        return {"html": render_to_string("letters/public/_signatory_list.html", context), "names": listed["names"],
                "shown": sum(1 for kind, _text in shown if kind == "name")}

    # Rendered markup: keyed by the release too, so a deploy that changes the template is seen at once.
    fragment = _build_once(cache_key("first-part", markup_release(), language, *_list_stamp(stamp)), render_first_part)
    # A fragment cached by the previous release (same templates) has no "shown": it showed the first names only.
    shown = fragment.get("shown", min(fragment["names"], LETTER_PAGE_NAMES))
    return counts, mark_safe(fragment["html"]), fragment["names"], shown  # noqa: S308 - the template escaped every name


