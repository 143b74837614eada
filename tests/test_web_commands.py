"""The web commands: createuser and protect (serve is exercised by the end-to-end tests)."""

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.store import models as M
from tawthiq.web import access

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def test_createuser_creates_then_updates_role_and_password(monkeypatch):
    monkeypatch.setenv("TAWTHIQ_PASSWORD", "first password")
    result = runner.invoke(app, ["createuser", "rana", "--role", "analyst"])
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="rana")
    assert access.role_of(user) == "analyst" and user.check_password("first password")
    assert user.password.startswith("argon2")
    monkeypatch.setenv("TAWTHIQ_PASSWORD", "second password")
    assert runner.invoke(app, ["createuser", "rana", "--role", "admin"]).exit_code == 0
    user = get_user_model().objects.get(username="rana")
    assert access.role_of(user) == "admin" and user.is_superuser and user.check_password("second password")
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]


def test_createuser_refuses_bad_role_and_short_or_missing_password(monkeypatch):
    monkeypatch.setenv("TAWTHIQ_PASSWORD", "long enough")
    result = runner.invoke(app, ["createuser", "x", "--role", "boss"])
    assert result.exit_code == 1 and "unknown role 'boss'" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("TAWTHIQ_PASSWORD", "short")
    assert "shorter than 8" in runner.invoke(app, ["createuser", "x", "--role", "viewer"]).output
    monkeypatch.delenv("TAWTHIQ_PASSWORD")
    result = runner.invoke(app, ["createuser", "x", "--role", "viewer"], input="")
    assert result.exit_code == 1 and not get_user_model().objects.filter(username="x").exists()


def test_protect_person_and_document_and_undo():
    first = M.Document.objects.create(doc_id="report", version=1, is_current=False, text="a", sha256="1" * 64)
    second = M.Document.objects.create(doc_id="report", version=2, text="b", sha256="2" * 64)
    canonical = M.Person.objects.create(document=second, name="A")
    member = M.Person.objects.create(document=first, name="B", canonical=canonical)
    result = runner.invoke(app, ["protect", "--person", str(member.pk)])
    assert result.exit_code == 0 and "2 record(s)" in result.output
    assert M.Person.objects.get(pk=member.pk).protected
    result = runner.invoke(app, ["protect", "--document", "report"])
    assert result.exit_code == 0 and "2 version(s)" in result.output
    assert M.Document.objects.filter(protected=True).count() == 2
    assert runner.invoke(app, ["protect", "--document", "report", "--unprotect"]).exit_code == 0
    assert not M.Document.objects.filter(protected=True).exists()
    assert "no person with id 999" in runner.invoke(app, ["protect", "--person", "999"]).output
    assert "exactly one" in runner.invoke(app, ["protect"]).output
