"""Double opt-in and the signer's own links: confirm (POST only), expired or tampered links, withdraw, correct."""

import time
from unittest import mock

import pytest

from letters import signals
from letters.models import Letter, Signature
from tests.factories import LetterFactory
from tests.public.helpers import last_email_to, link_from, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client, open_letter):
    """A partner has signed; returns (signature, confirm path, manage path) from the email they received."""
    sign(client, open_letter)
    body = last_email_to("amina@ccv.example.org").body_text
    return Signature.objects.get(), link_from(body, "confirm"), link_from(body, "manage")


def _approve(signature, coordinator):
    signature.refresh_from_db()
    signature.approve(by=coordinator)


def _listed_names(client, letter):
    html = client.get(f"/en/letters/{letter.slug}/").content.decode()
    if 'id="signatory-list"' not in html:
        return []
    block = html[html.index('id="signatory-list"') : html.index("</ul>", html.index('id="signatory-list"'))]
    return [item.split("</li>")[0].removeprefix("<bdi>").removesuffix("</bdi>") for item in block.split("<li>")[1:]]


def test_opening_the_confirmation_link_does_not_confirm(client, signed):
    signature, confirm_path, _manage = signed
    response = client.get(confirm_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm your sign-on" in html and '<button type="submit"' in html
    assert "Centre for Civic Voices" in html
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING and signature.confirmed_at is None


def test_pressing_confirm_confirms_and_shows_the_confirmation(client, signed):
    signature, confirm_path, _manage = signed
    response = client.post(confirm_path, follow=True)
    assert "Your sign-on is confirmed. Thank you!" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED and signature.confirmed_at
    assert signature.events.filter(from_status="pending", to_status="confirmed").count() == 1


def test_confirming_twice_is_harmless(client, signed):
    signature, confirm_path, _manage = signed
    client.post(confirm_path)
    response = client.post(confirm_path, follow=True)
    assert response.status_code == 200 and "is confirmed" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.events.filter(to_status="confirmed").count() == 1


def test_confirmed_signal_is_sent_after_confirmation(client, signed, django_capture_on_commit_callbacks):
    _signature, confirm_path, _manage = signed
    received = []

    def listener(sender, signature, **kwargs):
        received.append(signature.status)

    signals.signature_confirmed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirm_path)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirm_path)
    finally:
        signals.signature_confirmed.disconnect(listener)
    assert received == [Signature.Status.CONFIRMED]


def test_sign_on_is_listed_only_once_confirmed_and_approved(client, signed, coordinator):
    signature, confirm_path, _manage = signed
    assert "Centre for Civic Voices" not in _listed_names(client, signature.letter)
    client.post(confirm_path)
    assert "Centre for Civic Voices" not in _listed_names(client, signature.letter)
    _approve(signature, coordinator)
    assert "Centre for Civic Voices" in _listed_names(client, signature.letter)


def test_on_letters_without_approval_confirmation_lists_at_once(client):
    letter = LetterFactory(slug="no-approval", requires_approval=False)
    sign(client, letter)
    confirm_path = link_from(last_email_to("amina@ccv.example.org").body_text, "confirm")
    html = client.post(confirm_path, follow=True).content.decode()
    assert "It appears on the list of signatories." in html
    assert _listed_names(client, letter) == ["Centre for Civic Voices"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        lambda token: "WzEsImFiYyJd" + token[token.index(":"):],  # another sign-on's id, same signature
        lambda token: "nonsense",
        lambda token: "x" * 10_000,
        lambda token: "💥:%00:" + token,
    ],
)
def test_tampered_link_is_refused_with_a_clear_page(client, signed, tamper):
    signature, confirm_path, _manage = signed
    token = confirm_path.rstrip("/").rsplit("/", 1)[-1]
    path = confirm_path.replace(token, tamper(token))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_expired_link_is_refused_with_a_clear_page(client, signed, settings):
    signature, confirm_path, _manage = signed
    later = time.time() + (settings.CONFIRM_LINK_MAX_AGE_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        get, post = client.get(confirm_path), client.post(confirm_path)
    for response in (get, post):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link has expired" in html and "Sign again with the same email address" in html
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_link_for_another_letter_is_refused(client, signed):
    _signature, confirm_path, _manage = signed
    LetterFactory(slug="other-letter")
    response = client.get(confirm_path.replace("/open-letter/", "/other-letter/"))
    assert response.status_code == 400


def test_the_withdraw_link_cannot_be_used_to_confirm(client, signed):
    signature, _confirm, manage_path = signed
    confirm_with_manage_token = manage_path.replace("/my-sign-on/", "/confirm/")
    assert client.post(confirm_with_manage_token).status_code == 400
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_withdrawal_removes_the_organisation_from_the_public_list_and_records_who_and_when(client, signed, coordinator):
    signature, confirm_path, manage_path = signed
    client.post(confirm_path)
    _approve(signature, coordinator)
    assert "Centre for Civic Voices" in _listed_names(client, signature.letter)

    page = client.get(manage_path).content.decode()
    assert "Withdraw my sign-on" in page
    response = client.post(manage_path + "withdraw/", follow=True)
    assert "Your sign-on is withdrawn." in response.content.decode()

    assert "Centre for Civic Voices" not in _listed_names(client, signature.letter)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN and signature.withdrawn_at
    event = signature.events.get(to_status="withdrawn")
    assert event.by is None and "by the signer (amina@ccv.example.org)" in event.reason
    assert event.at == signature.withdrawn_at


def test_withdrawal_needs_a_post(client, signed):
    signature, _confirm, manage_path = signed
    assert client.get(manage_path + "withdraw/").status_code == 405
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_signer_corrects_how_they_are_listed_on_this_letter(client, signed, coordinator):
    signature, confirm_path, manage_path = signed
    client.post(confirm_path)
    _approve(signature, coordinator)
    response = client.post(manage_path, {"name": "Centre for Civic Voices (CCV), Kenya"}, follow=True)
    assert "your listing is corrected" in response.content.decode()
    assert _listed_names(client, signature.letter) == ["Centre for Civic Voices (CCV), Kenya"]
    signature.refresh_from_db()
    assert signature.organisation.name == "Centre for Civic Voices"  # the directory is not changed
    assert signature.events.filter(action="listing corrected").exists()


def test_correction_with_markup_is_stored_as_text(client, signed):
    signature, _confirm, manage_path = signed
    client.post(manage_path, {"name": "<b>CCV</b>"})
    signature.refresh_from_db()
    assert signature.name_override == "<b>CCV</b>"
    assert "&lt;b&gt;CCV&lt;/b&gt;" in client.get(manage_path).content.decode()


def test_after_the_letter_closes_the_signer_is_asked_to_write_to_the_coordinators(client, signed):
    signature, _confirm, manage_path = signed
    Letter.objects.filter(pk=signature.letter_id).update(status=Letter.Status.CLOSED)
    html = client.get(manage_path).content.decode()
    assert "please write to the coordinators" in html and "Withdraw my sign-on" not in html
    client.post(manage_path + "withdraw/")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_a_new_signer_for_the_organisation_invalidates_the_old_links(client, signed):
    signature, confirm_path, _manage = signed
    signature.withdraw()
    sign(client, signature.letter, signer_email="new.person@ccv.example.org")
    assert client.get(confirm_path).status_code == 400
