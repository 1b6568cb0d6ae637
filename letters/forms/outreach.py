"""Forms of the outreach area: choosing whom to invite, the letter's reminder settings, contacts."""

from crispy_forms.helper import FormHelper
from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy as _

from letters.countries import sorted_country_names
from letters.models import Contact, Letter, Organisation, Tag
from letters.models.outreach import EmailSuppression
from letters.services.invitations import select_organisations
from letters.services.regions import REGIONS

# How many organisations a search "by hand" offers to tick at once.
SEARCH_LIMIT = 50


def is_id(value):
    """A database id as typed in a URL; longer numbers would overflow the database's integer (a 500, not an error)."""
    return str(value).isdigit() and len(str(value)) <= 18


class IdsChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class OrganisationChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.country.name})" if obj.country else obj.name


class InviteForm(forms.Form):
    """Whom to invite: organisations matching ANY of the choices. Bound to GET to preview, to POST to send."""

    regions = forms.MultipleChoiceField(
        label=_("Regions"), choices=REGIONS, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations recorded under the region and those in any of its countries."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    tags = IdsChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    signed_letters = IdsChoiceField(
        label=_("Everyone who signed"), queryset=Letter.objects.none(), required=False,
        help_text=_("Organisations that signed one of these letters (including sign-ons not yet confirmed)."),
    )
    q = forms.CharField(label=_("Find organisations by name"), required=False, max_length=200)
    organisations = OrganisationChoiceField(
        label=_("Organisations chosen by hand"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Find them by name, tick them, then preview."),
    )

    def __init__(self, *args, letter, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        # Everyday CLDR names in the page's language and its alphabetical order (regions have their own field).
        self.fields["countries"].choices = sorted_country_names(get_language() or settings.LANGUAGE_CODE)
        other_letters = Letter.objects.coordinated_by(user).exclude(pk=letter.pk)
        self.fields["signed_letters"].queryset = other_letters
        self.fields["organisations"].queryset = self._organisation_choices()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "invite-form"
        self.helper.attrs = {"data-tick-all": _("Tick all"), "data-tick-none": _("Untick all")}
        parts = [
            Fieldset(_("By region or country"), "regions", "countries"),
            Fieldset(_("By tag"), "tags") if Tag.objects.exists() else None,  # no tags yet: nothing to show
            Fieldset(_("Signed another letter"), "signed_letters") if other_letters.exists() else None,
            Fieldset(_("By hand"), "q", "organisations"),
            StrictButton(_("Find and preview"), type="submit", name="preview", css_class="btn btn-outline-primary"),
        ]
        self.helper.layout = Layout(*[part for part in parts if part is not None])

    def _organisation_choices(self):
        """Those already ticked plus the search results: never the whole directory in one page."""
        ticked = [pk for pk in self.data.getlist("organisations") if is_id(pk)] if self.data else []
        query = self.data.get("q", "").strip() if self.data else ""
        found = Organisation.objects.search(query).values_list("pk", flat=True)[:SEARCH_LIMIT] if query else []
        return Organisation.objects.filter(pk__in=[*ticked, *found]).order_by("sort_name", "name")

    def has_choice(self):
        data = self.cleaned_data
        return any(data.get(name) for name in ("regions", "countries", "tags", "signed_letters", "organisations"))

    def clean(self):
        cleaned = super().clean()
        if not self.letter.is_open:
            raise forms.ValidationError(_("This letter is not open for sign-on: open it before inviting partners."))
        return cleaned

    def selection(self):
        data = self.cleaned_data
        return select_organisations(
            organisations=data["organisations"], countries=data["countries"], regions=data["regions"],
            tags=data["tags"], signed_letters=data["signed_letters"],
        )


class OutreachSettingsForm(forms.ModelForm):
    """When reminders go out and how coordinators hear about new sign-ons, per letter."""

    class Meta:
        model = Letter
        fields = ["reminder_days", "notify"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reminder_days(self):
        parts = [part.strip() for part in self.cleaned_data["reminder_days"].split(",") if part.strip()]
        if not all(part.isdigit() and 1 <= int(part) <= 365 for part in parts):
            raise forms.ValidationError(
                _("Write whole numbers of days between 1 and 365, separated by commas, e.g. 7,2.")
            )
        return ",".join(str(days) for days in sorted({int(part) for part in parts}, reverse=True))


class ContactForm(forms.ModelForm):
    """Add a contact. An address that unsubscribed is recorded as such (the view warns): only staff, at the
    person's request, can lift an unsubscribe; adding the address again must not do it silently."""

    class Meta:
        model = Contact
        fields = ["name", "email", "language"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["language"].choices = [("", _("The letter’s language")), *settings.LETTER_LANGUAGES]
        self.helper = FormHelper()
        self.helper.add_input(Submit("add", _("Add contact")))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation.contacts.filter(email=email).exists():
            raise forms.ValidationError(_("This organisation already has a contact with this address."))
        return email

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        suppression = EmailSuppression.objects.of(self.instance.email).first()
        if suppression is not None:
            self.instance.unsubscribed_at = suppression.at
        return super().save(commit=commit)
