"""Forms of the coordinator workspace: letters and versions, moderating sign-ons, adding lists, the directory."""

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy as _

from letters.collation import sort_key
from letters.countries import country_names, sorted_country_names, sorted_region_names
from letters.models import Letter, LetterVersion, Organisation, Signature
from letters.parsing import LAYOUTS

# Long enough for any real list (seed lists are under 50 lines); a bound on the work one request can ask for.
MAX_PASTE_CHARS = 200_000
MAX_SEARCH = 200


def _country_choices(blank=_("No country")):
    """Regions, then countries, by their CLDR names in the page's language and in its alphabetical order."""
    language = get_language() or settings.LANGUAGE_CODE
    return [("", blank), *sorted_region_names(language), *sorted_country_names(language)]


class LetterCreateForm(forms.ModelForm):
    """A new draft letter with its language versions (used by the workspace and by `manage.py create_letter`)."""

    languages = forms.MultipleChoiceField(
        label=_("Language versions"), choices=settings.LETTER_LANGUAGES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "language-choice"}),
        help_text=_("One version per language; the texts can be filled in afterwards."),
    )

    class Meta:
        model = Letter
        fields = ["title", "slug", "languages", "default_language", "deadline", "requires_approval",
                  "list_public_while_open", "accepts_individuals"]
        widgets = {"deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def clean(self):
        data = super().clean()
        languages = data.get("languages") or []
        if data.get("default_language") and languages and data["default_language"] not in languages:
            self.add_error("default_language", _("The default language must be one of the letter's versions."))
        return data

    @transaction.atomic
    def save(self, commit=True):
        letter = super().save()
        for language in self.cleaned_data["languages"]:
            LetterVersion.objects.create(letter=letter, language=language, title=letter.title)
        return letter


class LetterSettingsForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = ["title", "default_language", "deadline", "requires_approval", "list_public_while_open",
                  "accepts_individuals", "signers_may_withhold_names", "reminder_days", "notify", "paper_size",
                  "confidential", "publish_at", "embed_origins"]
        widgets = {"deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "publish_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "embed_origins": forms.Textarea(attrs={"rows": 3})}

    def clean_embed_origins(self):
        # Each line ends up in a Content-Security-Policy header: only clean origins are kept (parse_origins says
        # which line is wrong and why).
        from letters.views.embed import parse_origins

        return "\n".join(parse_origins(self.cleaned_data["embed_origins"]))

    def clean_default_language(self):
        language = self.cleaned_data["default_language"]
        versions = self.instance.languages()
        if versions and language not in versions:
            raise forms.ValidationError(_("Add a version in this language first."))
        return language


class LetterVersionForm(forms.ModelForm):
    class Meta:
        model = LetterVersion
        fields = ["language", "title", "addressee", "date_line", "body", "closing", "signatories_label", "organisations_label",
                  "individuals_label", "unnamed_label"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "addressee": forms.Textarea(attrs={"rows": 2})}

    # Once partners can read and sign the text, each save of it is a revision: the coordinator says what kind.
    change_kind = forms.ChoiceField(
        label=_("What kind of change is this?"), required=False, widget=forms.RadioSelect, initial="editorial",
        choices=[("editorial", _("Editorial (typos, formatting): nobody is told")),
                 ("substantive", _("Substantive: everyone who signed an earlier text is told and may withdraw"))],
    )
    change_note = forms.CharField(
        label=_("Note on the change"), required=False, max_length=300,
        help_text=_("Short, shown in the text's history and in the email to signers."),
    )

    def __init__(self, *args, letter, **kwargs):
        from letters.models.revisions import tracks_changes

        super().__init__(*args, **kwargs)
        self.letter = letter
        self.instance.letter = letter
        if self.instance.pk:
            # A version's language is what links it to signers' choices; changing it is a new version.
            del self.fields["language"]
        self.tracks_revisions = tracks_changes(self.instance)
        if not self.tracks_revisions:
            del self.fields["change_kind"], self.fields["change_note"]

    def clean(self):
        from letters.services.revisions import text_changed

        cleaned = super().clean()
        self.changes_text = self.tracks_revisions and text_changed(self.instance, cleaned)
        if self.changes_text:
            # The choice starts on "editorial" (a form posted without it, e.g. by a script, means the same):
            # telling signers is the deliberate act, and it is confirmed on a second page.
            kind = cleaned["change_kind"] = cleaned.get("change_kind") or "editorial"
            if kind == "substantive" and not cleaned.get("change_note", "").strip():
                self.add_error("change_note", _("Say in a few words what changed: signers will read it."))
        return cleaned

    def clean_language(self):
        language = self.cleaned_data["language"]
        if self.letter.versions.filter(language=language).exists():
            raise forms.ValidationError(_("This letter already has a version in this language."))
        return language


class LetterStatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", _("Open")), ("close", _("Close")), ("reopen", _("Reopen"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


# --- the letter dashboard ---------------------------------------------------------------------------------

FLAG_CHOICES = [
    ("", _("Any")),
    ("any", _("Any flag")),
    ("new", _("New organisation")),
    ("duplicate", _("Near-duplicate")),
    ("domain", _("Email domain mismatch")),
    ("lead", _("Lead organisations")),
]
SORT_CHOICES = [
    ("position", _("Manual order")),
    ("name", _("Name")),
    ("country", _("Country")),
    ("status", _("Status")),
    ("-signed", _("Newest first")),
    ("signed", _("Oldest first")),
]


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Signature.Status.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("Any")), *settings.LETTER_LANGUAGES])
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=FLAG_CHOICES)
    section = forms.ChoiceField(label=_("Section"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, country_codes=(), sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        if sections:
            self.fields["section"].choices = [("", _("Any")), ("none", _("No section")),
                                              *((str(s.pk), str(s)) for s in sections)]
        else:
            del self.fields["section"]
        language = get_language() or settings.LANGUAGE_CODE
        names = country_names(language)
        self.fields["country"].choices = [("", _("Any")), ("-", _("No country"))] + sorted(
            ((code, names.get(code, code)) for code in country_codes if code),
            key=lambda pair: sort_key(pair[1], language),
        )


ROW_ACTIONS = [
    ("approve", _("Approve")),
    ("reject", _("Reject")),
    ("withdraw", _("Mark withdrawn")),
    ("lead", _("Mark as lead organisation")),
    ("unlead", _("Remove lead mark")),
]
SECTION_ACTION = ("section", _("Move to section…"))


MAX_ID = 2**63 - 1


def valid_id(value):
    """`value` as a database id, or None: SQLite raises OverflowError on ids beyond 64 bits instead of finding none."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_ID else None


class SignatureChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if any(valid_id(pk) is None for pk in value):
            raise forms.ValidationError(_("Tick sign-ons of this letter only."))
        return super()._check_values(value)


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=ROW_ACTIONS)
    section = forms.CharField(label=_("Section"), required=False, max_length=20)
    signatures = SignatureChoiceField(queryset=Signature.objects.none(), error_messages={
        "required": _("Tick at least one sign-on.")})
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this letter's sign-ons: ids of another letter's sign-ons are refused, not acted on.
        self.fields["signatures"].queryset = letter.signatures.select_related("organisation")
        self.letter = letter
        self.section_choices = [(s.pk, str(s)) for s in letter.sections.all()]
        if self.section_choices:
            self.fields["action"].choices = [*ROW_ACTIONS, SECTION_ACTION]

    def clean(self):
        data = super().clean()
        if data.get("action") == "section":
            from letters.forms.sections import section_choice

            ok, data["section"] = section_choice(self.letter, data.get("section"))
            if not ok:
                self.add_error("section", _("Choose a section of this letter."))
        if data.get("action") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why these sign-ons are rejected."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.TextInput(attrs={"placeholder": _("Why (kept in the history)")}))

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class RenameForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["name_override"]
        labels = {"name_override": _("Name shown on this letter")}
        help_texts = {"name_override": _("Leave empty to show the directory's name in each language.")}


class MoveForm(forms.Form):
    position = forms.IntegerField(label=_("Move to position"), min_value=1, max_value=1_000_000, required=False)
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))], required=False)

    def clean(self):
        data = super().clean()
        if not data.get("position") and not data.get("direction"):
            raise forms.ValidationError(_("Give a position."))
        return data


class AddSignatureForm(forms.Form):
    """One sign-on received by email."""

    name = forms.CharField(label=_("Organisation (as it should appear)"), max_length=300)
    country = forms.ChoiceField(label=_("Country"), required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)
    signer_email = forms.EmailField(label=_("Signer's email"), required=False)
    language = forms.ChoiceField(label=_("Language"))
    is_lead = forms.BooleanField(label=_("Lead organisation"), required=False)
    consent_public = forms.BooleanField(label=_("May be listed publicly"), required=False, initial=True)
    note = forms.CharField(label=_("Note for the history"), max_length=500, required=False,
                           help_text=_('e.g. "email from the director, 3 May"'))
    choice = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()
        self.fields["language"].choices = letter_language_choices(letter)
        self.fields["language"].initial = letter.default_language


def letter_language_choices(letter):
    names = dict(settings.LETTER_LANGUAGES)
    languages = letter.languages() or list(names)
    return [(code, names.get(code, code)) for code in languages]


LAYOUT_CHOICES = [
    ("auto", _("Detect")), ("lines", _("One name a line")), ("numbered", _("Numbered")),
    ("name-country", _("Name, country")), ("inline", _("Inline paragraph (commas)")),
]
assert [code for code, _label in LAYOUT_CHOICES] == list(LAYOUTS), "keep in step with parsing.LAYOUTS"


class PasteForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the list"))
    layout = forms.ChoiceField(label=_("Layout"), choices=LAYOUT_CHOICES)
    text = forms.CharField(
        label=_("The list as you received it"), max_length=MAX_PASTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace"}),
    )
    skip_invalid = forms.BooleanField(label=_("Import without the lines that could not be read"), required=False)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = letter_language_choices(letter)
        self.fields["language"].initial = letter.default_language


class PickLetterForm(forms.Form):
    letter = forms.ModelChoiceField(label=_("Letter"), queryset=Letter.objects.none(), to_field_name="slug")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].queryset = Letter.objects.coordinated_by(user)


# --- the directory ----------------------------------------------------------------------------------------


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH)
    country = forms.ChoiceField(label=_("Country"), required=False)
    letter = forms.ModelChoiceField(label=_("Signed"), required=False, queryset=Letter.objects.none(),
                                    to_field_name="slug", empty_label=_("Any letter"))
    review = forms.BooleanField(label=_("Needs review"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(blank=_("Any"))
        # Only letters the user may see the signatories of.
        self.fields["letter"].queryset = Letter.objects.coordinated_by(user).order_by("title")


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "sort_name", "country", "kind", "website", "email_domains", "affiliation",
                  "needs_review", "notes"]


class OrganisationChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and valid_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class MergeForm(forms.Form):
    """Fold `remove` into `keep`. Letters both signed need an explicit choice of which sign-on stays."""

    keep = OrganisationChoiceField(queryset=Organisation.objects.all(), widget=forms.HiddenInput)
    remove = OrganisationChoiceField(queryset=Organisation.objects.all(), widget=forms.HiddenInput)
    keep_names = forms.BooleanField(
        label=_("Keep the names shown on letters as they are"), required=False, initial=True,
        help_text=_("Sign-ons moved from the removed record keep its name on each letter (recommended for "
                    "published letters)."),
    )

    def __init__(self, *args, conflicts=(), **kwargs):
        """`conflicts`: one sign-on per letter both organisations signed (with the `letter_label` to show)."""
        super().__init__(*args, **kwargs)
        for signature in conflicts:
            self.fields[f"conflict_{signature.letter_id}"] = forms.ChoiceField(
                label=signature.letter_label, required=False, widget=forms.RadioSelect,
                choices=[("keep", _("Keep the sign-on of the record that stays")),
                         ("remove", _("Keep the sign-on of the record being merged"))],
            )

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("remove") and data["keep"].pk == data["remove"].pk:
            raise forms.ValidationError(_("Choose two different organisations."))
        return data

    def resolutions(self):
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()
                if name.startswith("conflict_") and value}
