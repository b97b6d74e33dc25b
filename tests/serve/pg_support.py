#!/usr/bin/env python3
"""PostgreSQL 15 servers for the serve tests (issue 9 §3-§4), each in a temporary folder of its
own: initdb there, listening on a Unix socket in that folder only (no TCP). Run as root (CI),
the server runs as the `postgres` user (initdb refuses root), the folder chowned to it.
Nothing is skipped: a server that cannot be made or started raises, failing the test.

As a program: pg_support.py [--bin DIR] run -- COMMAND...
starts a server with a database `vetan`, runs COMMAND with VETAN_TEST_POSTGRES set to its
libpq URI, stops the server and exits with COMMAND's status."""
import os, pwd, shutil, signal, subprocess, sys, tempfile, time

DEFAULT_BIN = "/usr/lib/postgresql/15/bin"


class Server:
    """One PostgreSQL server in its own folder (data in FOLDER/data, socket in FOLDER)."""

    def __init__(self, bin_dir=DEFAULT_BIN, fsync=True, port=5432, folder=None):
        self.bin = bin_dir
        self.port = port
        for tool in ("initdb", "pg_ctl", "postgres", "pg_basebackup"):
            if not os.access(os.path.join(bin_dir, tool), os.X_OK):
                raise RuntimeError(f"PostgreSQL 15 is not installed: no {bin_dir}/{tool} "
                                   "(apt-get install postgresql-15; .ci/setup-debian.sh)")
        self.folder = folder or tempfile.mkdtemp(prefix="vetan-pg-")
        self.data = os.path.join(self.folder, "data")
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root, but there is no `postgres` user to run PostgreSQL as")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        os.chmod(self.folder, 0o755)
        self.fsync = fsync

    def _run(self, *args, check=True):
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--"] + command
        # In the server's folder: the caller's may be closed to the postgres user (root's home).
        p = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.folder)
        if check and p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({p.returncode}):\n{p.stdout}")
        return p

    def tool(self, name):
        return os.path.join(self.bin, name)

    def configure(self, extra=""):
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{self.folder}'\nport = {self.port}\n"
                    f"fsync = {'on' if self.fsync else 'off'}\nsynchronous_commit = on\n"
                    "max_connections = 60\nshared_buffers = 32MB\nlog_min_messages = warning\n" + extra)

    def init(self):
        self._run(self.tool("initdb"), "-D", self.data, "-U", "vetan", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self.configure()
        return self

    def start(self):
        self._run(self.tool("pg_ctl"), "-D", self.data, "-l", os.path.join(self.folder, "log"), "-w", "-t", "60",
                  "start")
        return self

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run(self.tool("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def kill(self):
        """SIGKILL of the server and every process of it, as when its machine is lost."""
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            pid = int(f.readline())
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == pid: children.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        for p in [pid] + children:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.time() + 10
        while time.time() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)

    def promote(self):
        self._run(self.tool("pg_ctl"), "-D", self.data, "-w", "-t", "60", "promote")

    def url(self, database="vetan"):
        """The libpq URI `vetan serve --store` takes."""
        return f"postgresql:///{database}?host={self.folder}&port={self.port}&user=vetan"

    def conninfo(self, database="vetan"):
        return f"host={self.folder} port={self.port} user=vetan dbname={database}"

    def psql(self, sql, database="vetan"):
        """Runs `sql`; its rows as text (unaligned, no headers)."""
        p = subprocess.run([self.tool("psql") if os.path.exists(self.tool("psql")) else "psql", "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-d", self.conninfo(database), "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {p.stderr}")
        return p.stdout.strip()

    def create_database(self, name="vetan"):
        self.psql(f"CREATE DATABASE {name}", database="postgres")

    def standby(self, name="vetan_standby"):
        """A streaming standby of this server (pg_basebackup -R), started, in its own folder."""
        s = Server(self.bin, fsync=self.fsync, port=self.port)
        s._run(self.tool("pg_basebackup"), "-D", s.data, "-R", "-X", "stream", "-c", "fast",
               "-d", self.conninfo("postgres") + f" application_name={name}")
        with open(os.path.join(s.data, "postgresql.auto.conf"), "a") as f:
            f.write(f"primary_conninfo = '{self.conninfo('postgres')} application_name={name}'\n")
        s.configure()
        return s.start()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def main():
    args = sys.argv[1:]
    bin_dir = DEFAULT_BIN
    if args[:1] == ["--bin"]:
        bin_dir, args = args[1], args[2:]
    if args[:2] != ["run", "--"] or len(args) < 3:
        sys.exit("usage: pg_support.py [--bin DIR] run -- COMMAND...")
    server = Server(bin_dir, fsync=False).init().start()
    try:
        server.create_database()
        env = dict(os.environ, VETAN_TEST_POSTGRES=server.url())
        print(f"PostgreSQL 15 in {server.folder}: VETAN_TEST_POSTGRES={server.url()}", flush=True)
        code = subprocess.call(args[2:], env=env)
    finally:
        server.cleanup()
    sys.exit(code)


if __name__ == "__main__":
    main()
