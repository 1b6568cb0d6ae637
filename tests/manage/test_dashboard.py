"""The letter dashboard: counts, a filterable table of sign-ons, and every action recorded in the row's history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from letters.models import Organisation, Signature, SignatureEvent
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def page(client, letter, **params):
    response = client.get(reverse("manage:letter", args=[letter.slug]), params)
    assert response.status_code == 200
    return response


def names(response):
    return [sig.shown_name for sig in response.context["page"]]


def test_dashboard_shows_counts_per_status_and_each_row_as_it_will_appear(coordinator_client, letter, pending,
                                                                          approved):
    approved.name_override = "AHRC (Geneva)"
    approved.save()
    response = page(coordinator_client, letter)
    html = response.content.decode()
    counts = {status: n for _label, status, n, _pct in response.context["counts"]}
    assert (counts["pending"], counts["approved"], counts["rejected"]) == (1, 1, 0)
    assert 'data-status-count="approved">1<' in html
    for text in ("AHRC (Geneva)", "Approved Human Rights Centre", "Pending Rights Network", "Kenya", "Wanjiru Kamau",
                 "wanjiru@prn.example", "Pending confirmation"):
        assert text in html
    # Both panels of the other areas are part of the dashboard.
    assert response.templates and {t.name for t in response.templates} >= {
        "letters/manage/_export_panel.html", "letters/manage/_outreach_panel.html"}


@pytest.fixture
def crowd(letter):
    """Sign-ons that differ in every filterable way."""
    rows = {
        "kenya": SignatureFactory(letter=letter, status="pending", language="fr", organisation=OrganisationFactory(
            name="Kenya Human Rights Commission", country="KE"), flag_new_organisation=True),
        "brazil": SignatureFactory(letter=letter, status="approved", language="es", organisation=OrganisationFactory(
            name="Conectas Direitos Humanos", country="BR"), flag_near_duplicate=True, position=2),
        "swiss": SignatureFactory(letter=letter, status="rejected", language="en", organisation=OrganisationFactory(
            name="Alpine Watch", country="CH"), flag_domain_mismatch=True, signer_email="x@gmail.com", position=1),
    }
    return rows


@pytest.mark.parametrize("params, expected", [
    ({"status": "pending"}, ["Kenya Human Rights Commission"]),
    ({"country": "BR"}, ["Conectas Direitos Humanos"]),
    ({"language": "en"}, ["Alpine Watch"]),
    ({"flag": "new"}, ["Kenya Human Rights Commission"]),
    ({"flag": "duplicate"}, ["Conectas Direitos Humanos"]),
    ({"flag": "domain"}, ["Alpine Watch"]),
    ({"q": "gmail"}, ["Alpine Watch"]),
    ({"q": "direitos"}, ["Conectas Direitos Humanos"]),
    ({"sort": "name"}, ["Alpine Watch", "Conectas Direitos Humanos", "Kenya Human Rights Commission"]),
    ({"sort": "position"}, ["Alpine Watch", "Conectas Direitos Humanos", "Kenya Human Rights Commission"]),
    ({"sort": "country"}, ["Conectas Direitos Humanos", "Alpine Watch", "Kenya Human Rights Commission"]),
])
def test_filters_search_and_sorting(coordinator_client, letter, crowd, params, expected):
    assert names(page(coordinator_client, letter, **params)) == expected


def test_nonsense_filters_show_everything_instead_of_failing(coordinator_client, letter, crowd):
    response = page(coordinator_client, letter, status="nope", sort="DROP", flag="x", page="abc", country="<b>")
    assert len(names(response)) == 3


def _many_signatures(letter, n):
    now = timezone.now()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bulk organisation {i}", normalised_name=f"bulk organisation {i}",
                     sort_name=f"Bulk organisation {i}", country="CH") for i in range(n))
    signatures = Signature.objects.bulk_create(
        Signature(letter=letter, organisation=org, status=Signature.Status.PENDING, signed_at=now, position=i,
                  signer_email=f"s{i}@example.org") for i, org in enumerate(orgs))
    SignatureEvent.objects.bulk_create(SignatureEvent(signature=sig, from_status="pending", to_status="pending",
                                                      action="moved") for sig in signatures)
    for org in orgs[:3]:
        org.display_names.create(language="fr", name=f"{org.name} (fr)")


def _queries(client, letter):
    with CaptureQueriesContext(connection) as captured:
        page(client, letter, sort="name")
    return len(captured)


def test_dashboard_query_count_does_not_grow_with_the_number_of_sign_ons(coordinator_client, letter):
    _many_signatures(letter, 10)
    with_ten = _queries(coordinator_client, letter)
    _many_signatures(letter, 990)
    assert letter.signatures.count() == 1000
    assert _queries(coordinator_client, letter) == with_ten


def test_approving_a_pending_sign_on_is_recorded_and_shown_on_the_row(coordinator_client, coordinator, letter,
                                                                      pending):
    url = reverse("manage:signature_action", args=[letter.slug, pending.pk, "approve"])
    response = coordinator_client.post(url, {"reason": "called them"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Signature.Status.APPROVED
    event = pending.events.get()
    assert (event.from_status, event.to_status, event.by, event.reason) == ("pending", "approved", coordinator,
                                                                          "called them")
    row = page(coordinator_client, letter).content.decode().split(f'id="sig-{pending.pk}"')[1].split("</tr>")[0]
    assert "Approved" in row and "coordinator" in row and "called them" in row


def test_rejecting_needs_a_reason(coordinator_client, letter, pending):
    url = reverse("manage:signature_action", args=[letter.slug, pending.pk, "reject"])
    coordinator_client.post(url, {"reason": " "})
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING and not pending.events.exists()
    coordinator_client.post(url, {"reason": "impersonation: webmail address"})
    pending.refresh_from_db()
    assert pending.status == Signature.Status.REJECTED
    assert pending.events.get().reason == "impersonation: webmail address"


def test_an_impossible_change_is_refused_with_a_message(coordinator_client, letter, pending):
    pending.reject(by=None, reason="spam")
    response = coordinator_client.post(reverse("manage:signature_action", args=[letter.slug, pending.pk, "withdraw"]),
                                       follow=True)
    assert "cannot go from" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Signature.Status.REJECTED


def test_withdraw_lead_and_rename_are_recorded(coordinator_client, coordinator, letter, approved):
    base = [letter.slug, approved.pk]
    coordinator_client.post(reverse("manage:signature_action", args=[*base, "withdraw"]), {"reason": "email 3 May"})
    coordinator_client.post(reverse("manage:signature_action", args=[*base, "lead"]))
    coordinator_client.post(reverse("manage:signature_rename", args=base), {"name_override": "AHRC, Geneva"})
    approved.refresh_from_db()
    assert (approved.status, approved.is_lead, approved.display_name()) == ("withdrawn", True, "AHRC, Geneva")
    assert list(approved.events.values_list("action", "by__username")) == [
        ("withdrawn", "coordinator"), ("marked lead", "coordinator"), ("renamed", "coordinator")]
    detail = coordinator_client.get(reverse("manage:signature", args=base)).content.decode()
    assert "marked as lead organisation" in detail and "AHRC, Geneva" in detail


def test_moving_in_the_manual_order_renumbers_and_is_recorded(coordinator_client, letter):
    sigs = [SignatureFactory(letter=letter, organisation=OrganisationFactory(name=n), position=None)
            for n in ("Alpha", "Beta", "Gamma", "Delta")]
    coordinator_client.post(reverse("manage:signature_move", args=[letter.slug, sigs[2].pk]), {"direction": "up"})
    assert names(page(coordinator_client, letter)) == ["Alpha", "Gamma", "Beta", "Delta"]
    coordinator_client.post(reverse("manage:signature_move", args=[letter.slug, sigs[3].pk]), {"position": "1"})
    assert names(page(coordinator_client, letter)) == ["Delta", "Alpha", "Gamma", "Beta"]
    assert list(letter.signatures.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]
    assert sigs[3].events.get().reason == "from position 4 to 1"


def test_bulk_approve_changes_what_it_can_and_says_what_it_could_not(coordinator_client, letter, pending, approved):
    declined = SignatureFactory(letter=letter, status="withdrawn", organisation=OrganisationFactory(name="Gone"))
    response = coordinator_client.post(reverse("manage:bulk", args=[letter.slug]), {
        "action": "approve", "signatures": [pending.pk, approved.pk, declined.pk], "reason": "checked"}, follow=True)
    html = response.content.decode()
    assert "2 sign-ons changed" in html and "Approved Human Rights Centre" in html
    assert set(letter.signatures.values_list("status", flat=True)) == {"approved"}
    assert pending.events.get().reason == "checked"


def test_bulk_reject_needs_a_reason(coordinator_client, letter, pending):
    response = coordinator_client.post(reverse("manage:bulk", args=[letter.slug]),
                                       {"action": "reject", "signatures": [pending.pk]}, follow=True)
    assert "Say why" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_adding_one_sign_on_received_by_email(coordinator_client, coordinator, letter):
    OrganisationFactory(name="Human Rights Watch", email_domains="hrw.org")
    url = reverse("manage:signature_add", args=[letter.slug])
    response = coordinator_client.post(url, {"name": "Human Rights Watch", "country": "", "signer_name": "Ana",
                                             "signer_email": "ana@gmail.com", "language": "fr",
                                             "consent_public": "on", "note": "email of 3 May"})
    assert response.status_code == 302
    sig = letter.signatures.get()
    assert (sig.organisation.name, sig.status, sig.source, sig.language) == (
        "Human Rights Watch", "approved", "coordinator", "fr")
    assert sig.flag_domain_mismatch and sig.signer_name == "Ana"
    assert sig.events.get().reason == "email of 3 May"


def test_adding_one_with_a_name_close_to_the_directory_asks_which_organisation_it_is(coordinator_client, letter):
    centre = OrganisationFactory(name="Asian Legal Resource Centre")
    url = reverse("manage:signature_add", args=[letter.slug])
    data = {"name": "Asian Legal Resource Center", "language": "en", "consent_public": "on"}
    response = coordinator_client.post(url, data)
    assert response.status_code == 200 and "Which organisation is it?" in response.content.decode()
    assert not letter.signatures.exists()
    coordinator_client.post(url, {**data, "choice": f"org:{centre.pk}"})
    assert letter.signatures.get().organisation == centre


def test_adding_an_organisation_already_on_the_letter_is_refused(coordinator_client, letter, approved):
    url = reverse("manage:signature_add", args=[letter.slug])
    response = coordinator_client.post(url, {"name": approved.organisation.name, "language": "en"})
    assert "already on this letter" in response.content.decode()
    assert letter.signatures.count() == 1

