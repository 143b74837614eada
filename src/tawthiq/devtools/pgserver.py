"""A throwaway PostgreSQL server for tests and benchmarks.

Runs Debian's initdb/pg_ctl (from /usr/lib/postgresql/*/bin or PATH) in a temporary
directory, listening on 127.0.0.1 only on a free port, with its unix socket inside that
directory; creates a database and a password user, and removes everything on stop.
PostgreSQL refuses to run as root, so under root (CI) the server runs as the `postgres`
system user via runuser.

    with PostgresServer() as server:
        os.environ["TAWTHIQ_DATABASE_URL"] = server.url
"""

import glob
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries (or no user to run them as); the message says what is missing."""


class PostgresFailed(RuntimeError):
    """The binaries are there but a step (initdb, start, create) failed; the message has its output."""


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0)
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's `postgresql`")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, durable: bool = True, database: str = "tawthiq", user: str = "tawthiq"):
        """durable=False turns fsync off: faster, fine for tests whose data is thrown away."""
        self.durable = durable
        self.database = database
        self.user = user
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.root: Path | None = None
        self.bin_dir = find_bin_dir()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no `postgres` user to run the server") from None
            runuser = shutil.which("runuser")
            self._as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if self._as_user and self._as_user[0] == "su":
            command = [*self._as_user, " ".join(shlex.quote(part) for part in command)]
        else:
            command = [*self._as_user, *command]
        result = subprocess.run(command, capture_output=True, text=True, **kwargs)
        if result.returncode != 0:
            raise PostgresFailed(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()[-500:]}")
        return result

    def start(self) -> "PostgresServer":
        """Create, start and prepare the server; on any failure nothing is left behind."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> "PostgresServer":
        self.root = Path(tempfile.mkdtemp(prefix="tawthiq-pg-"))
        if self._as_user:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        data = self.root / "data"
        self._run(self.bin_dir / "initdb", "-D", data, "-U", "postgres", "--encoding=UTF8", "--locale=C",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=30",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        for attempt in range(3):  # the port may be taken between choosing and binding
            self.port = _free_port()
            try:
                self._run(self.bin_dir / "pg_ctl", "-D", data, "-l", self.root / "server.log", "-w", "-t", "60",
                          "-o", " ".join([*options, f"-c port={self.port}"]), "start")
                break
            except PostgresFailed:
                if attempt == 2:
                    raise
        self._psql(f"CREATE ROLE {self.user} LOGIN CREATEDB PASSWORD '{self.password}'")
        self._psql(f"CREATE DATABASE {self.database} OWNER {self.user}")
        return self

    def create_database(self, name: str, template: str = "") -> str:
        """Another database owned by the same user (one per test), empty or a copy of
        `template` (e.g. one already migrated); returns its URL."""
        for identifier in (name, template):
            if identifier and not identifier.replace("_", "").isalnum():
                raise ValueError(f"not a plain database name: {identifier!r}")
        copy = f" TEMPLATE {template}" if template else ""
        self._psql(f"CREATE DATABASE {name} OWNER {self.user}{copy}")
        return self.url.rsplit("/", 1)[0] + "/" + name

    def _psql(self, sql: str) -> None:
        self._run(self.bin_dir / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.root, "-p", str(self.port),
                  "-U", "postgres", "-d", "postgres", "-c", sql)

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if (self.root / "data" / "postmaster.pid").exists():
                self._run(self.bin_dir / "pg_ctl", "-D", self.root / "data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

