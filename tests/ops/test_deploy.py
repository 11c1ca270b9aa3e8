"""Deployment files: docker-compose.yml matches the settings, and production settings pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}


def test_docker_compose_has_the_five_services_sharing_one_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    environments = {name: set(services[name]["environment"]) for name in APP_SERVICES}
    assert environments["web"] == environments["worker"] == environments["beat"]
    assert environments["web"] >= REQUIRED_ENV
    # every variable compose sets is one the settings actually read
    settings_source = (ROOT / "sellercenter" / "settings.py").read_text()
    unread = sorted(name for name in environments["web"] if f'"{name}"' not in settings_source)
    assert not unread, unread
    assert "gunicorn sellercenter.wsgi" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]


def test_the_dockerfile_installs_the_requirements_on_python_311():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.11-slim")
    assert "pip install -r requirements.txt" in dockerfile


def run_deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    # a clean environment: the test settings' variables must not leak into the production check
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "AWS_", "SELLERCENTER_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sellercenter.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "sellercenter.example.pe",
            "SELLERCENTER_VAR_DIR": str(tmp_path / "var"),
            **overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warning(tmp_path):
    result = run_deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [({"DJANGO_SECRET_KEY": "short"}, "security.W009"), ({"DJANGO_DEBUG": "true"}, "security.W018")],
)
def test_the_deploy_check_does_fail_on_weak_settings(tmp_path, overrides, warning):
    # the check above means something: a weak key or DEBUG on is reported
    result = run_deploy_check(tmp_path, **overrides)
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_without_a_secret_key_the_web_server_refuses_to_start_but_migrations_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", SELLERCENTER_VAR_DIR=str(tmp_path))
    env["DJANGO_SETTINGS_MODULE"] = "sellercenter.settings"
    # the web entry point fails at boot, naming the variable to set
    boot = subprocess.run(
        [sys.executable, "-c", "import sellercenter.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert boot.returncode != 0 and "Set DJANGO_SECRET_KEY" in boot.stderr
    # commands that sign nothing still work (a deploy migrates before the key is in place)
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
