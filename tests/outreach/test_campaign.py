"""The campaign as coordinators see it: funnel, per region, still to chase, outbox states, settings."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from letters.models import Invitation, Letter, OrganisationName, OutgoingEmail, Signature
from letters.services.invitations import open_invitation, select_organisations, send_invitations
from tests.factories import SignatureFactory
from tests.outreach.helpers import partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(letter, coordinator):
    """Five invited partners in four regions, each at a different point, and one partner who signed uninvited."""
    orgs = {
        "kenya": partner("Kenya Voices", country="KE"),
        "senegal": partner("Dakar Rights", country="SN"),
        "egypt": partner("Cairo Institute", country="EG"),
        "swiss": partner("Geneva Watch", country="CH"),
        "peru": partner("Lima Collective", country="PE"),
    }
    send_invitations(letter, select_organisations(organisations=orgs.values()), by=coordinator)
    open_invitation(Invitation.objects.get(organisation=orgs["kenya"]).token)
    open_invitation(Invitation.objects.get(organisation=orgs["egypt"]).token)
    status = {"kenya": "pending", "senegal": "declined", "peru": "approved"}
    for key, value in status.items():
        Signature.objects.filter(letter=letter, organisation=orgs[key]).update(status=value)
    SignatureFactory(letter=letter, organisation=partner("Walk-in NGO", country="FR"))
    return orgs


def stage_count(html, stage):
    match = re.search(rf'data-stage="{stage}".*?class="stage-count">(\d+)<', html, re.DOTALL)
    return int(match.group(1))


def test_the_funnel_counts_invited_opened_signed_declined_and_no_answer(coordinator_client, letter, running):
    response = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/")
    html = response.content.decode()

    assert response.status_code == 200
    assert [stage_count(html, stage) for stage in ("invited", "opened", "signed")] == [5, 4, 2]
    totals = response.context["campaign"].totals
    assert (totals["declined"], totals["no_answer"]) == (1, 2)
    assert "1 more organisation signed without an invitation" in html
    assert "<svg" in html  # a picture, not only numbers


def test_the_campaign_is_broken_down_per_region(coordinator_client, letter, running):
    response = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/")
    rows = {row.code: row.counts for row in response.context["campaign"].regions}
    assert list(rows) == ["XF", "XM", "XE", "XL"]
    assert (rows["XF"]["invited"], rows["XF"]["signed"], rows["XF"]["declined"]) == (2, 1, 1)
    assert (rows["XM"]["opened"], rows["XM"]["no_answer"]) == (1, 1)
    assert 'data-region="XF"' in response.content.decode()


def test_organisations_still_to_chase_are_those_without_an_answer(coordinator_client, letter, running):
    response = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/")
    chase = [s.organisation.name for s in response.context["chase"]]
    assert chase == ["Cairo Institute", "Geneva Watch"]
    html = response.content.decode()
    assert "Still to chase: 2 organisations" in html
    assert "geneva-watch-0@geneva-watch.example.org" in html  # the coordinator sees whom to write to


def test_the_outbox_shows_queued_sent_and_failed_with_the_error_and_failed_emails_can_be_retried(
    coordinator_client, letter, running
):
    OutgoingEmail.objects.filter(to__startswith="kenya").update(state="sent")
    OutgoingEmail.objects.filter(to__startswith="cairo").update(
        state="failed", attempts=12, last_error="SMTPRecipientsRefused: 550 no such user"
    )

    html = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/").content.decode()
    assert "Queued 3" in html and "Sent 1" in html and "Failed 1" in html
    assert "550 no such user" in html

    coordinator_client.post(f"/manage/letters/{letter.slug}/campaign/retry/")
    retried = OutgoingEmail.objects.get(to__startswith="cairo")
    assert (retried.state, retried.attempts) == ("queued", 0)


def test_the_dashboard_panel_shows_the_funnel_and_outbox_in_a_constant_number_of_queries(
    letter, running, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        html = render_to_string("letters/manage/_outreach_panel.html", {"letter": letter})
    assert stage_count(html, "invited") == 5
    assert f"/manage/letters/{letter.slug}/invite/" in html and f"/manage/letters/{letter.slug}/campaign/" in html
    assert "Queued 5" in html

    send_invitations(letter, select_organisations(organisations=[partner(f"More {n}") for n in range(20)]))
    with django_assert_max_num_queries(3):
        html = render_to_string("letters/manage/_outreach_panel.html", {"letter": letter})
    assert stage_count(html, "invited") == 25


def test_the_panel_of_a_letter_without_invitations_offers_to_invite(letter):
    html = render_to_string("letters/manage/_outreach_panel.html", {"letter": letter})
    assert "No organisation has been invited" in html


def test_coordinators_set_the_reminder_days_and_notifications_per_letter(coordinator_client, letter):
    response = coordinator_client.post(
        f"/manage/letters/{letter.slug}/campaign/settings/", {"reminder_days": " 3, 10,3", "notify": "digest"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.reminder_days, letter.reminder_day_list, letter.notify) == ("10,3", [10, 3], Letter.Notify.DIGEST)


def test_invalid_reminder_days_are_refused_with_a_message(coordinator_client, letter):
    response = coordinator_client.post(
        f"/manage/letters/{letter.slug}/campaign/settings/", {"reminder_days": "soon", "notify": "none"}, follow=True
    )
    assert b"whole numbers of days" in response.content
    letter.refresh_from_db()
    assert letter.reminder_days == "7,2"


def test_another_coordinator_cannot_see_the_campaign_or_change_its_settings(other_client, letter, running):
    assert other_client.get(f"/manage/letters/{letter.slug}/campaign/").status_code == 404
    settings_url = f"/manage/letters/{letter.slug}/campaign/settings/"
    assert other_client.post(settings_url, {"reminder_days": "1", "notify": "each"}).status_code == 404
    assert other_client.post(f"/manage/letters/{letter.slug}/campaign/retry/").status_code == 404
    letter.refresh_from_db()
    assert (letter.reminder_days, letter.notify) == ("7,2", "none")


def test_the_campaign_page_needs_as_many_queries_for_50_invited_partners_as_for_5(coordinator_client, letter, running):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/")
            assert response.status_code == 200
        return len(captured), response

    def grow(start, count):
        """More invited partners, each reminded once, and more signers who never confirmed (with a French name)."""
        extra = [partner(f"Extra {n}") for n in range(start, start + count)]
        send_invitations(letter, select_organisations(organisations=extra))
        for invitation in Invitation.objects.filter(letter=letter, organisation__in=extra):
            signature = Signature.objects.get(letter=letter, organisation=invitation.organisation)
            OutgoingEmail.objects.create(
                kind="reminder", to=invitation.contact.email, subject="Reminder", body_text="…", letter=letter,
                signature=signature, contact=invitation.contact, dedupe_key=f"reminder:{invitation.pk}:7",
            )
        for n in range(start, start + count):
            signer = SignatureFactory(
                letter=letter, organisation=partner(f"Unconfirmed {n}"), status=Signature.Status.PENDING
            )
            OrganisationName.objects.create(organisation=signer.organisation, language="fr", name=f"Non confirmé {n}")

    grow(0, 3)
    few, _response = queries()
    grow(3, 45)
    many, response = queries()
    assert many == few
    assert len(response.context["unconfirmed"]) == 1 + 48 and len(response.context["chase"]) == 50
    assert {s.reminders_sent for s in response.context["chase"] if s.organisation.name.startswith("Extra")} == {1}


def test_emails_left_unsent_on_purpose_are_not_shown_as_failures_nor_retried(coordinator_client, letter, running):
    OutgoingEmail.objects.filter(to__startswith="cairo").update(state="failed", last_error="unsubscribed")
    OutgoingEmail.objects.filter(to__startswith="geneva").update(state="failed", last_error="SMTPDataError: 554")

    html = coordinator_client.get(f"/manage/letters/{letter.slug}/campaign/").content.decode()
    assert "Failed 1" in html and "Not sent 1" in html
    assert "Not sent: the person unsubscribed." in html

    coordinator_client.post(f"/manage/letters/{letter.slug}/campaign/retry/")
    assert OutgoingEmail.objects.get(to__startswith="cairo").state == "failed"
    assert OutgoingEmail.objects.get(to__startswith="geneva").state == "queued"
