"""Django admin for every model, arranged for a non-developer: lists, filters, search, inlines."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm

from letters import models
from letters.exports import SignatoryList
from letters.forms.exports import ORDER_LABELS
from letters.resources import OrganisationResource, SignatoryResource, export_dataset
from letters.services import personal_data
from letters.services.directory import delete_organisation, record_change, record_state


# --- personal data: find, export or erase one person's traces (letters/services/personal_data.py) ----------------

# Created by migration 0012 (no model's Meta: the page is about a person, not a model). Superusers have it anyway.
PERSONAL_DATA_PERMISSION = "letters.manage_personal_data"


def can_manage_personal_data(user):
    """Exporting or erasing someone's data is for superusers and holders of letters.manage_personal_data only:
    staff status or coordinating letters (even all of them) is not enough."""
    return user.is_active and user.is_staff and (user.is_superuser or user.has_perm(PERSONAL_DATA_PERMISSION))


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


def personal_data_view(request, model_admin, email=None, candidates=()):
    """The "Personal data" page: enter an address → see what was found → download it as JSON, or erase it after a
    confirmation. Everything is POSTed: the address never appears in a URL (nor in access logs or history)."""
    if not can_manage_personal_data(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" and "email" in request.POST else None
    form = PersonalDataForm(data, initial={"email": email})
    if data is None and email:
        form = PersonalDataForm({"email": email})
    context = {
        **model_admin.admin_site.each_context(request), "title": _("Personal data"), "form": form,
        "opts": model_admin.model._meta, "candidates": [c for c in candidates if c != email],
    }
    if form.is_valid():
        email = form.cleaned_data["email"]
        step = request.POST.get("step") if data is not None else "find"
        if step == "download":
            response = HttpResponse(personal_data.export_json(email), content_type="application/json; charset=utf-8")
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
            response["Cache-Control"] = "private, no-store"
            return response
        if step == "erase" and request.POST.get("confirmed") == "yes":
            counts = personal_data.erase(email, by=request.user)
            messages.success(request, gettext("Erased: %(summary)s.") % {"summary": _summary(counts)})
            context["erased"] = True
        elif step == "erase":
            context["confirm"] = True
        found = personal_data.find(email)
        context.update(found=found, counts=[(label, found.counts()[kind]) for kind, label in
                                            personal_data.KINDS.items() if found.counts()[kind]])
    return TemplateResponse(request, "admin/letters/personal_data.html", context)


def _summary(counts):
    return ", ".join(f"{label}: {counts[kind]}" for kind, label in personal_data.KINDS.items() if counts[kind]) or "—"


class PersonalDataAdminMixin:
    """The page at …/personal-data/ and a "Personal data of the selected" action on this model's list."""

    personal_data_email_field = None  # the field holding the person's address
    # Adds a "Personal data" button to the list (under django-import-export's own list template, if any).
    change_list_template = "admin/letters/personal_data_change_list.html"
    actions = ["personal_data_action"]

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: personal_data_view(request, self))
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("personal-data/", view, name="%s_%s_personal_data" % info), *super().get_urls()]

    def has_personal_data_permission(self, request):
        return can_manage_personal_data(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_personal_data_permission": can_manage_personal_data(request.user)}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Personal data of the selected people (export or erase)"),
                  permissions=["personal_data"])
    def personal_data_action(self, request, queryset):
        emails = list(dict.fromkeys(
            address for address in queryset.values_list(self.personal_data_email_field, flat=True).order_by()
            if address and not personal_data.is_erased_email(address)))
        if not emails:
            self.message_user(request, gettext("The selected rows hold no email address."), messages.WARNING)
            return None
        return personal_data_view(request, self, email=emails[0], candidates=emails)


class OrganisationNameInline(admin.TabularInline):
    model = models.OrganisationName
    extra = 0
    verbose_name_plural = _("Names per language")


class OrganisationAliasInline(admin.TabularInline):
    model = models.OrganisationAlias
    extra = 0
    readonly_fields = ["created_at"]


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ["name", "email", "language", "is_active", "unsubscribed_at"]


@admin.register(models.Organisation)
class OrganisationAdmin(ImportExportMixin, admin.ModelAdmin):
    """The directory, with import from CSV/XLSX (a dry run is shown first; any row error means nothing is written)
    and export. Both need their own permission: letters.import_organisation / letters.export_organisation."""

    resource_classes = [OrganisationResource]
    formats = [base_formats.CSV, base_formats.XLSX]
    list_display = ["name", "acronym", "country", "kind", "needs_review", "updated_at"]
    list_filter = ["kind", "needs_review", "country", "tags"]
    search_fields = ["name", "acronym", "aliases__name", "display_names__name", "email_domains"]
    inlines = [OrganisationNameInline, OrganisationAliasInline, ContactInline]
    filter_horizontal = ["tags"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "acronym", "sort_name", "country", "affiliation"]}),
        (_("Recognising sign-ons"), {"fields": ["website", "email_domains", "needs_review"]}),
        (_("More"), {"fields": ["tags", "notes", "created_at", "updated_at"]}),
    ]

    # Every change made here is recorded in the directory's history (OrganisationChange) through the same service
    # as workspace edits, so the letters the organisation is on show it on their dashboards. One entry per save:
    # the record before the form (taken in save_model) against the record after its inlines (save_related).
    def save_model(self, request, obj, form, change):
        obj._history_before = record_state(models.Organisation.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # tags, names per language, aliases, contacts
        before = getattr(form.instance, "_history_before", None)
        if before is not None:
            record_change(form.instance, before, by=request.user, note=gettext("Changed in the Django admin."))

    def delete_model(self, request, obj):
        delete_organisation(obj, by=request.user, note=gettext("Deleted in the Django admin."))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for organisation in queryset:
                delete_organisation(organisation, by=request.user, note=gettext("Deleted in the Django admin."))

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing, also for validation errors found only at the confirm step (the data changed meanwhile).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, gettext("Nothing was imported: some rows have errors. Check the file and retry."))
            return redirect("admin:letters_organisation_import")
        return super().process_result(result, request)


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(models.Contact)
class ContactAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    personal_data_email_field = "email"
    list_display = ["email", "name", "organisation", "language", "is_active", "unsubscribed_at"]
    list_filter = ["is_active", "language"]
    search_fields = ["email", "name", "organisation__name"]
    autocomplete_fields = ["organisation"]


class LetterVersionInline(admin.StackedInline):
    model = models.LetterVersion
    extra = 0


class SectionInline(admin.TabularInline):
    model = models.Section
    extra = 0
    fields = ["position", "kind", "headings", "public_choice"]


class LetterEventInline(admin.TabularInline):
    model = models.LetterEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "deadline", "default_language", "requires_approval", "created_at"]
    list_filter = ["status", "confidential", "default_language", "requires_approval"]
    search_fields = ["title", "slug", "versions__title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["coordinators"]
    inlines = [LetterVersionInline, SectionInline, LetterEventInline]
    readonly_fields = ["finalised_at", "finalised_by", "created_at", "updated_at"]
    # Status changes go through the workspace (or the letter's methods) so they are recorded.
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "deadline", "default_language"]}),
        (_("Sign-on"), {"fields": ["requires_approval", "list_public_while_open", "accepts_individuals",
                                   "offer_sections", "numbering"]}),
        (_("Coordination"), {"fields": ["coordinators", "reminder_days", "notify"]}),
        # Publishing and replacing the shared link are recorded actions of the letter dashboard, not edits here.
        (_("Visibility"), {"fields": ["confidential", "publish_at", "embed_origins"]}),
        (_("Record"), {"fields": ["finalised_at", "finalised_by", "created_at", "updated_at"]}),
    ]


@admin.register(models.Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "letter", "position", "kind", "public_choice"]
    list_filter = ["kind"]
    search_fields = ["letter__title", "letter__slug"]
    list_select_related = ["letter"]


@admin.register(models.LetterVersion)
class LetterVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "letter", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["title", "letter__title", "addressee"]


class SignatureEventInline(admin.TabularInline):
    model = models.SignatureEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class SignatoryListExportForm(ExportForm):
    """The admin's export of one letter's list in one language (the changelist's filters do not apply)."""

    letter = forms.ModelChoiceField(label=_("Letter"), queryset=models.Letter.objects.order_by("title"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LETTER_LANGUAGES)
    order = forms.ChoiceField(label=_("Order"), choices=list(ORDER_LABELS.items()))
    contacts = forms.BooleanField(label=_("Add signers' names and emails"), required=False)

    def clean(self):
        data = super().clean()
        letter, language = data.get("letter"), data.get("language")
        if letter and language and letter.languages() and language not in letter.languages():
            self.add_error("language", _("This letter has no version in this language."))
        return data


@admin.register(models.Signature)
class SignatureAdmin(PersonalDataAdminMixin, ExportMixin, admin.ModelAdmin):
    personal_data_email_field = "signer_email"
    list_display = ["__str__", "status", "language", "source", "is_lead", "signed_at", "approved_at"]
    list_filter = ["status", "language", "source", "is_lead", "flag_new_organisation", "flag_near_duplicate",
                   "flag_domain_mismatch", "letter"]
    search_fields = ["organisation__name", "name_override", "signer_name", "signer_email", "letter__title"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "letter"]
    inlines = [SignatureEventInline]
    readonly_fields = ["invited_at", "opened_at", "signed_at", "confirmed_at", "approved_at", "declined_at",
                       "withdrawn_at", "rejected_at", "created_at", "updated_at", "submitted_name"]
    # Export = a letter's signatory list through the one export path (letters.exports), permission
    # letters.export_signature. Cells are neutralised against formulas by the Resource itself: the library's
    # IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=".
    resource_classes = [SignatoryResource]
    export_form_class = SignatoryListExportForm
    formats = [base_formats.CSV, base_formats.XLSX, base_formats.JSON]

    def get_data_for_export(self, request, queryset, **kwargs):
        data = kwargs["export_form"].cleaned_data
        # export_signature exports a letter's signatory list (what the list prints, consent respected). Signers'
        # names and emails are personal data: only for the letter's coordinators (or letters.coordinate_all_letters).
        if data["contacts"] and not data["letter"].is_coordinated_by(request.user):
            raise ValueError(gettext(
                "Signers’ names and emails can only be exported by this letter’s coordinators. Untick “Add signers' "
                "names and emails” to export the list."
            ))
        signatory_list = SignatoryList(
            data["letter"], data["language"], data["order"], include_contacts=data["contacts"]
        )
        # Spreadsheet cells for every format: the library then turns each cell into text before writing.
        return export_dataset(signatory_list)


@admin.register(models.SignatureEvent)
class SignatureEventAdmin(admin.ModelAdmin):
    list_display = ["signature", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["signature__organisation__name", "reason"]
    list_select_related = ["signature__organisation", "signature__letter", "by"]


@admin.register(models.LetterEvent)
class LetterEventAdmin(admin.ModelAdmin):
    list_display = ["letter", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]


@admin.register(models.LetterVersionRevision)
class LetterVersionRevisionAdmin(admin.ModelAdmin):
    """The texts people signed: readable, never edited or deleted here (a sign-on points at the one it consented to)."""

    list_display = ["version", "number", "kind", "created_at", "created_by"]
    list_filter = ["kind", "version__language"]
    search_fields = ["version__letter__slug", "version__title", "note"]
    list_select_related = ["version__letter", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ListSnapshot)
class ListSnapshotAdmin(admin.ModelAdmin):
    list_display = ["letter", "language", "kind", "created_at", "created_by"]
    list_filter = ["kind", "language"]
    readonly_fields = ["letter", "language", "kind", "rows", "created_at", "created_by"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["contact", "organisation", "letter", "created_at", "opened_at"]
    list_filter = ["letter"]
    search_fields = ["contact__email", "organisation__name"]
    raw_id_fields = ["contact", "organisation"]


@admin.register(models.OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in models.OutgoingEmail._meta.fields]


@admin.register(models.MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = ["removed_name", "kept", "moved_signatures", "by", "at"]
    readonly_fields = ["kept", "removed_name", "removed_id", "moved_signatures", "details", "by", "at"]


@admin.register(models.SortKey)
class SortKeyAdmin(admin.ModelAdmin):
    """Stored collation keys (models/sortkeys.py): readable for checking, never edited here. Deleting them is safe:
    the next export keys those names again."""

    list_display = ["signature_id", "language", "collation", "name_version"]
    list_filter = ["language", "collation"]
    fields = ["signature_id", "language", "collation", "name_version"]
    readonly_fields = fields
    show_full_result_count = False  # one row per name and language: counting them all is not worth a page view

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Throttle)
class ThrottleAdmin(admin.ModelAdmin):
    list_display = ["key", "tokens", "updated_at"]
    search_fields = ["key"]


@admin.register(models.EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    """Addresses that unsubscribed: no invitation or reminder goes to them. Deleting a row resubscribes."""

    list_display = ["email", "source", "at"]
    list_filter = ["source"]
    search_fields = ["email"]


@admin.register(models.OrganisationName)
class OrganisationNameAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "organisation"]
    list_filter = ["language"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(models.OrganisationAlias)
class OrganisationAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "source", "created_at"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(models.OrganisationChange)
class OrganisationChangeAdmin(admin.ModelAdmin):
    """The directory's history (edits, merges and splits made in the workspace, edits and deletes made here or by
    the directory import): read-only, it is the record."""

    list_display = ["organisation", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["organisation__name", "note"]
    readonly_fields = ["organisation", "action", "before", "after", "note", "by", "at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Background exports: read-only here (the file holds signers' data only when asked with contacts)."""

    list_display = ["letter", "language", "layout", "status", "progress", "total", "requested_by", "created_at"]
    list_filter = ["status", "layout"]
    list_select_related = ["letter", "requested_by"]
    exclude = ["content"]
    readonly_fields = [f for f in ("letter", "language", "layout", "options", "status", "progress", "total",
                                   "filename", "content_type", "error", "requested_by", "created_at", "finished_at")]

    def has_add_permission(self, request):
        return False


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners in the workspace (shown once there); here they can only be seen and revoked."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
