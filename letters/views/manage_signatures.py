"""The letter dashboard: every sign-on of one letter, filtered and sorted, with actions per row and in bulk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, Value, prefetch_related_objects
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from letters.access import get_letter_for_coordinator, get_signature_for_coordinator
from letters.forms.manage import (AddSignatureForm, BulkActionForm, DashboardFilterForm, MoveForm, ReasonForm,
                                  RenameForm)
from letters.models import InvalidTransition, Letter, OrganisationChange, Signature, SignatureEvent
from letters.services import moderation
from letters.services.imports import ImportRefused, import_rows, preview_one
from letters.views import manage
from letters.views.manage import back

PER_PAGE = 100
SORTS = {
    # The list's order: its sections in order (sign-ons without one first), then the manual order.
    "position": [F("section__position").asc(nulls_first=True), F("position").asc(nulls_last=True), "created_at", "pk"],
    "name": [Lower(Coalesce(NullIf("name_override", Value("")), "organisation__sort_name")), "pk"],
    "country": ["organisation__country", Lower("organisation__sort_name"), "pk"],
    "status": ["status", F("position").asc(nulls_last=True), "pk"],
    "-signed": [F("signed_at").desc(nulls_last=True), "-pk"],
    "signed": [F("signed_at").asc(nulls_last=True), "pk"],
}
FLAGS = {
    "any": Q(flag_new_organisation=True) | Q(flag_near_duplicate=True) | Q(flag_domain_mismatch=True),
    "new": Q(flag_new_organisation=True),
    "duplicate": Q(flag_near_duplicate=True),
    "domain": Q(flag_domain_mismatch=True),
    "lead": Q(is_lead=True),
}


def _letter(request, slug):
    return get_letter_for_coordinator(request, slug, Letter.objects.prefetch_related("versions"))


def filter_signatures(queryset, data):
    """Apply the dashboard's filters (validated DashboardFilterForm data) and sort order."""
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("country"):
        queryset = queryset.filter(organisation__country="" if data["country"] == "-" else data["country"])
    if data.get("language"):
        queryset = queryset.filter(language=data["language"])
    if data.get("flag"):
        queryset = queryset.filter(FLAGS[data["flag"]])
    if data.get("section"):
        section = data["section"]
        queryset = queryset.filter(section__isnull=True) if section == "none" else queryset.filter(section_id=section)
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(name_override__icontains=q) | Q(organisation__name__icontains=q) | Q(submitted_name__icontains=q)
            | Q(signer_name__icontains=q) | Q(signer_email__icontains=q) | Q(organisation__acronym__iexact=q)
        )
    return queryset.order_by(*SORTS.get(data.get("sort") or "position", SORTS["position"]))


@login_required
def dashboard(request, slug):
    letter = _letter(request, slug)
    countries = letter.signatures.order_by().values_list("organisation__country", flat=True).distinct()
    sections = list(letter.sections.all())
    filters = DashboardFilterForm(request.GET or None, country_codes=list(countries), sections=sections)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = filter_signatures(letter.signatures.with_names().select_related("section"), data).prefetch_related(
        Prefetch("events", queryset=SignatureEvent.objects.select_related("by"))
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    language = request.GET.get("shown") if request.GET.get("shown") in letter.languages() else letter.default_language
    for signature in page:
        _decorate(signature, language)
    counts = letter.signatures.counts_by_status()
    total = sum(counts.values())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "letters/manage/dashboard.html", {
        "letter": letter, "filters": filters, "page": page, "shown_language": language, "total": total,
        "counts": [(Signature.Status(s).label, s, n, round(100 * n / total) if total else 0)
                   for s, n in counts.items()],
        "bulk": BulkActionForm(letter=letter), "query_without_page": query.urlencode(),
        "status_actions": manage.status_actions(letter), "sections": sections,
        "section_counts": _section_counts(letter, sections),
        "directory_changes": OrganisationChange.objects.for_letter(letter),
        **_visibility(request, letter),
    })


def _visibility(request, letter):
    """The dashboard's visibility card: a confidential letter's shared link, and the letter's own history."""
    from django.urls import reverse

    from letters.services.confidential import ensure_access_key

    shared_link = None
    if letter.confidential:
        key = ensure_access_key(letter)
        shared_link = request.build_absolute_uri(reverse("public:letter", kwargs={"slug": letter.slug})) + "?key=" + key
    events = letter.events.select_related("by").order_by("-at", "-pk")[:10]
    return {"shared_link": shared_link, "letter_events": events}


def _section_counts(letter, sections):
    """[(section or None, sign-ons in it)] for the dashboard's sections card, in list order."""
    counts = dict(letter.signatures.order_by().values_list("section").annotate(n=Count("pk")))
    return [(section, counts.get(section.pk, 0)) for section in sections] + [(None, counts.get(None, 0))]


DONE = {
    "approve": gettext_lazy("“%(name)s” approved."),
    "reject": gettext_lazy("“%(name)s” rejected."),
    "withdraw": gettext_lazy("“%(name)s” marked as withdrawn."),
    "lead": gettext_lazy("“%(name)s” marked as a lead organisation."),
    "unlead": gettext_lazy("“%(name)s” is no longer marked as a lead organisation."),
}
EVENT_LABELS = {
    "marked lead": gettext_lazy("marked as lead organisation"),
    "unmarked lead": gettext_lazy("lead mark removed"),
    "renamed": gettext_lazy("name on this letter changed"),
    "moved": gettext_lazy("moved"),
    "merge": gettext_lazy("directory merge"),
    "section": gettext_lazy("moved to another section"),
    "personal data erased": gettext_lazy("the signer's personal data was erased"),
    "signer data erased (retention)": gettext_lazy("the signer's data was erased after the retention period"),
}


def event_label(event):
    if event.from_status != event.to_status or event.action not in EVENT_LABELS:
        return Signature.Status(event.to_status).label
    return EVENT_LABELS[event.action]


def _decorate(signature, language):
    """What the row needs, computed once: the name shown, which actions apply, the history with labels."""
    signature.shown_name = signature.display_name(language)
    signature.can_approve = signature.can_become(Signature.Status.APPROVED)
    signature.can_withdraw = signature.can_become(Signature.Status.WITHDRAWN)
    signature.can_reject = signature.can_become(Signature.Status.REJECTED)
    signature.history = list(signature.events.all())
    for event in signature.history:
        event.label = event_label(event)


@login_required
def signature_detail(request, slug, pk):
    letter = _letter(request, slug)
    signature = get_signature_for_coordinator(request, letter, pk)
    prefetch_related_objects([signature], Prefetch("events", queryset=SignatureEvent.objects.select_related("by")),
                             "organisation__display_names")
    _decorate(signature, letter.default_language)
    return render(request, "letters/manage/signature.html", {
        "letter": letter, "signature": signature, "events": signature.history,
        "rename": RenameForm(instance=signature), "reason": ReasonForm(), "move": MoveForm(),
        "names": [(v.get_language_display(), signature.display_name(v.language)) for v in letter.versions.all()],
    })


@login_required
@require_POST
def signature_action(request, slug, pk, action):
    if action not in moderation.ACTIONS:
        raise Http404
    letter = _letter(request, slug)
    signature = get_signature_for_coordinator(request, letter, pk)
    form = ReasonForm(request.POST, required=action == "reject")
    if not form.is_valid():
        messages.error(request, _("Say why this sign-on is rejected."))
        return redirect("manage:signature", slug=letter.slug, pk=signature.pk)
    try:
        moderation.apply(signature, action, request.user, form.cleaned_data["reason"])
        messages.success(request, DONE[action] % {"name": signature.display_name()})
    except InvalidTransition as error:
        messages.error(request, str(error))
    return back(request, "manage:letter", slug=letter.slug)


@login_required
@require_POST
def signature_rename(request, slug, pk):
    letter = _letter(request, slug)
    signature = get_signature_for_coordinator(request, letter, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        moderation.rename(signature, form.cleaned_data["name_override"], request.user)
        messages.success(request, _("Name on this letter: “%(name)s”.") % {"name": signature.display_name()})
    else:
        messages.error(request, _("That name cannot be used."))
    return back(request, "manage:letter", slug=letter.slug)


@login_required
@require_POST
def signature_move(request, slug, pk):
    letter = _letter(request, slug)
    signature = get_signature_for_coordinator(request, letter, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        moderation.move(signature, form.cleaned_data["position"], form.cleaned_data["direction"], by=request.user)
    else:
        messages.error(request, _("Give a position."))
    return back(request, "manage:letter", slug=letter.slug)


@login_required
@require_POST
def bulk_action(request, slug):
    letter = _letter(request, slug)
    form = BulkActionForm(request.POST, letter=letter)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return back(request, "manage:letter", slug=letter.slug)
    data = form.cleaned_data
    if data["action"] == "section":
        from letters.services import sections as section_service

        moved = section_service.assign(letter, data["signatures"], data["section"], by=request.user)
        messages.success(request, _("%(n)d sign-ons moved to “%(section)s”.") % {
            "n": moved, "section": data["section"] or _("no section")})
        return back(request, "manage:letter", slug=letter.slug)
    outcome = moderation.apply_many(letter, data["signatures"], data["action"], request.user, data["reason"])
    messages.success(request, _("%(n)d sign-ons changed.") % {"n": len(outcome.done)})
    if outcome.refused:
        messages.warning(request, _("Not changed: %(list)s") % {
            "list": "; ".join(f"{s.display_name()} ({why})" for s, why in outcome.refused)})
    return back(request, "manage:letter", slug=letter.slug)


@login_required
def signature_add(request, slug):
    """One sign-on received by email. A name close to directory names asks the coordinator which one it is."""
    letter = _letter(request, slug)
    form = AddSignatureForm(request.POST or None, letter=letter)
    row = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = preview_one(letter, data["name"], data["country"], data["signer_email"], data["language"])
        row = preview.rows[0]
        if data["choice"] or not row.flagged:
            try:
                result = import_rows(
                    preview, choices={0: data["choice"]} if data["choice"] else {}, by=request.user,
                    source=Signature.Source.COORDINATOR, reason=data["note"] or _("Received by email"),
                    refuse_existing=True, fields={
                        "signer_name": data["signer_name"], "signer_email": data["signer_email"],
                        "is_lead": data["is_lead"], "consent_public": data["consent_public"]},
                )
                for signature in result.signatures:
                    messages.success(request, _("“%(name)s” added and approved.") % {"name": signature.display_name()})
                return redirect("manage:letter", slug=letter.slug)
            except ImportRefused as refused:
                form.add_error(None, refused.messages)
    return render(request, "letters/manage/signature_add.html", {"letter": letter, "form": form, "row": row})
