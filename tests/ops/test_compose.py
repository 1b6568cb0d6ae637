"""docker-compose: a proxy in front of any number of web replicas, Redis for the cache, the app port unpublished.

No Docker engine runs where the tests run: the file is read as YAML, and `docker compose config` (which needs no
engine) renders it the way Docker would whenever the compose plugin is installed; both go through the same checks.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ("web", "worker", "scheduler")


def _compose_file():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _published(service):
    return service.get("ports") or []


def check_topology(compose):
    services = compose["services"]
    proxy, web, redis = services["proxy"], services["web"], services["redis"]

    # The proxy: nginx's official image, our config file, the only service with a published port.
    assert re.match(r"^nginx:[\w.-]+$", proxy["image"]), proxy["image"]
    assert any("deploy/nginx.conf" in str(volume) and "/etc/nginx/nginx.conf" in str(volume) for volume in proxy["volumes"])
    assert _published(proxy), "the proxy publishes the site"
    assert "web" in proxy["depends_on"]
    for name, service in services.items():
        if name != "proxy":
            assert not _published(service), f"{name} publishes a port: only the proxy may"

    # Replicas: `--scale web=N` needs no fixed container name and no host port; gunicorn listens inside.
    assert "container_name" not in web
    assert "gunicorn" in " ".join(map(str, web["command"])) and "0.0.0.0:8000" in " ".join(map(str, web["command"]))
    assert [str(port).split("/")[0] for port in web.get("expose", [])] == ["8000"]

    # Redis, shared by every process through CACHE_URL.
    assert redis["image"].startswith("redis:")
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["CACHE_URL"] == "redis://redis:6379/0", name
        assert str(environment["TRUSTED_PROXY_HOPS"]) in {"1", "${TRUSTED_PROXY_HOPS:-1}"}, name  # just the proxy
        assert environment["DATABASE_URL"].startswith("postgres://")
        depends = services[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert "run_worker" in " ".join(services["worker"]["command"])
    assert "run_scheduler" in " ".join(services["scheduler"]["command"])


def test_compose_file_has_proxy_replicas_redis_and_no_published_app_port():
    check_topology(_compose_file())


def test_compose_environment_defaults_are_resolved_as_expected():
    """The raw file still carries ${…:-default}: the defaults themselves are what we mean."""
    environment = _compose_file()["services"]["web"]["environment"]
    assert environment["TRUSTED_PROXY_HOPS"] == "${TRUSTED_PROXY_HOPS:-1}"
    assert environment["PROMETHEUS_MULTIPROC_DIR"]


def test_nginx_config_forwards_client_address_and_scheme_to_the_web_replicas():
    config = (ROOT / "deploy/nginx.conf").read_text()
    upstream = re.search(r"upstream (\w+) \{(.*?)\}", config, re.S)
    assert upstream and "server web:8000" in upstream.group(2)
    assert "resolve" in upstream.group(2)  # replicas added by --scale join without a proxy restart
    assert f"proxy_pass http://{upstream.group(1)};" in config
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert "proxy_set_header Host $host;" in config
    assert "server_tokens off;" in config


def _docker_compose():
    docker = shutil.which("docker")
    if not docker:
        return None
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    return docker if probe.returncode == 0 else None


@pytest.mark.skipif(_docker_compose() is None, reason="no docker CLI with the compose plugin here (YAML checked above)")
def test_docker_compose_config_renders_the_same_topology(tmp_path):
    env = {**os.environ, "SECRET_KEY": "compose-config-check-secret"}
    env.pop("TRUSTED_PROXY_HOPS", None)
    env.pop("PROXY_PORT", None)
    rendered = subprocess.run(
        [_docker_compose(), "compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert rendered.returncode == 0, rendered.stderr
    compose = yaml.safe_load(rendered.stdout)
    check_topology(compose)
    (published,) = compose["services"]["proxy"]["ports"]
    assert str(published.get("published")) == "8080" and published.get("host_ip") == "127.0.0.1"
    assert compose["services"]["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus"
