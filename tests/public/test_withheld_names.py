"""Withheld names, asked by the signer: counted on the letter as "an organisation that cannot be named for security
reasons" (or a person who cannot be named), named only to the letter's coordinators."""

import re

import pytest
from django.utils import timezone

from letters.emails import ensure_rendered
from letters.emails import outreach as outreach_emails
from letters.exports import TEXT_LAYOUTS, SignatoryList
from letters.layouts import render_text
from letters.models import Letter, OutgoingEmail, Signature
from letters.services.invitations import select_organisations, send_invitations
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import last_email_to, link_from
from tests.public.helpers import sign as sign_as


pytestmark = pytest.mark.django_db

SECRET = "Quiet Harbour Defenders"
SECRET_EMAIL = "ruth@quiet-harbour.example.org"
SECRET_PERSON = "Zainab Withheldperson"
NAMED = "Open Square Alliance"
LANGUAGES = ("en", "fr", "es")


@pytest.fixture
def letter(coordinator):
    return LetterFactory(slug="withheld-letter", coordinators=[coordinator], languages=list(LANGUAGES),
                         accepts_individuals=True)


def sign(client, letter, language="en", **overrides):
    """The form as a partner fills it in on this letter, which also takes individuals."""
    return sign_as(client, letter, language, **{"kind": "organisation", **overrides})


def _approve(signature, coordinator):
    signature.refresh_from_db()
    signature.confirm()
    signature.approve(by=coordinator)
    signature.refresh_from_db()
    return signature


@pytest.fixture
def withheld(client, letter, coordinator):
    """An organisation that signed through the form asking not to be named, approved by a coordinator."""
    sign(client, letter, organisation_name=SECRET, acronym="QHD", signer_name="Ruth Ndlovu",
         signer_email=SECRET_EMAIL, withhold_name="on")
    return _approve(Signature.objects.get(signer_email=SECRET_EMAIL), coordinator)


@pytest.fixture
def named(client, letter, coordinator):
    sign(client, letter, organisation_name=NAMED, acronym="", signer_name="Omar Haddad",
         signer_email="omar@open-square.example.org")
    return _approve(Signature.objects.get(signer_email="omar@open-square.example.org"), coordinator)


@pytest.fixture
def withheld_person(client, letter, coordinator):
    sign(client, letter, kind="individual", organisation_name="", acronym="", country="", website="",
         signer_name=SECRET_PERSON, signer_email="zainab@mail.example.org", withhold_name="on")
    return _approve(Signature.objects.get(signer_email="zainab@mail.example.org"), coordinator)


# --- the form --------------------------------------------------------------------------------------------------

def test_the_form_offers_the_choice_where_the_letter_allows_it(client, letter):
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    assert 'name="withhold_name"' in html
    assert "List us as ‘an organisation that cannot be named for security reasons’" in html
    assert "List me as ‘a person who cannot be named’" in html  # shown instead when signing as an individual


def test_a_letter_for_organisations_only_offers_the_organisations_wording(client, letter):
    Letter.objects.filter(pk=letter.pk).update(accepts_individuals=False)
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    assert "List us as ‘an organisation that cannot be named for security reasons’" in html
    assert "a person who cannot be named" not in html


def test_the_form_does_not_offer_it_where_the_letter_does_not(client, letter):
    client.get(f"/en/letters/{letter.slug}/")  # the blank form is cached per language: it must not be reused
    letter.signers_may_withhold_names = False
    letter.save()
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    assert 'name="withhold_name"' not in html and "cannot be named" not in html
    assert sign(client, letter, withhold_name="on").status_code == 302  # a forged field changes nothing
    assert Signature.objects.get().consent_public is True


def test_choosing_it_stores_the_sign_on_as_not_named(withheld, withheld_person):
    assert withheld.consent_public is False and withheld_person.consent_public is False
    assert withheld.status == Signature.Status.APPROVED


def test_not_choosing_it_stores_a_named_sign_on(named):
    assert named.consent_public is True


def test_signing_still_needs_the_consent_to_be_listed(client, letter):
    response = sign(client, letter, consent_public=None, withhold_name="on")
    assert response.status_code == 200 and not Signature.objects.exists()


# --- never named in public ----------------------------------------------------------------------------------------

NO_MATCH = "Nomatchword"
QUERIES = ("Quiet", "harbour", "Defenders", "QHD", "Zainab", "Withheldperson", "Ndlovu")


def _public_outputs(client, letter):
    """Every public page and download of the letter, in each of its languages."""
    outputs = {}
    for language in LANGUAGES:
        base = f"/{language}/letters/{letter.slug}/"
        for path in (base, f"{base}?version=fr", f"{base}signatories/", f"{base}signatories/signatories.txt",
                     f"{base}signatories/signatories.csv", f"{base}thanks/", f"{base}signatories/?q=Open"):
            response = client.get(path)
            assert response.status_code == 200, path
            outputs[path] = response.content.decode("utf-8-sig")
    outputs["home"] = client.get("/en/").content.decode()
    return outputs


def test_a_withheld_signer_is_never_named_on_a_public_page_or_download(client, letter, withheld, withheld_person,
                                                                       named):
    outputs = _public_outputs(client, letter)
    for path, content in outputs.items():
        for secret in (SECRET, "QHD", SECRET_PERSON, "Withheldperson", "Ruth Ndlovu", SECRET_EMAIL):
            assert secret not in content, (secret, path)
    # …while the list itself is there, with the named signatory and the count of those not named.
    assert NAMED in outputs[f"/en/letters/{letter.slug}/"]
    assert "and 2 organisations that cannot be named for security reasons" in outputs[f"/en/letters/{letter.slug}/"]
    assert NAMED in outputs[f"/fr/letters/{letter.slug}/signatories/signatories.csv"]
    assert NAMED in outputs[f"/es/letters/{letter.slug}/signatories/?q=Open"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_searching_the_list_for_a_withheld_name_finds_nothing(client, letter, withheld, withheld_person, named,
                                                              language):
    path = f"/{language}/letters/{letter.slug}/signatories/"
    nothing = _without_tokens(client.get(path, {"q": NO_MATCH}).content.decode())
    for query in QUERIES:
        # The page echoes what the visitor typed (the search box, the language switcher's link): apart from that,
        # it is the page of a search that matched no one.
        page = _without_tokens(client.get(path, {"q": query}).content.decode())
        assert page.replace(query, NO_MATCH) == nothing, query
    # The comparison does tell a match: a named signatory is found.
    found = _without_tokens(client.get(path, {"q": "Square"}).content.decode())
    assert NAMED in found and found.replace("Square", NO_MATCH) != nothing


def _without_tokens(html):
    """The page without its CSRF tokens (masked anew in each response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_public_counts_include_withheld_signers(client, letter, withheld, named):
    letter.refresh_from_db()
    assert (letter.count_organisations, letter.count_unnamed) == (2, 1)
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    assert "2 organisations have signed." in html
    assert "and 1 organisation that cannot be named for security reasons" in html


def test_other_signers_emails_never_name_a_withheld_signer(client, letter, withheld, withheld_person):
    for language in LANGUAGES:
        sign(client, letter, language, organisation_name=f"Later Partner {language}", acronym="",
             signer_email=f"later-{language}@partner.example.org")
        body = last_email_to(f"later-{language}@partner.example.org")
        for part in (body.subject, body.body_text, body.body_html):
            assert SECRET not in part and SECRET_PERSON not in part


def test_invitations_never_name_a_withheld_signer(letter, withheld, withheld_person):
    partner = OrganisationFactory(name="Invited Partner")
    ContactFactory(organisation=partner, email="ines@invited.example.org", language="fr")
    send_invitations(letter, select_organisations(organisations=[partner]))
    email = ensure_rendered(OutgoingEmail.objects.get(kind="invitation"))
    for part in (email.subject, email.body_text, email.body_html):
        assert SECRET not in part and SECRET_PERSON not in part and "Invited Partner" in email.body_text


def test_the_letters_coordinators_are_told_the_name_and_the_choice(letter, withheld, coordinator):
    email = ensure_rendered(outreach_emails.sign_on_notification(withheld, coordinator))
    assert email.to == coordinator.email
    assert SECRET in email.body_text and "Not to be named publicly: counted only" in email.body_text
    assert "Not to be named publicly: counted only" in email.body_html


# --- exports ------------------------------------------------------------------------------------------------------

def test_exports_count_withheld_signers_without_naming_them(letter, withheld, withheld_person, named):
    for language in LANGUAGES:
        signatories = SignatoryList(letter, language)
        assert signatories.unnamed == 2
        for layout in TEXT_LAYOUTS:
            text = render_text(SignatoryList(letter, language), layout)
            assert SECRET not in text and SECRET_PERSON not in text, layout
            assert NAMED in text and "2" in text
    assert "and 2 organisations that cannot be named" in render_text(SignatoryList(letter, "en"), "lines")


# --- the confirmation email -----------------------------------------------------------------------------------

def test_the_confirmation_email_states_the_choice(client, letter, withheld, withheld_person):
    email = last_email_to(SECRET_EMAIL)
    expected = "You asked not to be named: you will be counted as ‘an organisation that cannot be named for security"
    assert expected in email.body_text and expected in email.body_html.replace("&#x27;", "'")
    person = last_email_to("zainab@mail.example.org")
    assert "you will be counted as ‘a person who cannot be named’" in person.body_text


def test_a_named_signers_confirmation_says_nothing_of_it(named):
    assert "You asked not to be named" not in last_email_to("omar@open-square.example.org").body_text


# --- changing the choice through the manage link --------------------------------------------------------------

def _manage_path(address):
    return link_from(last_email_to(address).body_text, "manage")


def test_the_signer_changes_the_choice_while_the_letter_is_open(client, letter, named):
    manage = _manage_path("omar@open-square.example.org")
    page = client.get(manage).content.decode()
    assert "List us as ‘an organisation that cannot be named for security reasons’" in page

    response = client.post(manage, {"withhold": "yes"}, follow=True)
    assert "your name is not shown" in response.content.decode()
    named.refresh_from_db()
    assert named.consent_public is False
    letter.refresh_from_db()
    assert letter.count_unnamed == 1
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    assert NAMED not in html and "and 1 organisation that cannot be named" in html  # at once

    page = client.get(manage).content.decode()
    assert "Not named: counted as" in page and "Show my name on the letter" in page
    client.post(manage, {"withhold": "no"})
    named.refresh_from_db()
    assert named.consent_public is True
    assert NAMED in client.get(f"/en/letters/{letter.slug}/").content.decode()
    events = [(e.action, e.reason) for e in named.events.filter(action__startswith="name ")]
    assert [action for action, _reason in events] == ["name withheld", "name shown"]
    assert all("omar@open-square.example.org" in reason for _action, reason in events)


def test_a_get_changes_nothing(client, named):
    client.get(_manage_path("omar@open-square.example.org") + "?withhold=yes")
    named.refresh_from_db()
    assert named.consent_public is True


@pytest.mark.parametrize("status", [Letter.Status.CLOSED, Letter.Status.FINALISED])
def test_the_choice_is_refused_once_the_letter_is_closed_or_finalised(client, letter, named, status):
    manage = _manage_path("omar@open-square.example.org")
    Letter.objects.filter(pk=letter.pk).update(status=status)
    assert "List us as" not in client.get(manage).content.decode()
    client.post(manage, {"withhold": "yes"})
    named.refresh_from_db()
    assert named.consent_public is True and not named.events.filter(action="name withheld").exists()


def test_the_choice_is_refused_after_the_deadline(client, letter, named):
    manage = _manage_path("omar@open-square.example.org")
    Letter.objects.filter(pk=letter.pk).update(deadline=timezone.now() - timezone.timedelta(minutes=1))
    client.post(manage, {"withhold": "yes"})
    named.refresh_from_db()
    assert named.consent_public is True


def test_the_choice_is_not_offered_where_the_letter_does_not_allow_it(client, letter, named):
    manage = _manage_path("omar@open-square.example.org")
    Letter.objects.filter(pk=letter.pk).update(signers_may_withhold_names=False)
    assert "List us as" not in client.get(manage).content.decode()
    client.post(manage, {"withhold": "yes"})
    named.refresh_from_db()
    assert named.consent_public is True


def test_a_withdrawn_sign_on_cannot_change_it(client, letter, named):
    manage = _manage_path("omar@open-square.example.org")
    named.withdraw(reason="test")
    client.post(manage, {"withhold": "yes"})
    named.refresh_from_db()
    assert named.consent_public is True


def test_an_individual_is_offered_the_persons_wording(client, letter, coordinator):
    sign(client, letter, kind="individual", organisation_name="", acronym="", country="", website="",
         signer_name="Lena Named", signer_email="lena@mail.example.org")
    page = client.get(_manage_path("lena@mail.example.org")).content.decode()
    assert "List me as ‘a person who cannot be named’" in page
    assert "an organisation that cannot be named" not in page


def test_a_pending_sign_on_can_change_it_before_approval(client, letter):
    sign(client, letter, signer_email="early@ccv.example.org")
    client.post(_manage_path("early@ccv.example.org"), {"withhold": "yes"})
    signature = Signature.objects.get()
    assert signature.consent_public is False and signature.status == Signature.Status.PENDING


def test_coordinator_set_unnamed_sign_ons_are_unchanged(letter):
    # The coordinators' own "counted, not named" (set on the dashboard) is the same field: still counted.
    SignatureFactory(letter=letter, consent_public=False, organisation=OrganisationFactory(name="Hidden By Coord"))
    letter.refresh_from_db()
    assert letter.count_unnamed == 1


def test_the_confirmation_page_says_the_sign_on_is_counted_without_the_name(client, letter):
    letter.requires_approval = False
    letter.save()
    sign(client, letter, signer_email="quiet@ccv.example.org", withhold_name="on")
    confirm = link_from(last_email_to("quiet@ccv.example.org").body_text, "confirm")
    html = client.post(confirm, follow=True).content.decode()
    assert "It is counted on the list of signatories, without the name." in html
    assert "Not named: counted as ‘an organisation that cannot be named for security reasons’" in html
