"""pytest plugin loaded with `-p` (see pyproject.toml) so that it runs before pytest-django
reads the settings: tests get a throwaway data directory and never touch ./tawthiq-data,
a database named in the shell, or an LLM endpoint."""

import os
import tempfile

os.environ["TAWTHIQ_DATA_DIR"] = tempfile.mkdtemp(prefix="tawthiq-test-")
os.environ.pop("TAWTHIQ_DATABASE_URL", None)
os.environ.pop("TAWTHIQ_LLM_URL", None)
