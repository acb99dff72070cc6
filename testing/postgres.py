"""A throwaway PostgreSQL server: initdb into a temporary folder, start it on a free local
port, remove it all when done. The server's programs come from the machine (Debian's
`postgresql` package, or any install that `pg_config` or PATH finds)."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

SUPERUSER = "bot"
# Durability is not wanted from a server that is thrown away: no fsync, no full-page writes.
SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
INITDB = ("-A", "trust", "-E", "UTF8", "--no-sync")
INSTALL_HINT = "apt-get install postgresql"


def server_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: `pg_config --bindir`, else the newest Debian
    /usr/lib/postgresql/N/bin, else the folder of the initdb on PATH."""
    candidates = []
    with suppress(OSError, subprocess.CalledProcessError):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        )
        candidates.append(Path(found.stdout.strip()))
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda bindir: _version(bindir.parent.name), reverse=True)
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).parent)
    return next(
        (c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None
    )


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in name.split("."))


def server_user() -> str | None:
    """Whom the server runs as: PostgreSQL refuses root, so root hands it to `postgres` (made
    by Debian's package) or else `nobody`; anyone else runs it as themselves."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in ("postgres", "nobody"):
        with suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    return None


def why_unavailable() -> str | None:
    """One line on why no throwaway server can start on this machine, or None."""
    if server_bindir() is None:
        return f"no initdb found ({INSTALL_HINT})"
    if os.geteuid() == 0:
        if server_user() is None:
            return "running as root, and no unprivileged user (postgres, nobody) to run it as"
        if shutil.which("runuser") is None:
            return "running as root, and no runuser to run the server as another user"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL server in its own temporary folder; `url` reaches it as the superuser."""

    def __init__(self) -> None:
        bindir, user = server_bindir(), server_user()
        if bindir is None or user is None:
            raise RuntimeError(f"no PostgreSQL server can start: {why_unavailable()}")
        self.bindir = bindir
        self.as_user = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="postgres-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.url = f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"
        if self.as_user:
            shutil.chown(self.folder, user)

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self.as_user, str(self.bindir / program), *arguments]
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        """Create the cluster on the first start; start the server and wait until it answers."""
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, *INITDB)
        sockets = shlex.quote(str(self.folder))
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sockets} {SETTINGS}"
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def restart(self) -> None:
        """Stop the server cleanly (closing every connection) and start it again on the same
        port, with its data."""
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))
        self.start()

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started Cluster, stopped and removed on the way out (also after an error)."""
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def create_database(server_url: str, name: str) -> str:
    """A fresh empty database `name` on the server; returns its URL."""
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE template0")
    finally:
        await connection.close()
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


async def drop_database(server_url: str, name: str) -> None:
    """Drop database `name`, closing any connection still open to it."""
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await connection.close()
