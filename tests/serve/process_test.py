#!/usr/bin/env python3
"""vetan serve as a process (issue 9 §2): one server per data folder (a second exits 2 naming
the holder); a store emptied where events had been written is refused at start (exit 2);
out of file descriptors, accept backs off instead of spinning, and the server serves again
once connections close. With --postgresql, the same on a PostgreSQL 15 server of its own
(pg_support.py) through --store: the audit table emptied is refused, a second server on
another folder shares the database, and the database down is a 503 until it is back.
Usage: process_test.py VETAN TEST_DATA_DIR [--postgresql PG_BIN]"""
import os, resource, shutil, socket, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support
import serve_support as serve

vetan, data = sys.argv[1], sys.argv[2]
pg = None
if sys.argv[3:4] == ["--postgresql"]:
    pg = pg_support.Server(sys.argv[4]).init().start()
    pg.create_database()
work = tempfile.mkdtemp(prefix="vetan-process-")
TOKEN = "process-admin-token"
ARGS = serve.serve_args(vetan, os.path.join(data, "mini-profile.json"), os.path.join(data, "employees.csv"),
                        os.path.join(work, "data"), serve.tokens_file(work, {TOKEN: "admin"}),
                        *(["--store", pg.url()] if pg else []))

def start(nofile=None, args=None):
    def limit():
        if nofile: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    return serve.launch(args or ARGS, preexec_fn=limit)

def stop(p):
    serve.stop(p, timeout=30)

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def get(port, path, auth=True):
    return serve.request(port, "GET", path, token=TOKEN if auth else None, timeout=10)[0]

failures = []
try:
    first, port, _ = start(nofile=64)
    assert port, "the first server did not start"
    # A second server on the same folder: exit 2, naming the holder.
    second, second_port, err = start()
    if second_port is not None or second.returncode != 2 or f"pid {first.pid}" not in err:
        failures.append(f"second server: port {second_port}, exit {second.returncode}, stderr {err!r}")
        if second_port: stop(second)
    if pg:
        # Another folder on the same database: a second server shares it.
        other = ARGS[:ARGS.index("--data") + 1] + [os.path.join(work, "data-b")] + ARGS[ARGS.index("--data") + 2:]
        shared, shared_port, err = start(args=other)
        if shared_port is None:
            failures.append(f"a second server on another folder and the same database: {err!r}")
        else:
            if get(shared_port, "/v1/runs") != 200: failures.append("the sharing server does not answer")
            stop(shared)
        # The database down while the server runs: /healthz and writes are 503, never a silent
        # success; once it is back the server reconnects (it holds the same store) and writes.
        def patch(port):
            status, reply = serve.request(port, "PATCH", "/v1/employees/E0001", {"lwp_days": 2}, token=TOKEN,
                                          timeout=10)
            return status, str(reply)
        pg.stop()
        status, body = patch(port)
        if status != 503 or "STORE_UNAVAILABLE" not in body:
            failures.append(f"a write with the database down: {status} {body}")
        if get(port, "/healthz", auth=False) != 503: failures.append("/healthz with the database down is not 503")
        pg.start()
        deadline, status = time.time() + 15, None
        while time.time() < deadline:
            status, body = patch(port)
            if status == 200: break
            time.sleep(0.3)
        if status != 200: failures.append(f"no write after the database came back: {status} {body}")

    # Out of descriptors: open more connections than the server has descriptors for.
    held = []
    for _ in range(120):
        s = socket.create_connection(("127.0.0.1", port))
        held.append(s)
    time.sleep(0.5)
    before = cpu_seconds(first.pid)
    time.sleep(2.0)
    spent = cpu_seconds(first.pid) - before
    print(f"CPU while out of descriptors: {spent:.2f} s in 2 s")
    if spent > 0.2:
        failures.append(f"accept spins when descriptors run out: {spent:.2f} s of CPU in 2 s")
    for s in held: s.close()
    deadline = time.time() + 10
    status = None
    while time.time() < deadline:
        try:
            status = get(port, "/healthz", auth=False)
            if status == 200: break
        except OSError:
            pass
        time.sleep(0.2)
    if status != 200:
        failures.append(f"the server does not serve again after descriptors are back: {status}")
    if get(port, "/v1/runs") != 200:
        failures.append("authenticated read failed after recovery")
    stop(first)

    # The store emptied where events had been written (the profile version, at least).
    if pg:
        pg.psql("TRUNCATE audit")
        named = "PostgreSQL store"
    else:
        store = os.path.join(work, "data", "audit.sqlite3")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(store + suffix): os.remove(store + suffix)
        open(store, "w").close()
        named = "audit.sqlite3"
    third, third_port, err = start()
    if third_port is not None or third.returncode != 2 or named not in err:
        failures.append(f"emptied store: port {third_port}, exit {third.returncode}, stderr {err!r}")
        if third_port: stop(third)
finally:
    shutil.rmtree(work, ignore_errors=True)
    if pg: pg.cleanup()

if failures:
    sys.exit("\n".join(failures))
print("one server per folder, emptied store refused, accept backs off and recovers")
