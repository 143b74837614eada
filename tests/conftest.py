"""Test set-up shared by every stage: a throwaway data directory, never the user's."""

import os
import tempfile
from pathlib import Path

import pytest

# Before Django reads its settings: tests never touch ./tawthiq-data or a server from the shell.
os.environ["TAWTHIQ_DATA_DIR"] = tempfile.mkdtemp(prefix="tawthiq-test-")
os.environ.pop("TAWTHIQ_DATABASE_URL", None)
os.environ.pop("TAWTHIQ_LLM_URL", None)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
NAMES = SHARED / "corpus" / "names"


@pytest.fixture
def seeds_dir() -> Path:
    if not (SEEDS / "gold").is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS}")
    return SEEDS
