"""Issue 10, item 10: response headers. A Content-Security-Policy without inline scripts or styles (django-csp), a
Permissions-Policy, `Cache-Control: private, no-store` wherever signers' personal data is shown (coordinator pages,
exports, admin, a signer's own links), and no Server header — neither from Django nor from gunicorn."""

import os
import re
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from letters.models import Signature
from letters.services.signon import MANAGE, make_token
from tests.factories import LetterFactory, SignatureFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
FORBIDDEN_IN_CSP = ("'unsafe-inline'", "'unsafe-eval'", "*")


@pytest.fixture
def world(coordinator):
    letter = LetterFactory(slug="our-letter", coordinators=[coordinator], languages=["en", "fr"])
    signature = SignatureFactory(letter=letter, signer_email="signer@ngo.example", status=Signature.Status.APPROVED)
    return letter, signature


def coordinator_responses(client, letter):
    return {
        "dashboard": client.get(reverse("manage:letter", args=[letter.slug])),
        "letters": client.get(reverse("manage:letters")),
        "directory": client.get(reverse("manage:directory")),
        "export download": client.get(reverse("exports:download", args=[letter.slug]),
                                      {"language": "en", "format": "csv", "contacts": "on"}),
    }


def admin_responses(client, letter):
    return {
        "admin index": client.get(reverse("admin:index")),
        "admin changelist": client.get(reverse("admin:letters_signature_changelist")),
        "admin export": client.post(reverse("admin:letters_signature_export"), {
            "format": "0", "resource": "0", "letter": letter.pk, "language": "en", "order": "alphabetical",
            "contacts": "on"}),
    }


def assert_policy_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", (where, csp)
    assert directives.get("script-src") == "'self'" and directives.get("style-src") == "'self'", (where, csp)
    assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", (where, csp)
    assert not any(word in csp.split() for word in FORBIDDEN_IN_CSP), (where, csp)
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy, (where, policy)
    assert "Server" not in response.headers, where


def assert_private(response, where):
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (where, response.headers.get("Cache-Control"))


@pytest.mark.django_db
def test_the_public_letter_page_has_the_policy_headers(client, world):
    response = client.get("/en/letters/our-letter/")
    assert response.status_code == 200
    assert_policy_headers(response, "public letter")


@pytest.mark.django_db
def test_coordinator_pages_and_exports_are_never_cached(coordinator_client, world):
    letter, _signature = world
    for where, response in coordinator_responses(coordinator_client, letter).items():
        assert response.status_code == 200, where
        assert_private(response, where)
        assert_policy_headers(response, where)
    download = coordinator_responses(coordinator_client, letter)["export download"]
    assert b"signer@ngo.example" in b"".join(download.streaming_content)  # personal data: hence no-store


@pytest.mark.django_db
def test_admin_pages_and_admin_exports_are_never_cached(client, world, admin_user):
    letter, _signature = world
    client.force_login(admin_user)
    for where, response in admin_responses(client, letter).items():
        assert response.status_code == 200, where
        assert_private(response, where)
        assert_policy_headers(response, where)


@pytest.mark.django_db
def test_a_signers_own_page_is_never_cached(client, world):
    letter, signature = world
    response = client.get(f"/en/letters/{letter.slug}/my-sign-on/{make_token(signature, MANAGE)}/")
    assert response.status_code == 200
    assert_private(response, "my sign-on")


@pytest.mark.django_db
def test_the_login_page_and_a_staff_export_are_never_cached(client, world):
    letter, _signature = world
    assert_private(client.get(reverse("login")), "login")
    staff = UserFactory(username="exporter", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_signature", "export_signature"]))
    client.force_login(staff)
    response = client.post(reverse("admin:letters_signature_export"), {
        "format": "0", "resource": "0", "letter": letter.pk, "language": "en", "order": "alphabetical"})
    assert response.status_code == 200
    assert_private(response, "staff export")


@pytest.mark.django_db
def test_a_server_header_set_by_anything_in_django_is_removed(client, world, monkeypatch):
    from django.http import HttpResponse

    monkeypatch.setattr("letters.views.health.HttpResponse",
                        lambda *args, **kwargs: HttpResponse(*args, headers={"Server": "WSGIServer/0.2"}, **kwargs))
    response = client.get("/healthz")
    assert response.status_code == 200 and "Server" not in response.headers


# --- no inline scripts or styles ------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=\"", re.IGNORECASE)


def assert_no_inline_code(html, where):
    assert not INLINE_SCRIPT.search(html), (where, INLINE_SCRIPT.search(html).group(0))
    found = INLINE_STYLE.search(html)
    assert not found, (where, html[max(found.start() - 80, 0):found.end() + 80])


@pytest.mark.django_db
def test_our_pages_have_no_inline_scripts_or_styles(client, coordinator_client, world, settings):
    letter, signature = world
    pages = {
        "home": client.get("/en/"),
        "letter": client.get(f"/en/letters/{letter.slug}/"),
        "letter in fr": client.get(f"/fr/letters/{letter.slug}/"),
        "my sign-on": client.get(f"/en/letters/{letter.slug}/my-sign-on/{make_token(signature, MANAGE)}/"),
        "login": Client().get(reverse("login")),
        "404": client.get("/en/letters/no-such-letter/"),
    }
    pages.update((where, response) for where, response in coordinator_responses(coordinator_client, letter).items()
                 if where != "export download")
    pages["campaign"] = coordinator_client.get(reverse("invitations:campaign", args=[letter.slug]))
    pages["invite"] = coordinator_client.get(reverse("invitations:invite", args=[letter.slug]))
    pages["paste"] = coordinator_client.get(reverse("manage:paste", args=[letter.slug]))
    for where, response in pages.items():
        assert response.status_code in (200, 404), where
        assert_no_inline_code(response.content.decode(), where)


@pytest.mark.django_db
def test_the_admin_pages_we_use_work_under_the_policy(client, world, admin_user):
    letter, _signature = world
    client.force_login(admin_user)
    for url in (reverse("admin:index"), reverse("admin:letters_signature_changelist"),
                reverse("admin:letters_signature_export"), reverse("admin:letters_organisation_import"),
                reverse("admin:letters_letter_change", args=[letter.pk]), reverse("admin:letters_organisation_add")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response.content.decode(), url)


def test_templates_carry_no_inline_scripts_or_styles():
    """templates/ (except emails, which are not pages, and the PDF template, which is never served)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if relative.startswith(("emails/", "letters/documents/")):
            continue
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(relative)
    assert offenders == []


def test_django_csp_is_pinned_in_requirements():
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^django-csp==4\.\d+(\.\d+)?$", requirements, re.MULTILINE)


# --- gunicorn ----------------------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_sends_no_server_header(tmp_path):
    """gunicorn writes "Server: gunicorn" itself, outside Django: gunicorn.conf.py (read from the project
    directory, where docker-compose starts it) removes it."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "DEBUG": "1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "coalition.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        response = _get_when_up(port, "/no-such-page/", server)
        assert response.status == 404
        assert response.getheader("Server") is None, response.getheaders()
        assert "camera=()" in (response.getheader("Permissions-Policy") or "")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_when_up(port, path, server, attempts=150):
    for _ in range(attempts):  # up to ~30 s for gunicorn to start on a busy machine
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode())
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            return response
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")
