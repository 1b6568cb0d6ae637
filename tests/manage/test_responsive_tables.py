"""Coordinator tables fit narrow screens: below a breakpoint each row becomes a card in which every cell is labelled
(data-label, shown by manage.css), and no table sits in a sideways-scrolling box that would hide its buttons.
The layout itself is measured in Chromium by tests/e2e/test_accessibility.py."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from letters.models import Contact, ExportJob, Signature
from letters.services.invitations import send_invitations
from tests.factories import ContactFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db

STACKED = {"table-stack", "table-stack-lg", "table-stack-xl"}


class Tables(HTMLParser):
    """The stacked tables of a page: for each, its classes and the attributes of every body cell."""

    def __init__(self):
        super().__init__()
        self.tables, self.scroll_boxes, self._stack, self._in_body = [], 0, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if "table-responsive" in classes:
            self.scroll_boxes += 1
        if tag == "table":
            self._stack.append({"classes": classes, "cells": []})
        elif tag == "tbody":
            self._in_body = True
        elif tag in ("td", "th") and self._in_body and self._stack:
            self._stack[-1]["cells"].append({**attrs, "classes": classes, "tag": tag})

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._stack:
            table = self._stack.pop()
            if table["classes"] & STACKED:
                self.tables.append(table)


def tables(response):
    assert response.status_code == 200
    parser = Tables()
    parser.feed(response.content.decode())
    return parser


def unlabelled(table):
    """Body cells that would show a bare value in a card: no data-label, not a row heading, not a checkbox or
    number shown inline, not the one cell of an empty table."""
    return [cell for cell in table["cells"] if "data-label" not in cell and cell["tag"] != "th"
            and "stack-inline" not in cell["classes"] and "colspan" not in cell]


@pytest.fixture
def busy_letter(letter, coordinator, pending, approved):
    """Our letter with sign-ons to approve, organisations invited, and background exports done and failed."""
    SignatureFactory(letter=letter, status=Signature.Status.CONFIRMED, flag_near_duplicate=True)
    ContactFactory(organisation=OrganisationFactory(name="Kenya Voices", country="KE"))
    send_invitations(letter, [contact.organisation for contact in Contact.objects.all()], by=coordinator)
    ExportJob.objects.create(letter=letter, language="en", layout="pdf", status=ExportJob.Status.DONE, content=b"x",
                             filename="list.pdf", content_type="application/pdf")
    ExportJob.objects.create(letter=letter, language="fr", layout="docx", status=ExportJob.Status.FAILED, error="Stop")
    return letter


def test_dashboard_rows_become_labelled_cards_with_their_actions_together(coordinator_client, busy_letter, pending):
    page = tables(coordinator_client.get(reverse("manage:letter", args=[busy_letter.slug])))
    (table,) = [t for t in page.tables if "signatures-table" in t["classes"]]
    assert "table-stack-xl" in table["classes"]
    assert page.scroll_boxes == 0
    assert unlabelled(table) == []
    labels = {cell["data-label"] for cell in table["cells"] if "data-label" in cell}
    assert labels == {"Name on the letter", "Country", "Signer", "Language", "Status", "Dates", "Actions"}
    html = coordinator_client.get(reverse("manage:letter", args=[busy_letter.slug])).content.decode()
    row = html[html.index(f'id="sig-{pending.pk}"'):]
    row = row[:row.index("</tr>")]
    # Every button of the row wraps inside one box, so none is pushed off screen.
    actions = row[row.index('class="row-actions-inner"'):]
    for label in ("Approve", "Lead", "Move up", "Move down", "Edit"):
        assert label in actions


def test_dashboard_labels_are_translated(coordinator_client, busy_letter):
    coordinator_client.cookies.load({"django_language": "fr"})
    with translation.override("fr"):
        expected = translation.gettext("Name on the letter")
    page = tables(coordinator_client.get(reverse("manage:letter", args=[busy_letter.slug])))
    (table,) = [t for t in page.tables if "signatures-table" in t["classes"]]
    assert expected in {cell.get("data-label") for cell in table["cells"]}


@pytest.mark.parametrize("url", [
    lambda letter: reverse("manage:directory"),
    lambda letter: reverse("manage:duplicates"),
    lambda letter: reverse("exports:letter", kwargs={"slug": letter.slug}),
    lambda letter: reverse("invitations:campaign", kwargs={"slug": letter.slug}),
], ids=["directory", "duplicates", "exports jobs", "campaign"])
def test_coordinator_tables_stack_with_every_cell_labelled(coordinator_client, busy_letter, url):
    OrganisationFactory(name="Centre for Civic Voices", country="KE")
    OrganisationFactory(name="Centre for Civic Voice", country="KE")
    page = tables(coordinator_client.get(url(busy_letter)))
    assert page.tables, "no stacked table on the page"
    assert page.scroll_boxes == 0
    for table in page.tables:
        assert unlabelled(table) == [], table["classes"]


def test_paste_preview_rows_stack_with_labels(coordinator_client, letter):
    response = coordinator_client.post(reverse("manage:paste", args=[letter.slug]), {
        "text": "ARTICLE 19, United Kingdom\nCentre for Civic Voices, Kenya\n", "language": "en", "layout": "auto"})
    page = tables(response)
    (table,) = [t for t in page.tables if "preview-table" in t["classes"]]
    assert "table-stack-lg" in table["classes"]
    assert page.scroll_boxes == 0
    assert unlabelled(table) == []
