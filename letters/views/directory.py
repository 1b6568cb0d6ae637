"""The organisation directory shared by all coordinators: search, one page per organisation, duplicates, merge.

Directory records are shared; signer names and emails are not: an organisation's page shows who signed only
for letters the viewer coordinates (all letters for staff).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from letters.access import coordinated_letter_ids, get_organisation_for_coordinator, require_coordinator
from letters.forms.manage import DirectoryFilterForm, MergeForm, OrganisationForm, valid_id
from letters.matching import cached_matcher
from letters.models import Invitation, Letter, Organisation, Signature
from letters.services.directory import (
    DirectoryChangeRefused, MergeRefused, conflicts, duplicate_pairs, letters_of_others, merge_organisations,
    others_letters_message, save_organisation,
)

PER_PAGE = 50


@login_required
def directory(request):
    require_coordinator(request.user)
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    orgs = Organisation.objects.search(data.get("q", "")).annotate(
        signed=Count("signatures", filter=Q(signatures__status__in=Signature.SIGNED_STATUSES), distinct=True)
    )
    if data.get("country"):
        orgs = orgs.filter(country=data["country"])
    if data.get("letter"):
        orgs = orgs.filter(signatures__letter=data["letter"], signatures__status__in=Signature.SIGNED_STATUSES)
    if data.get("review"):
        orgs = orgs.needing_review()
    page = Paginator(orgs.order_by("sort_name", "name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "letters/directory/list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_coordinator(request, pk)
    mine = coordinated_letter_ids(request.user)
    signatures = organisation.signatures.select_related("letter", "organisation").prefetch_related(
        "organisation__display_names").order_by("-letter__created_at")
    signatures = _with_visibility(signatures, mine)
    signed_letters = {s.letter_id for s in signatures}
    invitations = (Invitation.objects.filter(organisation=organisation, letter__in=mine)
                   .exclude(letter__in=signed_letters).select_related("letter").order_by("letter_id"))
    unanswered = list({invitation.letter_id: invitation for invitation in invitations}.values())
    return render(request, "letters/directory/detail.html", {
        "organisation": organisation, "signatures": signatures, "unanswered": unanswered,
        "names": organisation.display_names.order_by("language"), "aliases": organisation.aliases.order_by("name"),
        "similar": cached_matcher().suggest(organisation.name, exclude=organisation.pk),
        "merges": organisation.merges.select_related("by"),
        "directory_changes": organisation.changes.select_related("organisation", "by")[:50],
    })


def _with_visibility(signatures, mine):
    """Mark what the viewer may see of each sign-on: another coordinator's unpublished letter stays anonymous,
    and signer names and emails show only on letters the viewer coordinates."""
    signatures = list(signatures)
    for signature in signatures:
        signature.show_signer = signature.letter_id in mine
        signature.visible = signature.show_signer or signature.letter.status != Letter.Status.DRAFT
        signature.letter_label = signature.letter.title if signature.visible else _("A letter not yet published")
    return signatures


@login_required
def organisation_edit(request, pk):
    organisation = get_organisation_for_coordinator(request, pk)
    # Letters of other coordinators that show this record: said before editing, enforced on saving.
    others = letters_of_others(request.user, organisation)
    warning = others_letters_message(organisation, others) if others else ""
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            save_organisation(form.save(commit=False), by=request.user)
            form.save_m2m()
            messages.success(request, _("Saved."))
            return redirect("manage:organisation", pk=organisation.pk)
        except DirectoryChangeRefused as refused:
            form.add_error(None, str(refused))
            warning = ""
            organisation = Organisation.objects.get(pk=organisation.pk)  # the page shows the record as it is
    return render(request, "letters/directory/edit.html", {"organisation": organisation, "form": form,
                                                           "warning": warning})


@login_required
def duplicates(request):
    require_coordinator(request.user)
    return render(request, "letters/directory/duplicates.html", {"pairs": duplicate_pairs()})


@login_required
def merge(request):
    """GET: what merging `remove` into `keep` would do. POST: do it (or refuse, changing nothing)."""
    require_coordinator(request.user)
    source = request.POST if request.method == "POST" else request.GET
    keep = get_object_or_404(Organisation, pk=_int(source.get("keep")))
    remove = get_object_or_404(Organisation, pk=_int(source.get("remove")))
    if keep.pk == remove.pk:
        messages.error(request, _("Choose two different organisations."))
        return redirect("manage:duplicates")
    clashes = conflicts(keep, remove)
    mine = coordinated_letter_ids(request.user)
    others = letters_of_others(request.user, remove)
    warning = others_letters_message(remove, others) if others else ""
    form = MergeForm(request.POST or None, conflicts=[_with_visibility([a], mine)[0] for _l, a, _b in clashes],
                     initial={"keep": keep, "remove": remove})
    if request.method == "POST" and form.is_valid():
        try:
            record = merge_organisations(
                keep, remove, by=request.user, resolutions=form.resolutions(),
                keep_names=form.cleaned_data["keep_names"], may_resolve=lambda letter: letter.pk in mine,
            )
            messages.success(request, _("“%(old)s” merged into “%(new)s”: %(n)d sign-ons moved.") % {
                "old": record.removed_name, "new": keep.name, "n": record.moved_signatures})
            return redirect("manage:organisation", pk=keep.pk)
        except MergeRefused as refused:
            messages.error(request, str(refused))
    return render(request, "letters/directory/merge.html", {
        "keep": keep, "remove": remove, "form": form, "clashes": clashes, "warning": warning,
        "conflict_fields": [form[f"conflict_{letter.pk}"] for letter, _a, _b in clashes],
        "sides": [(keep, _("Stays"), _with_visibility(keep.signatures.select_related("letter"), mine)),
                  (remove, _("Is merged into it"), _with_visibility(remove.signatures.select_related("letter"), mine))],
    })


def _int(value):
    return valid_id(value) or 0
