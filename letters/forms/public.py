"""Forms for signers: the sign-on form and the listing correction form (reached from the confirmation email)."""

import secrets
import time
import unicodedata
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.forms.utils import flatatt
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from letters.countries import sorted_country_names, sorted_region_names
from letters.models import Organisation, Throttle
from letters.text import clean_text

# Formula prefixes: such a "name" is never an organisation, and spreadsheets would run it.
FORMULA_PREFIXES = ("=", "+", "@")
FILL_TIMER_SALT = "letters.signon.form-started"


def clean_name(value):
    """A name fit to publish: one line, no invisible or direction-changing characters, some letters or digits."""
    value = clean_text(value)
    if not value:
        raise forms.ValidationError(_("This field is required."), code="required")
    if not any(ch.isalnum() for ch in value):
        raise forms.ValidationError(_("Please enter a name with letters or digits."), code="no_letters")
    if value.startswith(FORMULA_PREFIXES):
        raise forms.ValidationError(
            _("A name cannot start with “%(char)s”."), code="formula", params={"char": value[0]}
        )
    return value


def clean_message(value):
    """Several lines are fine in a message; control and direction-changing characters are not."""
    lines = [clean_text(line) for line in unicodedata.normalize("NFC", value or "").splitlines()]
    return "\n".join(lines).strip()


# --- the form token (fill timer) -----------------------------------------------------------------------------
# The form carries a signed token: when it was shown, a random nonce, and a digest of the browser's CSRF secret (the
# cookie the form needs anyway; no session row is written for a page anyone may read). A submission is accepted
# only with a token that is at least SIGNON_MIN_FILL_SECONDS old (a bot is faster than a person), at most
# SIGNON_FORM_MAX_AGE_HOURS old, shown to this same browser, and not used before: the nonce is recorded when a
# sign-on goes through (a Throttle row, which holds across processes). SIGNON_MIN_FILL_SECONDS = 0 turns it off.
FORM_TOKEN_SALT = "letters.signon.form-token"
FORM_BINDING_SALT = "letters.signon.form-binding"
TOO_FAST, STALE = "too_fast", "stale"


def browser_binding(request):
    """A digest of this browser's CSRF secret: a token shown to one browser is refused from another."""
    get_token(request)  # creates the secret (and its cookie) for a first visit
    secret = request.META.get("CSRF_COOKIE") or ""
    return salted_hmac(FORM_BINDING_SALT, secret).hexdigest()[:20] if secret else ""


def fill_timer_token(binding=""):
    """Signed (time the form was shown, nonce, browser binding): see "the form token" above."""
    return signing.dumps([time.time(), secrets.token_hex(8), binding], salt=FORM_TOKEN_SALT)


def read_form_token(token):
    """(issued at, nonce, binding), or None for a missing or forged token.

    Tokens of forms shown before tokens were bound (a bare signed time, FILL_TIMER_SALT) have no nonce or binding;
    they are still accepted until they expire, so a deploy does not refuse the forms people have open.
    """
    if not isinstance(token, str) or not token or len(token) > 500:
        return None
    try:
        issued, nonce, binding = signing.loads(token, salt=FORM_TOKEN_SALT)
        return float(issued), str(nonce), str(binding)
    except (signing.BadSignature, TypeError, ValueError):
        pass
    try:
        return float(signing.loads(token, salt=FILL_TIMER_SALT)), None, None
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _nonce_key(nonce):
    return f"signon:form:{nonce}"


def _form_max_age():
    return settings.SIGNON_FORM_MAX_AGE_HOURS * 3600


def _language():
    return translation.get_language() or settings.LANGUAGE_CODE


@lru_cache(maxsize=16)
def country_choices(language):
    """Countries by their everyday CLDR names in `language`, in its alphabetical order (ICU: "Tchad" under T in
    French, "Chad" under C in Spanish), "International" and regions first."""
    return (("", "—"), (_("International and regions"), sorted_region_names(language)),
            (_("Countries"), sorted_country_names(language)))


class CountrySelect(forms.Select):
    """A <select> of ~250 countries whose options are built once per language.

    Django renders each <option> through a template, which costs milliseconds on a page that must serve hundreds
    of requests a second; the output is the same markup.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options = _options_html(_language())
        value = "" if value is None else str(value)
        if value:
            # Codes are two letters: the only place `value="KE">` can occur is KE's own option.
            options = options.replace(f'value="{escape(value)}">', f'value="{escape(value)}" selected>', 1)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options))  # noqa: S308


class CountryChoiceField(forms.ChoiceField):
    """The country select; validated against the set of codes rather than by walking ~250 translated choices."""

    widget = CountrySelect

    def valid_value(self, value):
        return value in _country_codes()


@lru_cache(maxsize=1)
def _country_codes():
    return frozenset(code for code, _name in countries)


@lru_cache(maxsize=16)
def _options_html(language):
    """Escaped <option>s and <optgroup>s of country_choices(language), built once per language."""
    parts = []
    with translation.override(language):
        for group_value, group_label in country_choices(language):
            if isinstance(group_label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', group_value))
                parts.extend(f'<option value="{escape(code)}">{escape(label)}</option>' for code, label in group_label)
                parts.append("</optgroup>")
            else:
                parts.append(f'<option value="{escape(group_value)}">{escape(group_label)}</option>')
    return "".join(parts)


WITHHOLD_ORGANISATION = _("List us as ‘an organisation that cannot be named for security reasons’")
WITHHOLD_INDIVIDUAL = _("List me as ‘a person who cannot be named’")


def withhold_label():
    """Both wordings of the choice, for a letter that takes organisations and individuals: js/public.js shows the
    one for the kind chosen (the blocks marked signon-organisation / signon-individual), as it does for fields."""
    return format_html('<span class="signon-organisation">{}</span> <span class="signon-individual">{}</span>',
                       WITHHOLD_ORGANISATION, WITHHOLD_INDIVIDUAL)


# Optional for individuals, required when signing for an organisation (SignOnForm.clean).
REQUIRED_FOR_ORGANISATIONS = ("organisation_name", "country")


class SignOnForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I am signing"),
        choices=[
            (Organisation.Kind.ORGANISATION, _("for an organisation")),
            (Organisation.Kind.INDIVIDUAL, _("as an individual, for identification purposes only")),
        ],
        initial=Organisation.Kind.ORGANISATION,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label=_("Organisation name, as it should appear on the letter"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    country = CountryChoiceField(label=_("Country"), required=False, choices=lambda: country_choices(_language()))
    # A text input: browsers refuse type="url" values without "https://", which is how most people type them.
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    affiliation = forms.CharField(
        label=_("Affiliation (shown for identification purposes only)"), max_length=300, required=False
    )
    signer_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    signer_email = forms.EmailField(
        label=_("Your email"), max_length=254,
        help_text=_("We send a link to this address to confirm the sign-on. It is never published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent_public = forms.BooleanField(
        label=_("I agree to be listed publicly as a signatory of this letter"),
        error_messages={"required": _("Signing means being listed publicly: please tick this box to sign.")},
    )
    # Offered where the letter allows it (Letter.signers_may_withhold_names): still counted on the letter, named
    # only to its coordinators. Stored as consent_public=False, the coordinators' own "counted, not named".
    withhold_name = forms.BooleanField(
        label=WITHHOLD_ORGANISATION, required=False,
        help_text=_("You are counted on the letter without your name. Only the letter's coordinators see it."),
    )
    message = forms.CharField(
        label=_("Message to the coordinators (optional)"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The honeypot: hidden from people by CSS, filled in by bots that fill in every field.
    reference = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, letter, binding="", **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        self.binding = binding  # browser_binding(request): the form token must come back from the same browser
        if not letter.accepts_individuals:
            del self.fields["kind"], self.fields["affiliation"]
            self.fields["organisation_name"].required = self.fields["country"].required = True
        else:
            # Optional for individuals: the help text says when they are required (marked so by the helper's template).
            for name in REQUIRED_FOR_ORGANISATIONS:
                self.fields[name].help_text = _("Required when signing for an organisation.")
            self.fields["withhold_name"].label = withhold_label()
        if not letter.signers_may_withhold_names:
            del self.fields["withhold_name"]
        self._add_section_choice(letter)

    def _add_section_choice(self, letter):
        """Where the letter lets signers choose: which section of the list they belong in (optional)."""
        sections = [s for s in letter.sections.all() if s.public_choice] if letter.offer_sections else []
        if not sections:
            return
        language = _language()
        self.fields["section"] = forms.TypedChoiceField(
            label=_("Part of the list"), required=False, coerce=int, empty_value=None,
            choices=[("", _("Let the coordinators decide"))]
            + [(s.pk, s.heading(language, letter.default_language)) for s in sections],
        )

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's <form> carries the token
        helper.template = "letters/public/_signon_fields.html"  # form-wide errors go to the error summary
        individuals = self.letter.accepts_individuals
        conditional = "letters/public/_required_for_organisations.html"

        def org_field(name):
            return Field(name, template=conditional) if individuals and name in REQUIRED_FOR_ORGANISATIONS else name

        organisation = Div(
            *(org_field(name) for name in ("organisation_name", "acronym", "country", "website")),
            css_class="signon-organisation",
        )
        helper.layout = Layout(
            Field("kind") if individuals else None,
            organisation,
            Div("affiliation", css_class="signon-individual") if individuals else None,
            "section" if "section" in self.fields else None,
            "signer_name", "signer_email", "consent_public",
            "withhold_name" if "withhold_name" in self.fields else None,
            "message",
            Div("reference", css_class="hp-field", aria_hidden="true"),
        )
        helper.layout.fields = [field for field in helper.layout.fields if field is not None]
        return helper

    def looks_automated(self):
        """A filled honeypot: the caller replies as if all went well and stores nothing."""
        return bool(str(self.data.get("reference", "")).strip())

    def timer_token(self):
        """The form's token: kept when a form comes back with errors, so fixing a typo is not "too fast"; a new one
        when it is missing, expired, from another browser or already used."""
        started = self.data.get("started") if self.is_bound else None
        return started if self._token_problem(started, check_speed=False) is None else fill_timer_token(self.binding)

    def clean_organisation_name(self):
        value = self.cleaned_data["organisation_name"]
        return clean_name(value) if clean_text(value) else ""

    def clean_acronym(self):
        value = clean_text(self.cleaned_data["acronym"])
        return clean_name(value) if value else ""

    def clean_affiliation(self):
        value = clean_text(self.cleaned_data["affiliation"])
        return clean_name(value) if value else ""

    def clean_signer_name(self):
        return clean_name(self.cleaned_data["signer_name"])

    def clean_signer_email(self):
        return self.cleaned_data["signer_email"].strip().lower()

    def clean_message(self):
        return clean_message(self.cleaned_data["message"])

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("kind", Organisation.Kind.ORGANISATION)
        # One choice in the stored sign-on: listed by name, or counted without it (consent_public=False).
        if cleaned.pop("withhold_name", False) and cleaned.get("consent_public"):
            cleaned["consent_public"] = False
        if cleaned["kind"] == Organisation.Kind.ORGANISATION:
            for name in REQUIRED_FOR_ORGANISATIONS:
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, forms.ValidationError(_("This field is required."), code="required"))
        self._check_fill_time()
        return cleaned

    def _check_fill_time(self):
        if settings.SIGNON_MIN_FILL_SECONDS <= 0:
            return
        token = self.data.get("started")
        problem = self._token_problem(token)
        if problem is None and not self._errors:
            # The sign-on goes ahead (unless a limit stops it): this token is used up.
            nonce = read_form_token(token)[1]
            if nonce is not None and not Throttle.allow(_nonce_key(nonce), 1, per_seconds=_form_max_age()):
                problem = STALE
        if problem == TOO_FAST:
            raise forms.ValidationError(
                _("That was quick! Please check your details and send the form again."), code="too_fast"
            )
        if problem == STALE:
            raise forms.ValidationError(
                _("This form was open for a long time or has already been sent. Please check your details and "
                  "send it again."), code="stale"
            )

    def _token_problem(self, token, check_speed=True):
        """None for a token this submission may use; TOO_FAST (missing, forged or too young) or STALE."""
        parsed = read_form_token(token)
        if parsed is None:
            return TOO_FAST
        issued, nonce, binding = parsed
        age = time.time() - issued
        if check_speed and age < settings.SIGNON_MIN_FILL_SECONDS:
            return TOO_FAST
        if age > _form_max_age() or age < -60:
            return STALE
        if nonce is not None and (binding != self.binding or Throttle.objects.filter(key=_nonce_key(nonce)).exists()):
            return STALE
        return None


class ListingForm(forms.Form):
    """The signer corrects the name shown on this letter (not the directory: that is the coordinators' job)."""

    name = forms.CharField(label=_("Name as it should appear on the letter"), max_length=300)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        return helper


class NameChoiceForm(forms.Form):
    """The signer's own page: be named on the letter, or counted without a name (where the letter allows it)."""

    withhold = forms.TypedChoiceField(
        choices=[("yes", _("Not named")), ("no", _("Named"))], coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
