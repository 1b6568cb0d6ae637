"""The "paste a list" screen: preview, adjust each match, import in one go (or not at all)."""

import pytest
from django.urls import reverse

from letters.models import Organisation, Signature
from tests.factories import OrganisationFactory
from tests.manage.conftest import read_list

pytestmark = pytest.mark.django_db


def preview(client, letter, text, layout="auto", language="en"):
    return client.post(reverse("manage:paste", args=[letter.slug]),
                       {"language": language, "layout": layout, "text": text})


def do_import(client, letter, text, extra=None, row_count=None, layout="auto"):
    data = {"language": "en", "layout": layout, "text": text, **(extra or {})}
    if row_count is not None:
        data["row_count"] = str(row_count)
    return client.post(reverse("manage:paste_import", args=[letter.slug]), data)


def test_preview_shows_each_line_parsed_and_matched_and_saves_nothing(coordinator_client, letter):
    OrganisationFactory(name="Amnesty International", country="XI")
    OrganisationFactory(name="Asian Legal Resource Centre", country="HK")
    response = preview(coordinator_client, letter, "Amnesty International, International\n"
                                                   "Asian Legal Resource Center, Hong Kong\nBrand New Group, Kenya")
    html = response.content.decode()
    rows = response.context["preview"].rows
    assert [(r.entry.name, r.country, r.how) for r in rows] == [
        ("Amnesty International", "XI", "exact"), ("Asian Legal Resource Center", "HK", "fuzzy"),
        ("Brand New Group", "KE", "new")]
    assert "Exact" in html and "Similar 96%" in html and "New organisation" in html
    assert not Signature.objects.exists() and Organisation.objects.count() == 2


def test_seed_003_preview_flags_the_missing_comma_and_offers_to_split(demo, coordinator_client, letter):
    html = preview(coordinator_client, letter, read_list("003")).content.decode()
    assert "Probably two organisations with a comma missing" in html
    assert '<option value="split" selected>Two organisations: Conectas Direitos Humanos + DefendDefenders' in html


def test_importing_with_the_coordinators_choices(coordinator_client, letter):
    centre = OrganisationFactory(name="Asian Legal Resource Centre", country="HK")
    text = "Asian Legal Resource Center\nSpam Inc\nNew Group"
    response = do_import(coordinator_client, letter, text, row_count=3, extra={
        "choice_0": "new", "choice_1": "skip", "choice_2": "new", "name_2": "New Group (NG)"})
    assert response.status_code == 302
    assert [s.display_name() for s in letter.signatures.order_by("position")] == [
        "Asian Legal Resource Center", "New Group (NG)"]
    assert not letter.signatures.filter(organisation=centre).exists()
    follow = coordinator_client.get(response["Location"]).content.decode()
    assert "2 sign-ons imported and approved" in follow


def test_import_keeps_the_default_choice_for_lines_not_posted(coordinator_client, letter):
    centre = OrganisationFactory(name="Asian Legal Resource Centre")
    do_import(coordinator_client, letter, "Asian Legal Resource Center", row_count=1)
    assert letter.signatures.get().organisation == centre


def test_a_refused_import_changes_nothing_and_shows_the_preview_again_with_the_choices(coordinator_client, letter):
    text = "Alpha Group\nBeta Group"
    response = do_import(coordinator_client, letter, text, row_count=2, extra={
        "choice_0": "new", "other_1": "No Such Organisation"})
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in html
    assert "there is no organisation “No Such Organisation”" in html
    assert 'value="No Such Organisation"' in html
    assert not Signature.objects.exists() and not Organisation.objects.exists()


def test_unreadable_lines_block_the_import_until_the_coordinator_agrees_to_leave_them_out(coordinator_client, letter):
    text = "1. Alpha Group\nInternational organisations:\n2. Beta Group"
    html = preview(coordinator_client, letter, text, layout="numbered").content.decode()
    assert "Line 2" in html and "has no number" in html
    response = do_import(coordinator_client, letter, text, row_count=2, layout="numbered")
    assert "Nothing was imported" in response.content.decode() and not Signature.objects.exists()
    do_import(coordinator_client, letter, text, row_count=2, layout="numbered", extra={"skip_invalid": "on"})
    assert letter.signatures.count() == 2


def test_a_list_changed_since_the_preview_is_not_imported_blindly(coordinator_client, letter):
    response = do_import(coordinator_client, letter, "Alpha\nBeta\nGamma", row_count=2)
    assert "The list changed since the preview" in response.content.decode()
    assert not Signature.objects.exists()


def test_hostile_or_oversized_input_never_fails(coordinator_client, letter):
    for text in ("", " \n\t", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "1." * 5000, "a" * 250_000):
        response = preview(coordinator_client, letter, text)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_paste_pick_leads_to_the_letters_paste_screen(coordinator_client, letter, other_letter):
    url = reverse("manage:paste_pick")
    assert coordinator_client.get(url, {"letter": letter.slug})["Location"] == reverse("manage:paste",
                                                                                       args=[letter.slug])
    response = coordinator_client.get(url, {"letter": other_letter.slug})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
