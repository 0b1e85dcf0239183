"""A database URL's password never appears: the URL is parsed by SQLAlchemy and shown with the password hidden."""

import logging

import pytest

from coach.records.access import MACHINE_OWNER
from coach.records.store import Store, StoreUnavailable
from tests.support.processes import run_coach

PASSWORD = "S3cr@tPassw0rd"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"postgresql+psycopg://coach:{PASSWORD}@127.0.0.1:1/coach", "has more than one '@'"),
        (
            "postgresql+psycopg://coach:S3cr%40tPassw0rd@127.0.0.1:1/coach",
            r"coach:\*\*\*@127\.0\.0\.1:1/coach is unavailable",
        ),
        (f"::not a url {PASSWORD}", "is not a database URL"),
    ],
    ids=["unescaped-at", "escaped-at", "unparseable"],
)
def test_no_part_of_the_password_is_shown_or_logged(url, message, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreUnavailable, match=message) as raised:
        Store(url).recent(viewer=MACHINE_OWNER)
    for part in ("S3cr", "tPassw0rd"):
        assert part not in str(raised.value) and part not in caplog.text


def test_the_command_line_names_the_problem_without_the_password(monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_DATABASE_URL", f"postgresql+psycopg://coach:{PASSWORD}@127.0.0.1:1/coach")
    result = run_coach("conversations", data_dir=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: COACH_DATABASE_URL has more than one '@'")
    assert "S3cr" not in result.stderr + result.stdout and "tPassw0rd" not in result.stderr + result.stdout
