"""Coordinators invite partner organisations; contacts receive a personal link in their own language."""

import pytest
from django.utils import timezone

from letters.emails.core import send_due
from letters.models import Invitation, Signature
from letters.views.outreach import SESSION_KEY
from tests.outreach.helpers import body, link_in, partner

pytestmark = pytest.mark.django_db


def invite(client, letter, **choice):
    return client.post(f"/manage/letters/{letter.slug}/invite/", choice)


def test_invitations_arrive_in_each_contacts_language_with_a_working_personal_link(coordinator_client, letter, smtp):
    partner("Réseau Sahel", country="SN", languages=["fr"])
    partner("Red Andina", country="PE", languages=["es"])
    partner("Kenya Voices", country="KE", languages=[""])  # no preference: the letter's default language
    letter.deadline = timezone.make_aware(timezone.datetime(2031, 11, 24, 17, 0))
    letter.save()

    response = invite(coordinator_client, letter, regions=["XF", "XL"])
    assert response.status_code == 302
    assert send_due() == 3

    assert smtp.recipients() == [
        "kenya-voices-0@kenya-voices.example.org",
        "red-andina-0@red-andina.example.org",
        "reseau-sahel-0@reseau-sahel.example.org",
    ]
    french = smtp.to("reseau-sahel-0@reseau-sahel.example.org")[0]
    spanish = smtp.to("red-andina-0@red-andina.example.org")[0]
    english = smtp.to("kenya-voices-0@kenya-voices.example.org")[0]
    assert f"{letter.title} [fr]" in french["Subject"]
    assert "24 novembre 2031, 17:00" in body(french)
    assert f"{letter.title} [es]" in spanish["Subject"]
    assert "noviembre de 2031" in body(spanish)
    assert f"{letter.title} [en]" in english["Subject"]
    assert "Nov. 24, 2031, 5 p.m." in body(english)

    link = link_in(body(french), "/invite/")
    assert link.startswith("/fr/invite/")
    followed = coordinator_client.get(link)
    assert followed.status_code == 302
    assert followed["Location"] == f"/fr/letters/{letter.slug}/"
    invitation = Invitation.objects.get(contact__email__startswith="reseau-sahel")
    assert coordinator_client.session[SESSION_KEY] == str(invitation.token)
    assert invitation.opened_at is not None
    assert Signature.objects.get(letter=letter, organisation=invitation.organisation).opened_at is not None
