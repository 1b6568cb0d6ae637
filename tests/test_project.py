"""Project-level promises: deploy checks pass with production settings; docker-compose is valid; no CDN."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "letters.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://letters.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_deploy_check_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_migrations_are_missing():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_has_database_web_and_worker():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    db, web, worker = services["db"], services["web"], services["worker"]
    assert db["image"].startswith("postgres:16")
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn" in " ".join(web["command"])
    # Migrations run once, in their own service, before the replicas (proxy, replicas, Redis: tests/ops/test_compose.py).
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert "run_worker" in " ".join(worker["command"])  # db_worker that survives database restarts
    assert worker["restart"] == services["scheduler"]["restart"] == "unless-stopped"
    assert set(compose["volumes"]) >= {"pgdata"}
    for service in (web, worker):
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")


def test_dockerfile_installs_pinned_requirements_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "python:3.11" in dockerfile
    assert "requirements.txt" in dockerfile and "collectstatic" in dockerfile


def test_requirements_are_pinned_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, line


def test_templates_load_no_third_party_assets():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for host in ("cdn.", "googleapis", "jsdelivr", "unpkg", "cloudflare"):
            assert host not in text, f"{template} loads from {host}"
