"""The organisation directory shared by all coordinators: search, one page per organisation, duplicates, merge,
split.

Directory records are shared; signer names and emails are not: an organisation's page shows who signed only
for letters the viewer coordinates (all letters for staff).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_http_methods

from letters.access import coordinated_letter_ids, get_organisation_for_coordinator, require_coordinator
from letters.forms.manage import DirectoryFilterForm, MergeForm, OrganisationForm, valid_id
from letters.matching import cached_matcher
from letters.models import Invitation, Letter, Organisation, Signature
from letters.services.directory import (
    DirectoryChangeRefused, MergeRefused, conflicts, duplicate_pairs, letters_of_others, merge_organisations,
    others_letters_message, save_organisation, split_letters_of_others, split_organisation,
)
from letters.text import normalise_name

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


class SplitForm(forms.Form):
    """What splits off `organisation`: a new name (and country, kind), the sign-ons that move and, optionally,
    other spellings and names per language. `signatures` are the record's sign-ons marked by _with_visibility."""

    name = forms.CharField(label=gettext_lazy("Name of the new organisation"), max_length=300)
    country = Organisation._meta.get_field("country").formfield(label=gettext_lazy("Country"))
    kind = Organisation._meta.get_field("kind").formfield(label=gettext_lazy("Kind"))
    signatures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Sign-ons that move to the new organisation"), coerce=int,
        widget=forms.CheckboxSelectMultiple)
    aliases = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Other spellings that move"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    display_names = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Names per language that move"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organisation, signatures, **kwargs):
        super().__init__(*args, initial={"kind": organisation.kind}, **kwargs)
        self.organisation, self.by_pk = organisation, {signature.pk: signature for signature in signatures}
        self.fields["signatures"].choices = [(signature.pk, _sign_on_label(signature)) for signature in signatures]
        for name, queryset in (("aliases", organisation.aliases.order_by("name")),
                               ("display_names", organisation.display_names.order_by("language"))):
            if queryset.exists():
                self.fields[name].queryset = queryset
            else:
                del self.fields[name]  # nothing to choose: no empty box

    def clean_name(self):
        name = self.cleaned_data["name"]
        if normalise_name(name) == self.organisation.normalised_name:
            raise forms.ValidationError(_("Choose a name different from this record's."))
        return name

    def chosen_signatures(self):
        return [self.by_pk[pk] for pk in self.cleaned_data["signatures"]]

    def summary(self):
        """The new record as the preview shows it: name, country name, kind label."""
        data = self.cleaned_data
        return {"name": data["name"], "country": dict(self.fields["country"].choices).get(data["country"], ""),
                "kind": Organisation.Kind(data["kind"]).label, "aliases": data.get("aliases") or [],
                "display_names": data.get("display_names") or []}


def _sign_on_label(signature):
    label = f"{signature.letter_label} — {signature.get_status_display()}"
    return f"{label} — {signature.display_name()}" if signature.visible else label


@login_required
@require_http_methods(["GET", "POST"])
def organisation_split(request, pk):
    """GET: the form. POST: a preview of what moves; POST with confirmed=yes: the split (or its refusal)."""
    organisation = get_organisation_for_coordinator(request, pk)
    signatures = _with_visibility(organisation.signatures.select_related("letter", "organisation").prefetch_related(
        "organisation__display_names").order_by("-letter__created_at", "pk"), coordinated_letter_ids(request.user))
    form = SplitForm(request.POST or None, organisation=organisation, signatures=signatures)
    preview, warning = False, ""
    if request.method == "POST" and form.is_valid():
        data, chosen = form.cleaned_data, form.chosen_signatures()
        if request.POST.get("confirmed") == "yes":
            try:
                new = split_organisation(
                    organisation, data["name"], chosen, country=data["country"], kind=data["kind"],
                    aliases=data.get("aliases", ()), display_names=data.get("display_names", ()), by=request.user)
                messages.success(request, _("“%(new)s” was split off from “%(old)s”: %(n)d sign-ons moved.") % {
                    "new": new.name, "old": organisation.name, "n": len(chosen)})
                return redirect("manage:organisation", pk=new.pk)
            except MergeRefused as refused:
                form.add_error(None, str(refused))
        else:
            preview = True
            others = split_letters_of_others(request.user, organisation, chosen,
                                             moves_names=bool(data.get("display_names")))
            warning = others_letters_message(organisation, others) if others else ""
    return render(request, "letters/directory/split.html", {
        "organisation": organisation, "form": form, "preview": preview, "warning": warning,
        "chosen": form.chosen_signatures() if preview else [], "new": form.summary() if preview else None,
    })
