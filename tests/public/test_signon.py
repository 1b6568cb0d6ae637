"""Signing on from the public form: matching to the directory, the outbox, abuse limits, invitations."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from letters import signals
from letters.services import signon
from letters.forms.public import FILL_TIMER_SALT, fill_timer_token
from letters.models import (
    Contact, Invitation, Letter, Organisation, OrganisationAlias, OutgoingEmail, Signature, SignatureEvent, Throttle,
)
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import form_data, last_email_to, sign

pytestmark = pytest.mark.django_db

THANKS = "/en/letters/open-letter/thanks/"


def test_signing_saves_a_pending_sign_on_and_queues_the_confirmation_email(client, open_letter):
    response = sign(client, open_letter)
    assert response.status_code == 302 and response["Location"] == THANKS
    signature = Signature.objects.get(letter=open_letter)
    assert signature.status == Signature.Status.PENDING
    assert (signature.signer_name, signature.signer_email) == ("Amina Odhiambo", "amina@ccv.example.org")
    assert signature.submitted_name == "Centre for Civic Voices" and signature.source == Signature.Source.WEB
    assert signature.signed_at and signature.events.filter(action="signed").exists()
    email = last_email_to("amina@ccv.example.org")
    # Only queued: with the (dummy) task backend nothing was sent during the request.
    assert email.state == OutgoingEmail.State.QUEUED and email.signature == signature
    assert "/en/letters/open-letter/confirm/" in email.body_text
    assert "Please confirm your sign-on" in email.subject


def test_thanks_page_asks_to_check_the_email(client, open_letter):
    html = client.get(sign(client, open_letter)["Location"]).content.decode()
    assert "Please check your email." in html


def test_confirmation_email_is_in_the_signers_language(client, open_letter):
    sign(client, open_letter, language="fr")
    email = last_email_to("amina@ccv.example.org")
    assert email.language == "fr" and "/fr/letters/open-letter/confirm/" in email.body_text
    assert Signature.objects.get().language == "fr"


def test_submitted_signal_is_sent_after_the_sign_on_commits(client, open_letter, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, signature, **kwargs):
        received.append(signature)

    signals.signature_submitted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sign(client, open_letter)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        signals.signature_submitted.disconnect(listener)
    assert [signature.pk for signature in received] == [Signature.objects.get().pk]


def test_new_organisation_is_created_and_flagged_for_review(client, open_letter):
    sign(client, open_letter)
    organisation = Organisation.objects.get(name="Centre for Civic Voices")
    assert organisation.needs_review
    assert (organisation.acronym, str(organisation.country), organisation.website) == ("CCV", "KE", "https://ccv.example.org")
    signature = Signature.objects.get()
    assert signature.flag_new_organisation and not signature.flag_near_duplicate


@pytest.mark.parametrize(
    ("typed", "country", "email", "note"),
    [
        ("amnesty international", "XI", "someone@amnesty.org", ""),
        ("Amnesty Internacional", "XI", "someone@gmail.com", "Recognised by its alias."),
        ("AI", "XI", "someone@amnesty.org", "Recognised by its acronym and country."),
        # A typo close to the name, from the organisation's own domain.
        ("Amnesty Internatonal", "XI", "someone@amnesty.org", "Recognised by its email domain."),
    ],
)
def test_existing_organisation_is_recognised(client, open_letter, typed, country, email, note):
    amnesty = OrganisationFactory(name="Amnesty International", acronym="AI", country="XI", email_domains="amnesty.org")
    OrganisationAlias.objects.create(organisation=amnesty, name="Amnesty Internacional")
    sign(client, open_letter, organisation_name=typed, acronym="", country=country, signer_email=email)
    signature = Signature.objects.get()
    assert signature.organisation == amnesty
    assert Organisation.objects.count() == 1
    assert signature.submitted_name == typed
    assert not signature.flag_new_organisation and not signature.flag_near_duplicate
    assert signature.match_note == note
    assert signature.flag_domain_mismatch == email.endswith("gmail.com")


def test_near_match_is_flagged_for_the_coordinator_and_never_merged(client, open_letter):
    watch = OrganisationFactory(name="Human Rights Watch", country="US")
    sign(client, open_letter, organisation_name="Human Right Watch", acronym="", country="US")
    signature = Signature.objects.get()
    assert signature.organisation != watch
    assert signature.flag_near_duplicate and signature.flag_new_organisation
    assert "Human Rights Watch" in signature.match_note and f"#{watch.pk}" in signature.match_note


def test_webmail_address_for_a_known_organisation_is_flagged_as_possible_impersonation(client, open_letter):
    watch = OrganisationFactory(name="Human Rights Watch", country="US", email_domains="hrw.org")
    sign(client, open_letter, organisation_name="Human Rights Watch", acronym="", signer_email="hrw.director@gmail.com")
    signature = Signature.objects.get()
    assert signature.organisation == watch and signature.flag_domain_mismatch


def test_filled_honeypot_gets_the_normal_reply_and_stores_nothing(client, open_letter):
    response = sign(client, open_letter, reference="http://spam.example")
    assert response.status_code == 302 and response["Location"] == THANKS
    assert not Signature.objects.exists() and not Organisation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_form_sent_faster_than_a_person_can_type_is_not_accepted(client, open_letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    response = sign(client, open_letter, started=fill_timer_token())
    assert response.status_code == 200
    assert "That was quick!" in response.content.decode()
    assert not Signature.objects.exists()
    response = sign(client, open_letter, started="forged")
    assert "That was quick!" in response.content.decode()


def test_a_form_filled_at_human_speed_is_accepted(client, open_letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    started = signing.dumps(time.time() - 30, salt=FILL_TIMER_SALT)
    assert sign(client, open_letter, started=started).status_code == 302
    assert Signature.objects.count() == 1


def test_consent_to_be_listed_is_required(client, open_letter):
    response = sign(client, open_letter, consent_public=None)
    assert response.status_code == 200
    assert "please tick this box to sign" in response.content.decode()
    assert not Signature.objects.exists()


def test_organisation_name_and_country_are_required_for_organisations(client, open_letter):
    response = sign(client, open_letter, organisation_name="", country="")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("This field is required.") >= 2
    assert not Signature.objects.exists()


def test_csrf_token_is_required(open_letter):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/letters/open-letter/", form_data())
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_signing_again_with_the_same_email_gives_the_same_reply_and_no_second_row(client, open_letter):
    first = sign(client, open_letter)
    second = sign(client, open_letter, organisation_name="CENTRE FOR CIVIC VOICES")
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Signature.objects.count() == 1 and Organisation.objects.count() == 1
    # The lost email is sent again, to the same address only.
    assert OutgoingEmail.objects.filter(to="amina@ccv.example.org").count() == 2


def test_a_colleague_signing_again_changes_nothing_but_is_recorded(client, open_letter):
    sign(client, open_letter)
    response = sign(client, open_letter, signer_email="colleague@ccv.example.org", signer_name="Colleague")
    assert response["Location"] == THANKS
    signature = Signature.objects.get()
    assert signature.signer_email == "amina@ccv.example.org"
    assert not OutgoingEmail.objects.filter(to="colleague@ccv.example.org").exists()
    event = signature.events.get(action="submitted again")
    assert "colleague@ccv.example.org" in event.reason


def test_signing_for_an_organisation_already_listed_reveals_nothing(client, open_letter):
    listed = SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name="Listed Org", country="KE"))
    unknown = sign(client, open_letter, organisation_name="Not Yet Signed", signer_email="a@x.example.org")
    known = sign(client, open_letter, organisation_name="Listed Org", signer_email="b@y.example.org")
    assert unknown["Location"] == known["Location"] == THANKS
    assert open_letter.signatures.filter(organisation=listed.organisation).count() == 1


def test_a_withdrawn_organisation_can_sign_again(client, open_letter):
    org = OrganisationFactory(name="Centre for Civic Voices", country="KE")
    SignatureFactory(letter=open_letter, organisation=org, status=Signature.Status.WITHDRAWN)
    sign(client, open_letter)
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.signer_email == "amina@ccv.example.org"
    assert last_email_to("amina@ccv.example.org") is not None


def test_a_rejected_sign_on_is_not_reopened_from_the_public_form(client, open_letter):
    org = OrganisationFactory(name="Centre for Civic Voices", country="KE")
    SignatureFactory(letter=open_letter, organisation=org, status=Signature.Status.REJECTED)
    assert sign(client, open_letter)["Location"] == THANKS
    assert Signature.objects.get().status == Signature.Status.REJECTED
    assert not OutgoingEmail.objects.exists()


def test_closed_letter_accepts_no_sign_on(client):
    LetterFactory(slug="closed", status=Letter.Status.CLOSED)
    response = client.post("/en/letters/closed/", form_data())
    assert response.status_code == 302
    assert not Signature.objects.exists()


def test_per_ip_rate_limit_works_from_the_database(client, open_letter, settings):
    settings.SIGNON_RATE_PER_IP = 2
    for index in range(2):
        assert sign(client, open_letter, organisation_name=f"Org {index}", signer_email=f"p{index}@x.org").status_code == 302
    response = sign(client, open_letter, organisation_name="Org 3", signer_email="p3@x.org")
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert Signature.objects.count() == 2
    assert Throttle.objects.filter(key="signon:ip:127.0.0.1").exists()


def test_per_email_rate_limit(client, open_letter, settings):
    settings.SIGNON_RATE_PER_EMAIL = 1
    assert sign(client, open_letter, organisation_name="First Org").status_code == 302
    response = sign(client, open_letter, organisation_name="Second Org")
    assert response.status_code == 429
    assert Signature.objects.count() == 1
    # The bucket key does not hold the address itself.
    assert not Throttle.objects.filter(key__contains="amina").exists()


def test_individual_signs_with_name_and_affiliation_when_the_letter_accepts_individuals(client):
    letter = LetterFactory(slug="people", accepts_individuals=True)
    response = client.post(
        "/en/letters/people/",
        form_data(kind="individual", organisation_name="", country="", signer_name="Dr Jane Roe",
                  affiliation="University of Nairobi", signer_email="jane@uon.example.org"),
    )
    assert response.status_code == 302
    signature = Signature.objects.get(letter=letter)
    person = signature.organisation
    assert person.kind == Organisation.Kind.INDIVIDUAL
    assert (person.name, person.affiliation) == ("Dr Jane Roe", "University of Nairobi")
    assert signature.submitted_name == "Dr Jane Roe"


def test_two_people_with_the_same_name_can_both_sign(client):
    letter = LetterFactory(slug="people", accepts_individuals=True)
    for email in ("jane@one.example.org", "jane@two.example.org"):
        client.post("/en/letters/people/", form_data(kind="individual", signer_name="Jane Roe", signer_email=email))
    assert letter.signatures.count() == 2


def test_individuals_cannot_sign_letters_for_organisations_only(client, open_letter):
    html = client.get("/en/letters/open-letter/").content.decode()
    assert 'name="kind"' not in html and 'name="affiliation"' not in html
    response = sign(client, open_letter, kind="individual", organisation_name="")
    assert response.status_code == 200 and not Signature.objects.exists()


# --- invitations (the other side stores the token in the session) ----------------------------------------------


@pytest.fixture
def invitation(open_letter):
    org = OrganisationFactory(name="Kenya Human Rights Commission", acronym="KHRC", country="KE", website="https://khrc.or.ke")
    contact = Contact.objects.create(organisation=org, name="George Kegoro", email="george@khrc.or.ke", language="en")
    SignatureFactory(letter=open_letter, organisation=org, status=Signature.Status.INVITED,
                     source=Signature.Source.INVITATION, signer_name="", signer_email="")
    return Invitation.objects.create(letter=open_letter, organisation=org, contact=contact)


def _follow_invitation(client, invitation):
    session = client.session
    session["coalition_invitation"] = str(invitation.token)
    session.save()


def test_form_is_prefilled_from_the_invitation(client, invitation):
    _follow_invitation(client, invitation)
    html = client.get("/en/letters/open-letter/").content.decode()
    assert 'value="Kenya Human Rights Commission"' in html and 'value="KHRC"' in html
    assert '<option value="KE" selected>' in html
    assert 'value="George Kegoro"' in html and 'value="george@khrc.or.ke"' in html


def test_invited_sign_on_moves_to_pending_and_keeps_its_source(client, invitation):
    _follow_invitation(client, invitation)
    sign(client, invitation.letter, organisation_name="KHRC Kenya", signer_email="george@khrc.or.ke")
    signature = Signature.objects.get(letter=invitation.letter)
    assert signature.organisation == invitation.organisation
    assert signature.status == Signature.Status.PENDING and signature.source == Signature.Source.INVITATION
    assert signature.submitted_name == "KHRC Kenya"
    assert Organisation.objects.count() == 1
    assert SignatureEvent.objects.filter(signature=signature, from_status="invited", to_status="pending").exists()


def test_an_invitation_to_another_letter_is_ignored(client, invitation):
    LetterFactory(slug="other-letter")
    _follow_invitation(client, invitation)
    html = client.get("/en/letters/other-letter/").content.decode()
    assert "Kenya Human Rights Commission" not in html


def test_a_broken_invitation_token_in_the_session_is_ignored(client, open_letter):
    session = client.session
    session["coalition_invitation"] = "not-a-uuid"
    session.save()
    assert client.get("/en/letters/open-letter/").status_code == 200
    assert sign(client, open_letter).status_code == 302


def test_correcting_a_form_error_does_not_use_up_the_rate_limit(client, open_letter, settings):
    settings.SIGNON_RATE_PER_IP = settings.SIGNON_RATE_PER_EMAIL = 1
    assert sign(client, open_letter, consent_public=None).status_code == 200
    assert sign(client, open_letter).status_code == 302
    assert Signature.objects.count() == 1


def test_fixing_a_form_error_keeps_the_time_the_form_was_first_shown(client, open_letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    shown_a_minute_ago = signing.dumps(time.time() - 60, salt=FILL_TIMER_SALT)
    response = sign(client, open_letter, started=shown_a_minute_ago, consent_public=None)
    assert re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1) == shown_a_minute_ago
    assert sign(client, open_letter, started=shown_a_minute_ago).status_code == 302


# --- what a sign-on costs -------------------------------------------------------------------------------------------

SIGN_ON_QUERY_BUDGET = 10


def _add_signatures(letter, count, start=0):
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"Signatory {start + n}", normalised_name=f"signatory {start + n}") for n in range(count)]
    )
    Signature.objects.bulk_create(
        [Signature(letter=letter, organisation=org, status=Signature.Status.APPROVED) for org in orgs]
    )


def _sign_on_queries(client, letter, n, **overrides):
    """The queries of one sign-on POST (commit callbacks included: enqueueing the email, the signals)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = {"organisation_name": f"Civic Voices {n}", "signer_email": f"signer{n}@civic{n}.example.org", **overrides}
    with CaptureQueriesContext(connection) as captured:
        response = sign(client, letter, **data)
    assert response.status_code == 302 and response["Location"] == THANKS
    # Every statement the server runs is counted, BEGIN and COMMIT of the sign-on's transaction included (SQLite
    # logs "BEGIN IMMEDIATE"), as an operator counting statements in PostgreSQL would see them.
    statements = [query["sql"] for query in captured.captured_queries]
    if not any(sql.startswith("BEGIN") for sql in statements):
        statements.insert(0, "BEGIN (not logged by this backend)")
    return statements


@pytest.mark.django_db(transaction=True)
def test_a_sign_on_costs_at_most_ten_queries_at_10_and_at_10000_signatures(client, open_letter, monkeypatch):
    """Counted as in production: every statement, BEGIN and COMMIT included, commit callbacks too (the two abuse
    limits share one upsert; on PostgreSQL the advisory lock shares a statement with the sections). The confirmation
    email is only written to the outbox here; the worker renders it (letters.emails.core). A new organisation costs
    one INSERT more than a known one."""
    monkeypatch.setattr(signon.DirectoryIndex, "REFRESH_SECONDS", 3600)  # the once-a-second directory check
    OrganisationFactory(name="Known Partner Network", country="KE")
    _add_signatures(open_letter, 10)
    sign(client, open_letter, organisation_name="Warm-up", signer_email="warm@up.example.org")  # the directory index
    small_new = _sign_on_queries(client, open_letter, 1)
    small_known = _sign_on_queries(client, open_letter, 2, organisation_name="Known Partner Network")
    _add_signatures(open_letter, 9990, start=10)
    large_new = _sign_on_queries(client, open_letter, 3)
    OrganisationFactory(name="Another Partner Network", country="KE")
    signon.directory_index.reset()  # see the new directory entry at once (the index refreshes once a second)
    sign(client, open_letter, organisation_name="Warm-up 2", signer_email="warm2@up.example.org")
    large_known = _sign_on_queries(client, open_letter, 4, organisation_name="Another Partner Network")
    assert len(small_new) == len(large_new) <= SIGN_ON_QUERY_BUDGET, small_new
    assert len(small_known) == len(large_known) <= SIGN_ON_QUERY_BUDGET, small_known
    email = last_email_to("signer3@civic3.example.org")
    assert email.state == OutgoingEmail.State.QUEUED and "/en/letters/open-letter/confirm/" in email.body_text
