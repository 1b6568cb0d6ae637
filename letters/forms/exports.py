"""Forms of the exports area: choose a list export; finalise, reopen, publish an addendum (all POST)."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.db import models
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from letters.documents import DOCUMENT_LIST_LAYOUTS
from letters.exports import LAYOUTS, NUMBERINGS

LAYOUT_LABELS = {
    "lines": _("One name a line"),
    "numbered": _("Numbered (1. Name)"),
    "name-country": _("Name, Country"),
    "name-dash": _("Name - Country"),
    "name-paren": _("Name (Country)"),
    "table": _("Numbered table (No. ⇥ Name ⇥ Country)"),
    "inline": _("Comma-separated paragraph (footnote)"),
    "markdown": _("Markdown"),
    "html": _("HTML fragment"),
    "csv": _("CSV spreadsheet"),
    "xlsx": _("Excel workbook (XLSX)"),
    "json": _("JSON"),
    "docx": _("Letter and list, Word (DOCX)"),
    "pdf": _("Letter and list, PDF"),
}
NUMBERING_LABELS = {"continuous": _("Continuous across sections"), "section": _("Restart in each section")}
AFFILIATION_LABELS = {
    "paren": _("Name (affiliation)"), "comma": _("Name, affiliation"), "slash": _("Name / affiliation"),
    "tab": _("Name ⇥ affiliation (table)"),
}
ORDER_LABELS = {"alphabetical": _("Alphabetical"), "signed": _("In order of signing"), "manual": _("Manual order")}
SOURCE_LABELS = {
    "auto": _("The list (the finalised list once the letter is finalised)"),
    "addendum": _("Addendum: only sign-ons approved after finalisation"),
    "live": _("Today's sign-ons, ignoring the finalised list"),
}


def _language_choices(letter):
    names = dict(settings.LETTER_LANGUAGES)
    return [(code, names.get(code, code)) for code in (letter.languages() or [letter.default_language])]


class ListOptionsMixin(forms.Form):
    order = forms.ChoiceField(label=_("Order"), choices=list(ORDER_LABELS.items()), initial="alphabetical",
                              required=False)
    leads_first = forms.BooleanField(label=_("Lead organisations first"), required=False)
    group_individuals = forms.BooleanField(
        label=_("Organisations, then individuals under their own heading"), required=False, initial=True
    )
    numbering = forms.ChoiceField(label=_("Numbering"), required=False, choices=[
        ("", _("As the letter says")), *((key, NUMBERING_LABELS[key]) for key in NUMBERINGS)])
    affiliation_style = forms.ChoiceField(label=_("Individuals"), required=False, initial="paren",
                                          choices=list(AFFILIATION_LABELS.items()))
    numbers = forms.BooleanField(label=_("Number every name (1. Name)"), required=False)


class ExportForm(ListOptionsMixin, forms.Form):
    """What to export: language, layout, order. Read from GET: exporting changes nothing."""

    language = forms.ChoiceField(label=_("Language"))
    format = forms.ChoiceField(label=_("Layout"), choices=[(key, LAYOUT_LABELS[key]) for key in LAYOUTS],
                               initial="lines")
    source = forms.ChoiceField(label=_("Which list"), choices=list(SOURCE_LABELS.items()), initial="auto",
                               required=False)
    document_list = forms.ChoiceField(
        label=_("List layout in documents (DOCX, PDF)"), initial="lines", required=False,
        choices=[(key, LAYOUT_LABELS[key]) for key in DOCUMENT_LIST_LAYOUTS],
    )
    contacts = forms.BooleanField(
        label=_("Add signers' names and emails (CSV, XLSX, JSON; never for publication)"), required=False
    )

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        self.fields["language"].choices = _language_choices(letter)
        self.fields["language"].initial = letter.default_language
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("exports:letter", kwargs={"slug": letter.slug})
        self.helper.form_id = "export-form"
        self.helper.layout = Layout(
            Div(Div("language", css_class="col-sm-4"), Div("format", css_class="col-sm-8"), css_class="row"),
            Div(Div("order", css_class="col-sm-4"), Div("source", css_class="col-sm-8"), css_class="row"),
            Div(Div("numbering", css_class="col-sm-4"), Div("affiliation_style", css_class="col-sm-8"),
                css_class="row"),
            Field("leads_first"), Field("group_individuals"), Field("numbers"), Field("document_list"),
            Field("contacts"),
            Div(
                StrictButton(_("Preview"), type="submit", name="preview", value="1", css_class="btn-outline-primary"),
                StrictButton(_("Download"), type="submit", css_class="btn-primary",
                             formaction=reverse("exports:download", kwargs={"slug": letter.slug})),
                css_class="d-flex gap-2",
            ),
        )

    def options(self):
        """Keyword arguments for exports.SignatoryList."""
        data = self.cleaned_data
        return {
            "order": data["order"] or "alphabetical", "leads_first": data["leads_first"],
            "group_individuals": data["group_individuals"], "source": data["source"] or "auto",
            "include_contacts": data["contacts"] and data["format"] in ("csv", "xlsx", "json"),
            "numbering": data.get("numbering") or None, "numbers": data.get("numbers", False),
            "affiliation_style": data.get("affiliation_style") or "paren",
        }


class FinaliseForm(ListOptionsMixin, forms.Form):
    """Freeze the list in every language. The order chosen here is the published list's."""

    reason = forms.CharField(label=_("Note for the record (optional)"), required=False, max_length=500)
    confirm = forms.BooleanField(
        label=_("I understand: the list is frozen in every language; later changes need a recorded reopen."),
    )

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        from letters.models import Signature

        # Sign-ons not yet on the list: finalising must not leave them out silently.
        waiting = letter.signatures.filter(status__in=(Signature.Status.CONFIRMED, Signature.Status.PENDING))
        counts = dict(waiting.values_list("status").annotate(n=models.Count("pk")).order_by())
        # Not "confirmed"/"pending": a template's form.confirmed would find the field, not the number.
        self.waiting_confirmed = counts.get(Signature.Status.CONFIRMED, 0)
        self.waiting_pending = counts.get(Signature.Status.PENDING, 0)
        if self.waiting_confirmed:
            self.fields["confirmed"] = forms.ChoiceField(
                label=_("Confirmed sign-ons that nobody has approved yet"), widget=forms.RadioSelect, choices=[
                    ("approve", _("Approve them now and include them in the list")),
                    ("leave", _("Leave them off the list (they can go in an addendum later)")),
                ], error_messages={"required": _("Say what to do with the confirmed sign-ons not yet approved.")})
        self.helper = FormHelper()
        self.helper.form_action = reverse("exports:finalise", kwargs={"slug": letter.slug})
        self.helper.attrs = {"data-confirm": _("Finalise this letter and freeze its list?")}
        self.helper.layout = Layout(
            "confirmed" if self.waiting_confirmed else None,
            "order", "leads_first", "group_individuals", "reason", "confirm",
            StrictButton(_("Finalise the letter"), type="submit", css_class="btn-danger"),
        )
        self.helper.layout.fields = [field for field in self.helper.layout.fields if field is not None]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen? (recorded)"), max_length=500)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("exports:reopen", kwargs={"slug": letter.slug})
        self.helper.layout = Layout(
            "reason", StrictButton(_("Reopen the letter"), type="submit", css_class="btn-outline-danger")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the letter is reopened."))
        return reason
