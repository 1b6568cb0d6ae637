"""Writes through the API take the workspace's paths: the same transitions, the same history (SignatureEvent rows),
the same refusals — whether a coordinator clicked or a script called."""

import json

import pytest

from letters.models import Organisation, Signature, SignatureEvent
from tests.api.conftest import bearer
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def history(signature):
    return list(SignatureEvent.objects.filter(signature=signature).order_by("pk")
                .values_list("action", "from_status", "to_status", "by__username", "reason"))


def post(client, url, body, token):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token))


@pytest.mark.parametrize("action", ["approve", "reject", "withdraw", "lead"])
def test_a_status_change_writes_the_same_history_as_the_dashboard(client, letter, coordinator, write_token, action):
    by_ui, by_api = (SignatureFactory(letter=letter, status="confirmed") for _ in range(2))
    client.force_login(coordinator)
    client.post(f"/manage/letters/our-letter/signatures/{by_ui.pk}/{action}/", {"reason": "Checked with them"})
    client.logout()
    response = post(client, f"/api/v1/manage/letters/our-letter/signatures/{by_api.pk}/status",
                    {"action": action, "reason": "Checked with them"}, write_token)
    assert response.status_code == 200
    by_ui.refresh_from_db()
    by_api.refresh_from_db()
    assert by_api.status == by_ui.status and by_api.is_lead == by_ui.is_lead
    assert history(by_api) == history(by_ui) != []
    assert response.json()["status"] == by_api.status


def test_a_transition_the_life_cycle_refuses_is_409_and_changes_nothing(client, letter, write_token):
    declined = SignatureFactory(letter=letter, status="declined")
    response = post(client, f"/api/v1/manage/letters/our-letter/signatures/{declined.pk}/status",
                    {"action": "withdraw"}, write_token)
    assert response.status_code == 409
    assert response.json()["detail"]
    assert history(declined) == []


def test_a_rejection_needs_a_reason(client, letter, write_token):
    pending = SignatureFactory(letter=letter, status="pending")
    response = post(client, f"/api/v1/manage/letters/our-letter/signatures/{pending.pk}/status",
                    {"action": "reject"}, write_token)
    assert response.status_code == 422
    assert "rejected" in response.json()["detail"]


def test_a_sign_on_of_another_letter_is_not_found(client, letter, write_token, other_token):
    theirs = SignatureFactory(letter=letter.__class__.objects.get(slug="their-letter"))
    response = post(client, f"/api/v1/manage/letters/our-letter/signatures/{theirs.pk}/status",
                    {"action": "approve"}, write_token)
    assert response.status_code == 404


def test_adding_a_sign_on_writes_what_the_add_page_writes(client, letter, coordinator, write_token,
                                                          signon_settings):
    fields = {"country": "KE", "signer_name": "Wanjiru", "language": "fr", "note": "email of 3 May"}
    client.force_login(coordinator)
    client.post("/manage/letters/our-letter/add/", {**fields, "name": "Added In The Workspace",
                                                   "signer_email": "ui@added.example.org", "consent_public": "on"})
    client.logout()
    response = post(client, "/api/v1/manage/letters/our-letter/signatures",
                    {**fields, "name": "Added Through The Api", "signer_email": "api@added.example.org"}, write_token)
    assert response.status_code == 201
    by_ui = Signature.objects.get(signer_email="ui@added.example.org")
    by_api = Signature.objects.get(pk=response.json()["id"])
    assert (by_api.status, by_api.source, by_api.language) == (by_ui.status, by_ui.source, by_ui.language) == (
        "approved", "coordinator", "fr")
    assert history(by_api) == history(by_ui) != []
    assert response.json()["signer_email"] == "api@added.example.org"


def test_adding_a_name_close_to_the_directory_asks_which_one(client, letter, write_token, signon_settings):
    OrganisationFactory(name="Asian Forum for Human Rights and Development")
    response = post(client, "/api/v1/manage/letters/our-letter/signatures",
                    {"name": "Asian Forum for Human Right and Development"}, write_token)
    assert response.status_code == 409
    options = [option["value"] for option in response.json()["row"]["options"]]
    assert options[0].startswith("org:") and "new" in options
    again = post(client, "/api/v1/manage/letters/our-letter/signatures",
                 {"name": "Asian Forum for Human Right and Development", "choice": options[0]}, write_token)
    assert again.status_code == 201
    assert again.json()["organisation"]["name"] == "Asian Forum for Human Rights and Development"


def test_adding_an_organisation_already_on_the_letter_is_refused(client, signed_letter, write_token,
                                                                  signon_settings):
    response = post(client, "/api/v1/manage/letters/our-letter/signatures", {"name": "Open Square Alliance"},
                    write_token)
    assert response.status_code == 409
    assert response.json()["messages"]


def test_bad_input_is_a_clear_4xx_never_a_500(client, letter, write_token):
    cases = [("/api/v1/manage/letters/our-letter/signatures", {"name": "X", "signer_email": "not-an-email"}),
             ("/api/v1/manage/letters/our-letter/signatures", {"country": "KE"}),
             ("/api/v1/manage/letters/our-letter/signatures/999999999999/status", {"action": "approve"}),
             ("/api/v1/manage/letters/our-letter/imports/preview", {"text": ""}),
             ("/api/v1/manage/letters/our-letter/imports/commit", {"preview_token": "forged"}),
             ("/api/v1/manage/letters/our-letter/exports", {"layout": "odt"})]
    for url, body in cases:
        response = post(client, url, body, write_token)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.json()["detail"], url
    broken = client.post("/api/v1/manage/letters/our-letter/signatures", "{not json", content_type="application/json",
                         **bearer(write_token))
    assert 400 <= broken.status_code < 500 and broken.json()["detail"]


# --- pasted lists ----------------------------------------------------------------------------------------------


def test_a_pasted_list_is_previewed_then_imported_as_the_paste_screen_does(client, letter, coordinator,
                                                                          write_token, signon_settings):
    OrganisationFactory(name="Open Square Alliance")
    text = "Open Square Alliance\nBrand New Collective (Kenya)"
    preview = post(client, "/api/v1/manage/letters/our-letter/imports/preview", {"text": text, "language": "en"},
                   write_token).json()
    assert [row["how"] for row in preview["rows"]] == ["exact", "new"]
    assert not Signature.objects.filter(letter=letter).exists()  # a preview writes nothing
    response = post(client, "/api/v1/manage/letters/our-letter/imports/commit",
                    {"preview_token": preview["preview_token"]}, write_token)
    assert response.status_code == 201
    imported = Signature.objects.filter(pk__in=response.json()["imported"])
    assert sorted(imported.values_list("status", "source")) == [("approved", "import")] * 2
    assert response.json()["created_organisations"] == 1
    assert Organisation.objects.filter(name__startswith="Brand New Collective").count() == 1
    for signature in imported:
        assert [row[3] for row in history(signature)] == ["coordinator"]


def test_a_preview_token_is_bound_to_its_letter_and_user(client, letter, write_token, other_token):
    preview = post(client, "/api/v1/manage/letters/our-letter/imports/preview", {"text": "Some Org"},
                   write_token).json()
    response = post(client, "/api/v1/manage/letters/their-letter/imports/commit",
                    {"preview_token": preview["preview_token"]}, other_token)
    assert response.status_code == 422
    assert not Signature.objects.exists()


def test_choices_per_row_are_applied(client, letter, write_token):
    preview = post(client, "/api/v1/manage/letters/our-letter/imports/preview",
                   {"text": "First Org\nSecond Org"}, write_token).json()
    response = post(client, "/api/v1/manage/letters/our-letter/imports/commit",
                    {"preview_token": preview["preview_token"], "rows": [{"index": 1, "choice": "skip"}]},
                    write_token)
    assert response.status_code == 201
    assert list(letter.signatures.values_list("organisation__name", flat=True)) == ["First Org"]
    bad = post(client, "/api/v1/manage/letters/our-letter/imports/commit",
               {"preview_token": preview["preview_token"], "rows": [{"index": 7}]}, write_token)
    assert bad.status_code == 422
