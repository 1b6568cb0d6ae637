"""Coordinator workspace: the letters a coordinator runs, their settings, language versions and status.

The letter dashboard and moderation are in manage_signatures.py, adding lists in manage_import.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from letters.access import get_letter_for_coordinator, require_coordinator
from letters.forms.copying import LetterCopyForm
from letters.forms.manage import LetterCreateForm, LetterSettingsForm, LetterStatusForm, LetterVersionForm
from letters.models import InvalidTransition, Letter, Signature
from letters.services import confidential, revisions
from letters.services.copying import copy_letter


def back(request, default, **kwargs):
    """Where to go after a POST: the page it came from (if on this site), else the URL named `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default, **kwargs)


@login_required
def letter_list(request):
    letters = list(Letter.objects.coordinated_by(request.user).prefetch_related("versions"))
    counts = {}
    rows = Signature.objects.filter(letter__in=letters).values("letter_id", "status").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts.setdefault(row["letter_id"], dict.fromkeys(Signature.Status.values, 0))[row["status"]] = row["n"]
    for letter in letters:
        letter.status_counts = [(Signature.Status(s).label, s, counts.get(letter.pk, {}).get(s, 0))
                                for s in Signature.Status.values]
        letter.total = sum(n for _label, _status, n in letter.status_counts)
        letter.next_statuses = status_actions(letter)
    return render(request, "letters/manage/letter_list.html", {"letters": letters})


def status_actions(letter):
    """[(action, label)] of the life-cycle buttons this letter offers (finalising belongs to the exports area)."""
    Status = Letter.Status
    return {
        Status.DRAFT: [("open", _("Open for sign-on"))],
        Status.OPEN: [("close", _("Close"))],
        Status.CLOSED: [("reopen", _("Reopen"))],
        Status.FINALISED: [("reopen", _("Reopen"))],
    }.get(letter.status, [])


@login_required
def letter_create(request):
    require_coordinator(request.user)
    form = LetterCreateForm(request.POST or None, initial={"languages": ["en"], "default_language": "en"})
    if request.method == "POST" and form.is_valid():
        letter = form.save()
        letter.coordinators.add(request.user)
        messages.success(request, _("Draft letter created. Add its texts, then open it for sign-on."))
        return redirect("manage:letter", slug=letter.slug)
    return render(request, "letters/manage/letter_form.html", {"form": form})


@login_required
def letter_copy(request, slug):
    """Start a new draft letter from this one (only its coordinators may: get_letter_for_coordinator)."""
    source = get_letter_for_coordinator(request, slug)
    initial = {"title": _("Copy of %(title)s") % {"title": source.title}, "slug": f"{source.slug}-copy"[:100]}
    form = LetterCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copied = copy_letter(source, data["slug"], data["title"], by=request.user,
                             with_invitees=data["with_invitees"])
        messages.success(request, _("Draft letter created from “%(source)s”. Check its texts, then open it for "
                                    "sign-on.") % {"source": source.title})
        if copied.invitees is not None:
            messages.info(request, _("The %(count)d organisations invited to the earlier letter are tagged "
                                     "“%(tag)s”: once this letter is open, choose that tag on the invite page.")
                          % {"count": copied.invited, "tag": copied.invitees.name})
        return redirect("manage:letter", slug=copied.letter.slug)
    return render(request, "letters/manage/letter_copy.html", {"form": form, "letter": source})


@login_required
def letter_settings(request, slug):
    letter = get_letter_for_coordinator(request, slug, Letter.objects.prefetch_related("versions"))
    was_confidential = letter.confidential
    form = LetterSettingsForm(request.POST or None, instance=letter)
    if request.method == "POST" and form.is_valid():
        form.save()
        confidential.settings_saved(letter, was_confidential, request.user)
        messages.success(request, _("Settings saved."))
        return redirect("manage:letter", slug=letter.slug)
    return render(request, "letters/manage/letter_form.html", {"form": form, "letter": letter})


@login_required
@require_POST
def letter_publish(request, slug):
    """Make a confidential letter public now (recorded in its history)."""
    letter = get_letter_for_coordinator(request, slug)
    if confidential.publish(letter, request.user, request.POST.get("reason", "")[:500]):
        messages.success(request, _("The letter is public now: listed, indexed, in the API and feeds."))
    return back(request, "manage:letter", slug=letter.slug)


@login_required
@require_POST
def letter_rotate_link(request, slug):
    """Replace a confidential letter's shared link: whoever had the old one no longer reaches the letter."""
    letter = get_letter_for_coordinator(request, slug)
    if letter.confidential:
        confidential.rotate_link(letter, request.user)
        messages.success(request, _("The shared link is replaced. The old one no longer opens the letter; "
                                    "personal invitation links still do."))
    return back(request, "manage:letter", slug=letter.slug)


@login_required
@require_POST
def letter_status(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    form = LetterStatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["action"] == "open" and letter.missing_texts():
        messages.error(request, _("This letter cannot be opened yet. Missing: %(missing)s.") % {"missing": "; ".join(
            f"{language}: {', '.join(fields)}" for language, fields in letter.missing_texts())})
    elif form.is_valid():
        change = {"open": letter.open, "close": letter.close, "reopen": letter.reopen}[form.cleaned_data["action"]]
        try:
            change(by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The letter is now: %(status)s.") % {"status": letter.get_status_display()})
        except InvalidTransition as error:
            messages.error(request, str(error))
    return back(request, "manage:letters")


@login_required
def version_edit(request, slug, language=None):
    letter = get_letter_for_coordinator(request, slug)
    version = get_object_or_404(letter.versions, language=language) if language else None
    form = LetterVersionForm(request.POST or None, instance=version, letter=letter)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data.get("change_kind") if form.changes_text else None
        if kind == "substantive" and "confirm" not in request.POST:
            # Signers will be emailed: show the coordinator exactly what they will be told about first.
            before = revisions.current_text(version)
            return render(request, "letters/manage/version_confirm.html", {
                "form": form, "letter": letter, "version": version,
                "diffs": revisions.diff_texts(before, revisions.as_saved(form.cleaned_data)),
                "signers": revisions.signers_of(version).count(),
            })
        version, revision, told = revisions.save_version(
            form, kind, form.cleaned_data.get("change_note", ""), request.user)
        messages.success(request, _("The %(language)s version is saved.") % {
            "language": version.get_language_display()})
        if revision is not None and revision.number > 1:
            messages.info(request, ngettext(
                "Saved as revision %(number)s; %(count)s signer is told.",
                "Saved as revision %(number)s; %(count)s signers are told.", told) % {
                "number": revision.number, "count": told})
        return redirect("manage:letter", slug=letter.slug)
    return render(request, "letters/manage/version_form.html", {"form": form, "letter": letter, "version": version})
