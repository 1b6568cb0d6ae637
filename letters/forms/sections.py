"""Forms of the list sections page."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, Section
from letters.text import clean_text


class NewSectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    language = forms.ChoiceField(label=_("Language of the heading"))
    kind = forms.ChoiceField(label=_("Who goes here"), choices=Section.Kind.choices, required=False)

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LETTER_LANGUAGES)
        languages = letter.languages() or [letter.default_language]
        self.fields["language"].choices = [(code, names.get(code, code)) for code in languages]
        self.fields["language"].initial = letter.default_language
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean_heading(self):
        heading = clean_text(self.cleaned_data["heading"])
        if not heading:
            raise forms.ValidationError(_("Give the section a heading."))
        return heading


class SectionSettingsForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = ["numbering", "offer_sections"]
        widgets = {"numbering": forms.Select(attrs={"class": "form-select"}),
                   "offer_sections": forms.CheckboxInput(attrs={"class": "form-check-input"})}


def section_choice(letter, value):
    """(valid, section or None) for a posted section id ("" or "none": no section)."""
    value = str(value or "").strip()
    if value in ("", "none"):
        return True, None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        return False, None
    section = letter.sections.filter(pk=int(value)).first()
    return section is not None, section
