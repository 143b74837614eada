"""Test set-up shared by every stage: a throwaway data directory, never the user's."""

import os
from pathlib import Path

import pytest

# The throwaway data directory is set by tawthiq.devtools.testenv (a `-p` plugin in
# pyproject.toml), which runs before pytest-django reads the settings.

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
NAMES = SHARED / "corpus" / "names"


@pytest.fixture
def seeds_dir() -> Path:
    if not (SEEDS / "gold").is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS}")
    return SEEDS


# --- PostgreSQL: one throwaway server per test session, one fresh database per test ---

@pytest.fixture(scope="session")
def postgres_server():
    """A loopback PostgreSQL server started for this session (skipped with the reason
    when the PostgreSQL binaries are absent)."""
    from tawthiq.devtools.pgserver import PostgresServer, PostgresUnavailable

    import subprocess
    import sys

    try:
        server = PostgresServer(durable=False).start()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        # Migrate once into a template; each test's database is a copy of it.
        env = dict(os.environ, TAWTHIQ_DATABASE_URL=server.create_database("migrated"))
        subprocess.run([sys.executable, "-m", "tawthiq.cli", "stats", "--json"], env=env, check=True,
                       capture_output=True, timeout=600)
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server, request) -> str:
    """URL of a migrated database of its own on the session's server (for TAWTHIQ_DATABASE_URL)."""
    import re

    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:40] + "_" + os.urandom(3).hex()
    return postgres_server.create_database(name, template="migrated")
