"""Admin: signatory lists exported by letter and language; the directory imported from CSV/XLSX with a dry run,
per-row errors and nothing written when any row fails; import and export need their own permissions."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from letters.models import Organisation
from tests.factories import LetterFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "name,acronym,kind,country,website,email_domains\n"
    "Réseau Ivoirien des Défenseurs,RID,organisation,Côte d'Ivoire,https://rid.example,rid.example\n"
    "Asian Legal Resource Centre,ALRC,,Hong Kong,,\n"
    "Jane Doe,,individual,Suisse,,\n"
)
BAD_CSV = (
    "name,acronym,kind,country,website\n"
    "Fine Organisation,,organisation,Kenya,\n"
    "Bad Country Org,,organisation,Atlantis,\n"
    "Bad Kind Org,,robot,Kenya,\n"
    "Bad Website Org,,organisation,Kenya,not a url\n"
)


def staff_with(*codenames):
    user = UserFactory(username="staff-" + "-".join(codenames), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def upload(client, content, name="directory.csv", fmt="0"):
    return client.post(reverse("admin:letters_organisation_import"), {
        "import_file": SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode()),
        "format": fmt, "resource": "0",
    })


def test_import_shows_a_dry_run_then_writes_on_confirm():
    OrganisationFactory(name="Asian Legal Resource Centre", acronym="", country="")
    client = staff_with("view_organisation", "add_organisation", "change_organisation", "import_organisation")

    preview = upload(client, GOOD_CSV)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Réseau Ivoirien des Défenseurs" in page and 'name="import_file_name"' in page
    assert Organisation.objects.count() == 1  # a dry run writes nothing

    form = preview.context["confirm_form"]
    response = client.post(reverse("admin:letters_organisation_process_import"), form.initial)

    assert response.status_code == 302
    assert Organisation.objects.count() == 3  # ALRC was updated, not duplicated
    alrc = Organisation.objects.get(name="Asian Legal Resource Centre")
    assert (alrc.acronym, alrc.country.code) == ("ALRC", "HK")
    assert Organisation.objects.get(name="Jane Doe").kind == "individual"
    assert Organisation.objects.get(acronym="RID").country.code == "CI"


def test_any_bad_row_is_reported_per_row_and_nothing_is_written():
    client = staff_with("view_organisation", "add_organisation", "change_organisation", "import_organisation")

    response = upload(client, BAD_CSV)

    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "Unknown country “Atlantis”" in page
    assert "robot" in page and "Enter a valid URL" in page
    assert not Organisation.objects.filter(name="Fine Organisation").exists()


def test_a_file_that_fails_at_the_confirm_step_writes_nothing():
    """The file changed between the dry run and the confirmation: one bad row rolls every row back."""
    from import_export.tmp_storages import TempFolderStorage

    storage = TempFolderStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(BAD_CSV.encode())
    client = staff_with("view_organisation", "add_organisation", "change_organisation", "import_organisation")

    response = client.post(reverse("admin:letters_organisation_process_import"), {
        "import_file_name": storage.name, "original_file_name": "directory.csv", "format": "0", "resource": "0",
    }, follow=True)

    assert not Organisation.objects.filter(name="Fine Organisation").exists()
    assert "Nothing was imported" in response.content.decode()


def test_xlsx_imports_too():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "country"])
    sheet.append(["Zimbabwe Lawyers for Human Rights", "Zimbabwe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = staff_with("view_organisation", "add_organisation", "change_organisation", "import_organisation")

    preview = upload(client, buffer.getvalue(), name="directory.xlsx", fmt="1")
    client.post(reverse("admin:letters_organisation_process_import"), preview.context["confirm_form"].initial)

    assert Organisation.objects.get(name="Zimbabwe Lawyers for Human Rights").country.code == "ZW"


def test_import_and_export_need_their_own_permissions(letter):
    viewer = staff_with("view_organisation", "add_organisation", "change_organisation", "view_signature")

    assert viewer.get(reverse("admin:letters_organisation_import")).status_code == 403
    assert viewer.get(reverse("admin:letters_organisation_export")).status_code == 403
    assert viewer.get(reverse("admin:letters_signature_export")).status_code == 403
    assert "Import" not in viewer.get(reverse("admin:letters_organisation_changelist")).content.decode()

    allowed = staff_with("view_organisation", "import_organisation", "export_organisation", "view_signature",
                         "export_signature")
    assert allowed.get(reverse("admin:letters_organisation_import")).status_code == 200
    assert allowed.get(reverse("admin:letters_signature_export")).status_code == 200


def test_signatory_export_by_letter_and_language(letter, sign):
    sign("Cairo Institute", fr="Institut du Caire", email="cairo@cihrs.example")
    sign("Amnesty International")
    sign("Other Letter Org", target=LetterFactory(slug="another-letter"))
    client = staff_with("view_signature", "export_signature")

    response = client.post(reverse("admin:letters_signature_export"), {
        "format": "0", "resource": "0", "letter": letter.pk, "language": "fr", "order": "alphabetical",
    })

    lines = response.content.decode().splitlines()
    with translation.override("fr"):  # the list's language, headers included
        assert lines[0].split(",")[1] == gettext("Name")
    assert [line.split(",")[1] for line in lines[1:]] == ["Amnesty International", "Institut du Caire"]
    assert "@" not in response.content.decode()

    response = client.post(reverse("admin:letters_signature_export"), {
        "format": "0", "resource": "0", "letter": letter.pk, "language": "ru", "order": "alphabetical",
    })
    assert "no version in this language" in response.content.decode()
