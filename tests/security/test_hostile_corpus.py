"""The hostile corpus (tests/security/corpus.py) through every public and coordinator form, the admin import and the
CLI import, then through every export format: never a server error, never a formula cell or a line that starts
a formula, never the corpus's markup unescaped in an HTML output (public page, html layout).

Each value goes through each form once, in one of its text fields (the field rotates), with the other fields
valid so that what a form accepts is stored and reaches the exports.
"""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from letters.documents import export_output
from letters.exports import LAYOUTS, TEXT_LAYOUTS, SignatoryList
from letters.models import Organisation, Signature
from letters.services.signon import MANAGE, make_token
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory
from tests.security.corpus import (
    HOSTILE, IMG, RAW_BODIES, SCRIPT, check_csv, check_docx, check_json, check_pdf, check_text, check_xlsx,
)

pytestmark = pytest.mark.django_db

SIGN_ON_FIELDS = ("organisation_name", "acronym", "affiliation", "signer_name", "signer_email", "website",
                  "message", "country", "kind")
LIVE_MARKUP = (SCRIPT, IMG, "<script>alert(2)</script>", "<b>bold</b>")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.SIGNON_RATE_PER_IP = 0
    settings.SIGNON_RATE_PER_EMAIL = 0


@pytest.fixture
def hostile_letter(coordinator):
    return LetterFactory(slug="hostile", coordinators=[coordinator], languages=["en", "fr"],
                         accepts_individuals=True, requires_approval=False)


def client_for(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def ok(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code}"
    return response


def _rotate(index, fields):
    return fields[index % len(fields)]


# --- the forms --------------------------------------------------------------------------------------------------


def feed_sign_on_form(letter):
    client = client_for()
    url = f"/en/letters/{letter.slug}/"
    for index, value in enumerate(HOSTILE):
        field = _rotate(index, SIGN_ON_FIELDS)
        data = {"kind": "individual" if index % 4 == 3 else "organisation", "organisation_name": f"Org {index}",
                "acronym": "", "affiliation": f"Affiliation {index}", "country": "KE", "website": "",
                "signer_name": f"Signer {index}", "signer_email": f"s{index}@ngo{index}.example",
                "consent_public": "on", "message": "", "reference": "", "started": "", field: value}
        ok(client.post(url, data), f"sign-on form, {field}={value[:40]!r}")
    for signature in Signature.objects.filter(letter=letter, status=Signature.Status.PENDING):
        signature.confirm()


def feed_my_sign_on(letter):
    client = client_for()
    signatures = list(Signature.objects.filter(letter=letter, status__in=Signature.SIGNED_STATUSES)[:20])
    assert signatures, "the sign-on form stored nothing"
    for index, value in enumerate(HOSTILE):
        signature = signatures[index % len(signatures)]
        url = f"/en/letters/{letter.slug}/my-sign-on/{make_token(signature, MANAGE)}/"
        ok(client.post(url, {"name": value}), f"my sign-on, name={value[:40]!r}")
    ok(client.get(f"/en/letters/{letter.slug}/my-sign-on/{HOSTILE[0][:200]}/"), "my sign-on, hostile token")


def feed_add_sign_on(client, letter):
    url = reverse("manage:signature_add", args=[letter.slug])
    fields = ("name", "signer_name", "signer_email", "note", "country", "language", "choice")
    for index, value in enumerate(HOSTILE):
        field = _rotate(index, fields)
        data = {"name": f"Added Organisation {index}", "country": "UG", "signer_name": "", "signer_email": "",
                "language": "en", "consent_public": "on", "note": "", "choice": "new", field: value}
        ok(client.post(url, data), f"add sign-on, {field}={value[:40]!r}")


def feed_paste(client, letter):
    preview_url = reverse("manage:paste", args=[letter.slug])
    import_url = reverse("manage:paste_import", args=[letter.slug])
    lines = "\n".join(value.replace("\n", " ").replace("\r", " ")[:500] for value in HOSTILE)
    for layout in ("auto", "lines", "name-country"):
        ok(client.post(preview_url, {"language": "en", "layout": layout, "text": lines}), f"paste preview {layout}")
    response = ok(client.post(preview_url, {"language": "en", "layout": "lines", "text": lines}), "paste preview")
    preview = response.context["preview"] if response.context and "preview" in response.context else None
    rows = len(preview.rows) if preview else 0
    decisions = {}
    for index in range(rows):  # every line imported as a new organisation, its name edited to a hostile value
        decisions[f"choice_{index}"] = "new"
        decisions[f"name_{index}"] = HOSTILE[(index * 7) % len(HOSTILE)][:1000]
        decisions[f"other_{index}"] = HOSTILE[(index * 11) % len(HOSTILE)][:1000]
        decisions[f"parts_{index}"] = HOSTILE[(index * 13) % len(HOSTILE)][:1000]
    ok(client.post(import_url, {"language": "en", "layout": "lines", "text": lines, "skip_invalid": "on",
                                "row_count": str(rows), **decisions}), "paste import (edited names)")
    ok(client.post(import_url, {"language": "en", "layout": "auto", "text": lines, "skip_invalid": "on",
                                "row_count": "x"}), "paste import (stale)")
    for value in (HOSTILE[-40:]):  # whole values as the pasted text, one by one (1 MB, NUL, line breaks…)
        ok(client.post(preview_url, {"language": "en", "layout": "auto", "text": value}), f"paste {value[:40]!r}")


def feed_directory_edit(client, organisation):
    url = reverse("manage:organisation_edit", args=[organisation.pk])
    fields = ("name", "acronym", "sort_name", "affiliation", "notes", "email_domains", "website", "country", "kind")
    for index, value in enumerate(HOSTILE):
        field = _rotate(index, fields)
        data = {"name": f"Directory Organisation {index}", "acronym": "DO", "sort_name": "", "affiliation": "",
                "notes": "", "email_domains": "", "website": "", "country": "KE",
                "kind": "individual" if index % 2 else "organisation", field: value}
        ok(client.post(url, data), f"directory edit, {field}={value[:40]!r}")
    ok(client.get(reverse("manage:organisation", args=[organisation.pk])), "organisation page")


def feed_invitations(client, letter, organisation):
    """The invite form's fields are all filters: each request carries a value in every field (batched)."""
    url = reverse("invitations:invite", args=[letter.slug])
    contacts = reverse("invitations:contacts", args=[organisation.pk])
    fields = ("q", "regions", "countries", "tags", "signed_letters", "organisations")
    for start in range(0, len(HOSTILE), len(fields)):
        data = {field: HOSTILE[(start + offset) % len(HOSTILE)] for offset, field in enumerate(fields)}
        send = client.post if start % 4 == 0 else client.get
        ok(send(url, data), f"invite {data}"[:200])
    for start in range(0, len(HOSTILE), 2):
        name, email = HOSTILE[start], HOSTILE[(start + 1) % len(HOSTILE)]
        ok(client.post(contacts, {"name": name, "email": email, "language": ""}), f"contact {name[:40]!r}")
        ok(client.post(contacts, {"name": email, "email": f"c{start}@ngo.example", "language": "en"}), "contact")


def feed_version_edit(client, letter):
    url = reverse("manage:version_edit", args=[letter.slug, "en"])
    fields = ("title", "addressee", "date_line", "body", "closing", "organisations_label", "individuals_label",
              "unnamed_label")
    for index, value in enumerate(HOSTILE):
        field = _rotate(index, fields)
        data = {"language": "en", "title": "Hostile letter", "addressee": "To: everyone", "date_line": "Today",
                "body": "Body", "closing": "Sincerely,", "organisations_label": "", "individuals_label": "",
                "unnamed_label": "", "signatories_label": "", field: value}
        ok(client.post(url, data), f"letter version, {field}={value[:40]!r}")
    # Leave the last accepted hostile values in place for the exports and the public page.
    ok(client.post(url, {"language": "en", "title": f"{SCRIPT} \x01=cmd", "addressee": f"{IMG}\n\u202e@SUM(1)",
                         "date_line": "\u200b+1", "body": f"{SCRIPT}\n\n- {IMG}\n\n\x00=1", "closing": "\x7f-2",
                         "organisations_label": "\ufeff=Organisations", "individuals_label": "@Individuals",
                         "unnamed_label": "\uff1d{count} unnamed", "signatories_label": ""}), "letter version")


def feed_admin_import(admin_client):
    url = reverse("admin:letters_organisation_import")
    process = reverse("admin:letters_organisation_process_import")

    def csv_file(rows):
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["name", "acronym", "kind", "country", "sort_name", "website", "email_domains", "affiliation"])
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8", "surrogatepass")

    def upload(content, name="directory.csv", fmt="0"):
        return admin_client.post(url, {"import_file": SimpleUploadedFile(name, content), "format": fmt,
                                       "resource": "0"})

    columns = 8
    everything = [[HOSTILE[(index + column) % len(HOSTILE)][:5000] for column in range(columns)]
                  for index in range(len(HOSTILE))]
    ok(upload(csv_file(everything)), "admin import, every column hostile")
    acceptable = [value for value in HOSTILE if 2 < len(value) <= 280 and any(ch.isalnum() for ch in value)]
    names = [[f"{value} {index}", value[:40] if index % 3 == 0 else "", "individual" if index % 2 else "", "KE",
              value if index % 5 == 0 else "", "", "", value if index % 2 else ""]
             for index, value in enumerate(acceptable)]
    preview = ok(upload(csv_file(names)), "admin import dry run")
    confirm = preview.context.get("confirm_form") if preview.context else None
    assert confirm is not None, preview.content.decode()[:2000]
    ok(admin_client.post(process, confirm.initial), "admin import confirm")
    workbook = openpyxl.Workbook()
    for row in [["name", "country"], *[[value[:300], "KE"] for value in acceptable[:60]]]:
        workbook.active.append([openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = ok(upload(buffer.getvalue(), "directory.xlsx", "1"), "admin import xlsx dry run")
    if preview.context and preview.context.get("confirm_form") is not None:
        ok(admin_client.post(process, preview.context["confirm_form"].initial), "admin import xlsx confirm")
    for body in RAW_BODIES:
        ok(upload(body), "admin import, not UTF-8")
        ok(upload(body, "directory.xlsx", "1"), "admin import, not a workbook")
    return len(acceptable)


# --- the exports --------------------------------------------------------------------------------------------------


def check_every_export(letter, admin_client):
    for include_contacts in (False, True):
        for layout in LAYOUTS:
            output = export_output(SignatoryList(letter, "en", include_contacts=include_contacts), layout)
            if layout in TEXT_LAYOUTS:
                check_text("".join(output.chunks), layout)
            elif layout == "csv":
                check_csv("".join(output.chunks))
            elif layout == "json":
                check_json("".join(output.chunks))
            elif layout == "xlsx":
                check_xlsx(output.chunks[0])
            elif layout == "docx":
                check_docx(output.chunks[0])
            else:
                check_pdf(output.chunks[0])
    for index, fmt in enumerate(("csv", "xlsx", "json")):
        response = ok(admin_client.post(reverse("admin:letters_signature_export"), {
            "format": str(index), "resource": "0", "letter": letter.pk, "language": "en", "order": "alphabetical",
            "contacts": "on"}), f"admin export {fmt}")
        assert response.status_code == 200, fmt
        if fmt == "xlsx":
            check_xlsx(response.content)
        else:
            (check_csv if fmt == "csv" else check_json)(response.content.decode())
    for index, fmt in enumerate(("csv", "xlsx")):
        response = ok(admin_client.post(reverse("admin:letters_organisation_export"), {
            "format": str(index), "resource": "0", **{f"organisationresource_{field}": "on" for field in (
                "id", "name", "acronym", "kind", "country", "sort_name", "website", "email_domains", "affiliation")}}),
            f"admin directory export {fmt}")
        assert response.status_code == 200 and response["Content-Type"].split(";")[0] != "text/html", fmt
        check_csv(response.content.decode()) if fmt == "csv" else check_xlsx(response.content)


def check_public_page(letter):
    client = client_for()
    for language in ("en", "fr"):
        page = ok(client.get(f"/{language}/letters/{letter.slug}/"), "public page").content.decode()
        for markup in LIVE_MARKUP:
            assert markup not in page, markup


def test_the_hostile_corpus_through_every_form_then_every_export(hostile_letter, coordinator, admin_user):
    assert len(HOSTILE) >= 150
    coordinator_client, admin_client = client_for(coordinator), client_for(admin_user)
    feed_sign_on_form(hostile_letter)
    feed_my_sign_on(hostile_letter)
    feed_add_sign_on(coordinator_client, hostile_letter)
    feed_paste(coordinator_client, hostile_letter)
    ours = OrganisationFactory(name="Directory Organisation")
    SignatureFactory(letter=hostile_letter, organisation=ours, signer_email="do@do.example")
    feed_directory_edit(coordinator_client, ours)
    feed_invitations(coordinator_client, hostile_letter, ours)
    feed_version_edit(coordinator_client, hostile_letter)
    imported = feed_admin_import(admin_client)
    for organisation in Organisation.objects.filter(signatures__isnull=True)[:imported]:  # imported: onto the list
        SignatureFactory(letter=hostile_letter, organisation=organisation, affiliation=organisation.name[::-1][:300],
                         region=organisation.name[:100] if organisation.pk % 3 == 0 else "")
    listed = Signature.objects.filter(letter=hostile_letter).listed().count()
    assert listed > 150, listed
    ok(coordinator_client.get(reverse("manage:letter", args=[hostile_letter.slug])), "dashboard")
    ok(coordinator_client.get(reverse("manage:directory"), {"q": SCRIPT}), "directory search")

    check_every_export(hostile_letter, admin_client)
    check_public_page(hostile_letter)


def test_bodies_that_are_not_utf8_never_give_a_server_error(hostile_letter, coordinator):
    signature = SignatureFactory(letter=hostile_letter, status=Signature.Status.PENDING)
    public, manager = client_for(), client_for(coordinator)
    urls = [(public, f"/en/letters/{hostile_letter.slug}/"),
            (public, f"/en/letters/{hostile_letter.slug}/my-sign-on/{make_token(signature, MANAGE)}/"),
            (manager, reverse("manage:signature_add", args=[hostile_letter.slug])),
            (manager, reverse("manage:paste", args=[hostile_letter.slug])),
            (manager, reverse("manage:paste_import", args=[hostile_letter.slug])),
            (manager, reverse("manage:organisation_edit", args=[signature.organisation_id])),
            (manager, reverse("invitations:invite", args=[hostile_letter.slug])),
            (manager, reverse("invitations:contacts", args=[signature.organisation_id])),
            (manager, reverse("manage:version_edit", args=[hostile_letter.slug, "en"]))]
    for client, url in urls:
        for body in RAW_BODIES:
            for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                 "application/octet-stream"):
                ok(client.generic("POST", url, body, content_type=content_type), f"{url} {body[:20]!r}")


def test_the_cli_import_takes_the_corpus_and_the_exports_stay_safe(hostile_letter, admin_user, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(value.replace("\n", " ").replace("\r", " ")[:2000] for value in HOSTILE),
                       encoding="utf-8", errors="surrogatepass")
    out = io.StringIO()
    call_command("import_signatories", hostile_letter.slug, str(listing), "--language", "en", "--skip-invalid",
                 "--split-run-ons", stdout=out, stderr=io.StringIO())
    assert Signature.objects.filter(letter=hostile_letter).count() > 50  # spellings that clean alike are one
    not_utf8 = tmp_path / "latin1.txt"
    not_utf8.write_bytes(b"Caf\xe9 des Droits\n\xff\xfe\x00\x00Org\n")
    for path in (not_utf8, Path(tmp_path / "missing.txt")):
        try:
            call_command("import_signatories", hostile_letter.slug, str(path), "--language", "en", "--skip-invalid",
                         stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError:
            pass  # a clear refusal is fine; a traceback is not
    check_every_export(hostile_letter, client_for(admin_user))
