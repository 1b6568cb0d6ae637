"""The letter's list sections: the sections page (create, rename per language, reorder, delete, numbering) and
moving sign-ons between sections from the dashboard (one row, or the ticked rows in bulk)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST

from letters.access import get_letter_for_coordinator
from letters.forms.sections import NewSectionForm, SectionSettingsForm, section_choice
from letters.models import Letter, Section
from letters.services import sections as service
from letters.views.manage import back


def _letter(request, slug):
    return get_letter_for_coordinator(request, slug, Letter.objects.prefetch_related("versions", "sections"))


def _languages(letter):
    return letter.languages() or [letter.default_language]


@login_required
def sections(request, slug):
    letter = _letter(request, slug)
    languages = _languages(letter)
    rows = [(section, [(language, section.headings.get(language, "")) for language in languages],
             section.sign_ons) for section in letter.sections.annotate(sign_ons=Count("signatures"))
            .order_by("position", "pk")]
    return render(request, "letters/manage/sections.html", {
        "letter": letter, "rows": rows, "languages": languages,
        "new_form": NewSectionForm(letter=letter), "settings_form": SectionSettingsForm(instance=letter),
        "kinds": Section.Kind.choices,
    })


@login_required
@require_POST
def section_create(request, slug):
    letter = _letter(request, slug)
    form = NewSectionForm(request.POST, letter=letter)
    if form.is_valid():
        data = form.cleaned_data
        service.create(letter, data["heading"], data["language"], data["kind"])
        messages.success(request, _("Section added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("manage:sections", slug=letter.slug)


@login_required
@require_POST
def section_update(request, slug, pk):
    letter = _letter(request, slug)
    section = get_object_or_404(Section, pk=pk, letter=letter)
    action = request.POST.get("action", "save")
    if action in ("up", "down"):
        service.move(section, action)
    elif action == "delete":
        moved = service.delete(section, by=request.user)
        messages.success(request, ngettext(
            "Section deleted; %(n)d sign-on now has no section.", "Section deleted; %(n)d sign-ons now have no section.",
            moved) % {"n": moved})
    else:
        headings = {language: request.POST.get(f"heading_{language}", "")[:300] for language in _languages(letter)}
        service.rename(section, headings, kind=request.POST.get("kind", ""),
                       public_choice=bool(request.POST.get("public_choice")))
        messages.success(request, _("Section saved."))
    return redirect("manage:sections", slug=letter.slug)


@login_required
@require_POST
def section_settings(request, slug):
    letter = _letter(request, slug)
    form = SectionSettingsForm(request.POST, instance=letter)
    if form.is_valid():
        form.save()
        messages.success(request, _("List settings saved."))
    return redirect("manage:sections", slug=letter.slug)


@login_required
@require_POST
def signature_section(request, slug, pk):
    """One row's "Section" select on the dashboard (the rows sit inside the bulk form: the value is per row)."""
    letter = _letter(request, slug)
    signature = get_object_or_404(letter.signatures, pk=pk)
    ok, section = section_choice(letter, request.POST.get(f"section_{pk}", ""))
    if not ok:
        messages.error(request, _("Choose a section of this letter."))
    elif service.assign(letter, [signature], section, by=request.user):
        messages.success(request, _("“%(name)s” moved to “%(section)s”.") % {
            "name": signature.display_name(), "section": section or _("no section")})
    return back(request, "manage:letter", slug=letter.slug)
