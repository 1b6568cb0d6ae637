"""Changes made in the Django admin (the record, its names per language and spellings, deletes) and by the admin's
directory import are recorded in the directory's history like workspace edits, and shown on letters' dashboards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from letters.models import Organisation, OrganisationChange, Tag
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def shared(letter, other_letter):
    """An organisation on the coordinator's letter and on another coordinator's live letter."""
    org = OrganisationFactory(name="Shared Rights Network", country="KE")
    SignatureFactory(letter=letter, organisation=org, status="approved")
    SignatureFactory(letter=other_letter, organisation=org, status="approved")
    return org


def _rows(data, prefix, rows, fields):
    """An inline formset as the admin posts it: `rows` are dicts, with "id" for existing ones."""
    initial = [row for row in rows if row.get("id")]
    data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(initial),
                 f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for i, row in enumerate(rows):
        for field in ("id", *fields, "DELETE"):
            if row.get(field) not in (None, False):
                data[f"{prefix}-{i}-{field}"] = row[field]


def _save_in_admin(client, org, names=None, aliases=None, **changes):
    org = Organisation.objects.get(pk=org.pk)
    data = {"kind": org.kind, "name": org.name, "acronym": org.acronym, "sort_name": org.sort_name,
            "country": org.country.code or "", "affiliation": org.affiliation, "website": org.website,
            "email_domains": org.email_domains, "notes": org.notes, "tags": [tag.pk for tag in org.tags.all()]}
    if org.needs_review:
        data["needs_review"] = "on"
    data.update(changes)
    if names is None:
        names = [{"id": n.pk, "language": n.language, "name": n.name} for n in org.display_names.all()]
    if aliases is None:
        aliases = [{"id": a.pk, "name": a.name, "source": a.source} for a in org.aliases.all()]
    _rows(data, "display_names", names, ("language", "name"))
    _rows(data, "aliases", aliases, ("name", "source"))
    _rows(data, "contacts", [], ())
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(reverse("admin:letters_organisation_change", args=[org.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert response.url == reverse("admin:letters_organisation_changelist")
    return response


@pytest.mark.parametrize("field, value, recorded", [
    ("name", "Renamed Network", "Renamed Network"), ("acronym", "SRN", "SRN"), ("country", "UG", "UG"),
    ("kind", "individual", "individual"), ("affiliation", "University of Nairobi", "University of Nairobi"),
    ("sort_name", "Network", "Network"), ("website", "https://srn.example", "https://srn.example"),
    ("email_domains", "srn.example, srn.org", "srn.example, srn.org"), ("notes", "Met in Geneva", "Met in Geneva"),
    ("needs_review", "on", True),
])
def test_it_records_each_field_changed_in_the_admin_with_before_after_and_who(admin_client, admin_user, shared,
                                                                              field, value, recorded):
    before = Organisation.objects.get(pk=shared.pk)
    _save_in_admin(admin_client, shared, **{field: value})
    change = OrganisationChange.objects.get()
    assert (change.organisation, change.by, change.action) == (shared, admin_user, "edit")
    assert change.after[field] == recorded and change.before[field] != recorded
    assert change.before["name"] == before.name and "Django admin" in change.note


def test_a_change_made_in_the_admin_is_not_refused_for_letters_of_others(admin_client, shared, other_letter):
    _save_in_admin(admin_client, shared, name="Renamed Network")
    assert Organisation.objects.get(pk=shared.pk).name == "Renamed Network"
    assert list(OrganisationChange.objects.for_letter(other_letter)) == [OrganisationChange.objects.get()]


def test_saving_without_a_change_records_nothing(admin_client, shared):
    _save_in_admin(admin_client, shared)
    assert not OrganisationChange.objects.exists()


def test_tags_changed_in_the_admin_are_recorded(admin_client, shared):
    tag = Tag.objects.create(name="Asia network")
    _save_in_admin(admin_client, shared, tags=[tag.pk])
    change = OrganisationChange.objects.get()
    assert (change.before["tags"], change.after["tags"]) == ([], ["Asia network"])


def test_names_per_language_added_changed_and_deleted_in_the_admin_are_recorded(admin_client, admin_user, shared):
    _save_in_admin(admin_client, shared, names=[{"language": "fr", "name": "Réseau des droits partagés"}])
    added = OrganisationChange.objects.get()
    assert (added.before["display_names"], added.after["display_names"]) == (
        {}, {"fr": "Réseau des droits partagés"})
    assert added.shows_on_letters and added.by == admin_user

    name = shared.display_names.get()
    _save_in_admin(admin_client, shared, names=[{"id": name.pk, "language": "fr", "name": "Réseau partagé"}])
    changed = OrganisationChange.objects.first()
    assert (changed.before["display_names"], changed.after["display_names"]) == (
        {"fr": "Réseau des droits partagés"}, {"fr": "Réseau partagé"})

    _save_in_admin(admin_client, shared, names=[{"id": name.pk, "language": "fr", "name": "Réseau partagé",
                                                 "DELETE": "on"}])
    deleted = OrganisationChange.objects.first()
    assert (deleted.before["display_names"], deleted.after["display_names"]) == ({"fr": "Réseau partagé"}, {})
    assert OrganisationChange.objects.count() == 3


def test_other_spellings_added_changed_and_deleted_in_the_admin_are_recorded(admin_client, shared):
    _save_in_admin(admin_client, shared, aliases=[{"name": "SRN Kenya", "source": "typo"}])
    added = OrganisationChange.objects.get()
    assert (added.before["aliases"], added.after["aliases"]) == ([], ["SRN Kenya"])
    assert "Other spellings added: SRN Kenya." in added.note

    alias = shared.aliases.get()
    _save_in_admin(admin_client, shared, aliases=[{"id": alias.pk, "name": "Shared Rights Kenya", "source": ""}])
    changed = OrganisationChange.objects.first()
    assert (changed.before["aliases"], changed.after["aliases"]) == (["SRN Kenya"], ["Shared Rights Kenya"])
    assert "added: Shared Rights Kenya" in changed.note and "removed: SRN Kenya" in changed.note

    _save_in_admin(admin_client, shared, aliases=[{"id": alias.pk, "name": "Shared Rights Kenya", "DELETE": "on"}])
    deleted = OrganisationChange.objects.first()
    assert (deleted.before["aliases"], deleted.after["aliases"]) == (["Shared Rights Kenya"], [])


def test_a_record_and_its_inlines_changed_in_one_save_make_one_entry(admin_client, shared):
    _save_in_admin(admin_client, shared, acronym="SRN", names=[{"language": "es", "name": "Red de Derechos"}],
                   aliases=[{"name": "S.R.N."}])
    change = OrganisationChange.objects.get()
    assert change.after["acronym"] == "SRN" and change.after["display_names"] == {"es": "Red de Derechos"}
    assert change.after["aliases"] == ["S.R.N."]


def test_a_delete_in_the_admin_is_recorded_with_what_the_record_was(admin_client, admin_user):
    org = OrganisationFactory(name="Never Signed Network", acronym="NSN")
    response = admin_client.post(reverse("admin:letters_organisation_delete", args=[org.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Organisation.objects.filter(pk=org.pk).exists()
    change = OrganisationChange.objects.get()
    assert (change.organisation, change.by, change.after) == (None, admin_user, {})
    assert (change.before["id"], change.before["name"], change.before["acronym"]) == (org.pk, org.name, "NSN")
    assert "was deleted" in change.note and "Django admin" in change.note


def test_deleting_several_in_the_admin_records_each(admin_client):
    orgs = [OrganisationFactory(name="First Gone"), OrganisationFactory(name="Second Gone")]
    admin_client.post(reverse("admin:letters_organisation_changelist"), {
        "action": "delete_selected", "_selected_action": [org.pk for org in orgs], "post": "yes"})
    assert not Organisation.objects.filter(pk__in=[org.pk for org in orgs]).exists()
    assert sorted(c.before["name"] for c in OrganisationChange.objects.all()) == ["First Gone", "Second Gone"]


def test_an_admin_change_shows_on_the_dashboard_of_every_letter_the_organisation_signed(
        admin_client, coordinator, shared, letter):
    _save_in_admin(admin_client, shared, name="Renamed Network", names=[{"language": "fr", "name": "Réseau"}])
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    html = coordinator_client.get(reverse("manage:letter", args=[letter.slug])).content.decode()
    assert "directory-change" in html and "Shared Rights Network" in html and "Renamed Network" in html
    assert "admin" in html  # who
    unrelated = LetterFactory(coordinators=[coordinator])
    html = coordinator_client.get(reverse("manage:letter", args=[unrelated.slug])).content.decode()
    assert "Renamed Network" not in html


def _import(client, content):
    preview = client.post(reverse("admin:letters_organisation_import"), {
        "import_file": SimpleUploadedFile("directory.csv", content.encode()), "format": "0", "resource": "0"})
    assert preview.status_code == 200
    return preview


def test_an_update_by_the_admins_import_is_recorded_with_who_and_a_dry_run_records_nothing(
        admin_client, admin_user, shared, letter):
    preview = _import(admin_client, f"id,name,acronym,country\n{shared.pk},Shared Rights Network,SRN,Uganda\n"
                                    "-,Brand New Network,,Kenya\n".replace("-", ""))
    assert not OrganisationChange.objects.exists()  # the dry run
    admin_client.post(reverse("admin:letters_organisation_process_import"), preview.context["confirm_form"].initial)
    change = OrganisationChange.objects.get()
    assert (change.organisation, change.by) == (shared, admin_user)
    assert (change.before["acronym"], change.after["acronym"]) == ("", "SRN")
    assert (change.before["country"], change.after["country"]) == ("KE", "UG")
    assert "import" in change.note
    assert list(OrganisationChange.objects.for_letter(letter)) == [change]
    assert Organisation.objects.filter(name="Brand New Network").exists()


def test_an_import_row_that_changes_nothing_records_nothing(admin_client, shared):
    preview = _import(admin_client, f"id,name,country\n{shared.pk},Shared Rights Network,Kenya\n")
    admin_client.post(reverse("admin:letters_organisation_process_import"), preview.context["confirm_form"].initial)
    assert not OrganisationChange.objects.exists()
