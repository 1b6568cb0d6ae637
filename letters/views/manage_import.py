"""Paste a list of sign-ons received by email: preview how each line matches the directory, adjust, import.

The preview is stateless: the pasted text travels with the form and is parsed again on import (parsing is
deterministic), together with the coordinator's choice for each line.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST

from letters.access import get_letter_for_coordinator, require_coordinator
from letters.forms.manage import LAYOUT_CHOICES, PasteForm, PickLetterForm
from letters.models import Letter
from letters.services.imports import ImportRefused, build_preview, import_rows


def _letter(request, slug):
    return get_letter_for_coordinator(request, slug, Letter.objects.prefetch_related("versions"))


@login_required
def paste_pick(request):
    """"Paste a list" from the overview: pick the letter first."""
    require_coordinator(request.user)
    form = PickLetterForm(request.GET or None, user=request.user)
    if form.is_valid():
        return redirect("manage:paste", slug=form.cleaned_data["letter"].slug)
    return render(request, "letters/manage/paste_pick.html", {"form": form})


@login_required
def paste(request, slug):
    letter = _letter(request, slug)
    form = PasteForm(request.POST or None, letter=letter)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = _preview(letter, form)
    return render(request, "letters/manage/paste.html", _context(letter, form, preview))


def _context(letter, form, preview, problems=()):
    layout = dict(LAYOUT_CHOICES).get(preview.layout) if preview else ""
    return {"letter": letter, "form": form, "preview": preview, "problems": problems, "layout_label": layout}


def _preview(letter, form):
    data = form.cleaned_data
    return _keep_posted(build_preview(letter, data["text"], data["language"], data["layout"]), {})


def _keep_posted(preview, post):
    """What each line's controls show: the coordinator's earlier choices when a refused import comes back."""
    for row in preview.rows:
        row.selected = post.get(f"choice_{row.index}") or row.default
        row.name_value = post.get(f"name_{row.index}") or row.entry.name
        row.other_value = post.get(f"other_{row.index}", "")
        row.keep_value = bool(post.get(f"keep_{row.index}"))
        row.parts_value = post.get(f"parts_{row.index}") or "\n".join(row.parts)
    return preview


@login_required
@require_POST
def paste_import(request, slug):
    letter = _letter(request, slug)
    form = PasteForm(request.POST, letter=letter)
    if not form.is_valid():
        return render(request, "letters/manage/paste.html", _context(letter, form, None))
    preview = _preview(letter, form)
    problems = _check(request, preview, form)
    if not problems:
        try:
            result = import_rows(preview, by=request.user, **_choices(request.POST, preview))
            _report(request, result)
            return redirect("manage:letter", slug=letter.slug)
        except ImportRefused as refused:
            problems = refused.messages
    _keep_posted(preview, request.POST)
    return render(request, "letters/manage/paste.html", _context(letter, form, preview, problems))


def _check(request, preview, form):
    if str(len(preview.rows)) != request.POST.get("row_count"):
        return [_("The list changed since the preview. Check the new preview, then import.")]
    if preview.errors and not form.cleaned_data["skip_invalid"]:
        return [_("Some lines could not be read. Correct them in the list, or tick “Import without the lines that "
                  "could not be read”.")]
    if not preview.rows:
        return [_("There is nothing to import.")]
    return []


def _choices(post, preview):
    """The coordinator's decision for each line: choice_N, name_N (edited name) and other_N (typed org)."""
    rows = range(len(preview.rows))
    return {
        "choices": {i: post.get(f"choice_{i}", "") for i in rows if post.get(f"choice_{i}")},
        "names": {i: post.get(f"name_{i}", "") for i in rows if post.get(f"name_{i}", "").strip()},
        "others": {i: post.get(f"other_{i}", "") for i in rows if post.get(f"other_{i}", "").strip()},
        "keep_pasted": {i for i in rows if post.get(f"keep_{i}")},
        "parts": {i: post.get(f"parts_{i}", "") for i in rows if post.get(f"parts_{i}", "").strip()},
    }


def _report(request, result):
    messages.success(request, ngettext(
        "%(n)d sign-on imported and approved.", "%(n)d sign-ons imported and approved.", len(result.signatures)
    ) % {"n": len(result.signatures)})
    details = []
    if result.created_organisations:
        details.append(_("%(n)d new organisations in the directory") % {"n": len(result.created_organisations)})
    if result.unchanged:
        details.append(_("%(n)d already on the letter") % {"n": len(result.unchanged)})
    if result.reinstated:
        details.append(_("%(n)d approved again") % {"n": len(result.reinstated)})
    if result.withdrawn_kept:
        details.append(_("%(n)d had withdrawn and were left withdrawn") % {"n": len(result.withdrawn_kept)})
    if result.sections_created:
        details.append(_("%(n)d new list sections") % {"n": len(result.sections_created)})
    if result.skipped:
        details.append(_("%(n)d lines skipped") % {"n": result.skipped})
    if details:
        messages.info(request, "; ".join(details) + ".")
