"""The full public list of a letter: paginated and searchable, and as plain text or CSV for the public."""

import csv
import io
import unicodedata

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from letters.access import reader_may_see
from letters.models import Letter
from letters.views.public import chosen_version_language
from letters.views.public_cache import (
    cached_letter, entry_blocks, page_stamp, public_entries, segments, stamp_confidential, stamp_counts,
)

LIST_PAGE_NAMES = 200  # names per page of the full list


def _search_key(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _public_list_or_404(request, slug):
    stamp = page_stamp(slug, confidential=True)
    letter = cached_letter(slug, stamp)
    if stamp_confidential(stamp) and not reader_may_see(request, letter):
        raise Http404
    if not (letter.list_public_while_open or letter.status != Letter.Status.OPEN):
        raise Http404
    language = get_language()
    return letter, language, stamp, public_entries(letter, language, stamp)


def signatory_list(request, slug):
    """The whole public list, paginated and searchable (?q=…&page=…): the names the letter page starts with."""
    letter, language, stamp, listed = _public_list_or_404(request, slug)
    query = request.GET.get("q", "").strip()[:200]
    wanted = _search_key(query) if query else None
    # Each name with its part (the list, or an addendum) and the heading it stands under, so that every page shows
    # its names' headings; each part's unnamed count closes it, on the page where its last name is.
    parts, rows = [], []
    for index, part in enumerate(segments(listed["entries"])):
        title = part[0][1] if part and part[0][0] == "addendum" else None
        unnamed = next((text for kind, text in part if kind == "unnamed"), None)
        parts.append({"title": title, "unnamed": unnamed})
        heading = None
        for kind, text in part:
            if kind == "heading":
                heading = text
            elif kind == "name" and (wanted is None or wanted in _search_key(text)):
                rows.append((index, heading, text))
    page = Paginator(rows, LIST_PAGE_NAMES).get_page(request.GET.get("page"))
    prefetch_related_objects([letter], "versions")
    version = letter.version(chosen_version_language(request, letter, language))
    context = {
        "letter": letter, "version": version,
        "counts": stamp_counts(stamp), "query": query, "page": page, "total": listed["names"],
        "signatories": {"blocks": entry_blocks(_page_entries(parts, rows, page))},
    }
    return render(request, "letters/public/signatories.html", context)


def _page_entries(parts, rows, page):
    """The entries of one page of the full list: the parts it reaches (from the first, on the first page, so that a
    part without names still shows its count), each with its title (an addendum's heading), the page's names under
    their section headings, and each part's unnamed count where the part ends."""
    names = page.object_list
    first = 0
    if page.number > 1 and names:
        previous = rows[page.start_index() - 2][0]  # the part of the previous page's last name
        first = names[0][0] if previous == names[0][0] else previous + 1
    last = len(parts) - 1 if not page.has_next() else names[-1][0]
    entries = []
    for index in range(first, last + 1):
        if parts[index]["title"]:
            entries.append(("addendum", parts[index]["title"]))
        heading = None
        for part, row_heading, text in names:
            if part != index:
                continue
            if row_heading != heading and row_heading is not None:
                entries.append(("heading", row_heading))
            heading = row_heading
            entries.append(("name", text))
        # A part ends on this page unless the next page still has some of its names.
        ends_here = index < last or not page.has_next() or rows[page.end_index()][0] != index
        if parts[index]["unnamed"] and ends_here:
            entries.append(("unnamed", parts[index]["unnamed"]))
    return entries


def signatory_download(request, slug, layout):
    """The public list as plain text (one name a line, headings, the unnamed count) or CSV — only what the public
    page shows: listed names, never signers' names or emails; those not named are counted, not named."""
    letter, language, stamp, listed = _public_list_or_404(request, slug)
    base = f"{letter.slug}-signatories-{language}"
    if layout == "csv":
        content, content_type, filename = _public_csv(listed["entries"], language), "text/csv", f"{base}.csv"
    else:
        content, content_type, filename = _public_text(listed["entries"]), "text/plain", f"{base}.txt"
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _public_text(entries):
    from letters.text import neutralise_line

    lines, first = [], True
    for kind, text in entries:
        if kind != "name" and not first:
            lines.append("")
        lines.append(neutralise_line(text))
        first = False
    return "\ufeff" + "\n".join(lines) + ("\n" if lines else "")


def _public_csv(entries, language):
    from django.utils import translation

    from letters.text import export_cell

    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads the accents right
    writer = csv.writer(buffer)
    with translation.override(language):
        writer.writerow([_("No."), _("Name"), _("Section")])
    number, heading = 0, ""
    for kind, text in entries:
        if kind in ("heading", "addendum"):  # an addendum's names are "Added after publication on …"
            heading = text
        elif kind == "name":
            number += 1
            writer.writerow([number, export_cell(text), export_cell(heading)])
        else:
            writer.writerow(["", export_cell(text), ""])
    return buffer.getvalue()


