#!/usr/bin/env python3
"""Failover (issue 9 §4): a PostgreSQL primary with a synchronous streaming standby
(pg_basebackup -R, synchronous_standby_names), both started here; vetan serve on the primary
takes a stream of edits from two clients; SIGKILL of the primary (every process of it) in the
middle; `pg_ctl promote` of the standby; vetan serve pointed at the new primary: every
acknowledged event is there, in the trail and in the state. A second server, given both
hosts (a multi-host URI, target_session_attrs=read-write), is not restarted: it reconnects
to the promoted standby by itself and answers with the same state.
Usage: failover_test.py VETAN TEST_DATA_DIR PG_BIN"""
import os, shutil, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support
import serve_support as serve

vetan, data, pg_bin = sys.argv[1], sys.argv[2], sys.argv[3]
work = tempfile.mkdtemp(prefix="vetan-failover-")
TOKEN = "failover-admin-token"
tokens = serve.tokens_file(work, {TOKEN: "admin"})
EMPLOYEES = ("E0001", "E0002")


def start(store, folder="data"):
    return serve.start(serve.serve_args(vetan, os.path.join(data, "mini-profile.json"),
                                        os.path.join(data, "employees.csv"), os.path.join(work, folder), tokens,
                                        "--store", store))


def request(port, method, path, body=None):
    return serve.request(port, method, path, body, token=TOKEN)


primary = pg_support.Server(pg_bin).init()
primary.start()
standby = None
server = None
follower = None
failures = []
try:
    primary.create_database()
    standby = primary.standby("vetan_standby")
    primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'vetan_standby'", database="postgres")
    primary.psql("SELECT pg_reload_conf()", database="postgres")
    deadline, state = time.time() + 30, ""
    while time.time() < deadline:
        state = primary.psql("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'vetan_standby'",
                             database="postgres")
        if state == "sync": break
        time.sleep(0.2)
    if state != "sync": sys.exit(f"the standby is not synchronous: {state!r}")

    server, port = start(primary.url())
    both = (f"postgresql:///vetan?host={primary.folder},{standby.folder}&port={primary.port},{standby.port}"
            "&user=vetan&target_session_attrs=read-write")
    follower, follower_port = start(both, "data-follower")
    acked, lock, stop = [], threading.Lock(), threading.Event()
    # The writers take 503s once the primary is lost: not acknowledged, and said so.
    threads = [threading.Thread(target=serve.edit_stream, args=(port, TOKEN, [e], acked, lock, stop, failures, True))
               for e in EMPLOYEES]
    for t in threads: t.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        with lock:
            if len(acked) >= 150: break
        time.sleep(0.01)
    primary.kill()  # the primary's machine is lost, in the middle of the stream
    time.sleep(1.0)  # the writers now get 503s: nothing more is acknowledged
    status, health = request(port, "GET", "/healthz")
    if status != 503:
        failures.append(f"/healthz with the primary lost: {status} {health}")
    stop.set()
    for t in threads: t.join()
    with lock:
        acknowledged = list(acked)
    print(f"acknowledged before the primary was lost: {len(acknowledged)}")
    if len(acknowledged) < 10: failures.append("too few acknowledged writes")
    serve.stop(server)

    standby.promote()
    server, port = start(standby.url())  # the service pointed at the new primary
    lost = serve.lost_edits(port, TOKEN, EMPLOYEES, acknowledged)
    for line in lost: print(line)
    if lost: failures.append(f"{len(lost)} acknowledged changes lost in the failover, or state off its trail")
    # The server given both hosts reconnects to the new primary by itself (once a second at most).
    deadline, status = time.time() + 30, None
    while time.time() < deadline:
        status, _ = request(follower_port, "GET", "/healthz")
        if status == 200: break
        time.sleep(0.3)
    if status != 200: failures.append(f"the multi-host server did not reconnect to the new primary: {status}")
    # The new primary takes writes, and both servers answer with them.
    status, reply = request(port, "PATCH", "/v1/employees/E0001", {"lwp_days": 7})
    if status != 200: failures.append(f"write on the new primary: {status} {reply}")
    status, reply = request(follower_port, "PATCH", "/v1/employees/E0002", {"lwp_days": 8})
    if status != 200: failures.append(f"write through the reconnected server: {status} {reply}")
    for path in ("/v1/employees/E0001", "/v1/employees/E0002", "/v1/employees/E0001/audit?limit=1000"):
        if request(port, "GET", path) != request(follower_port, "GET", path):
            failures.append(f"the reconnected server differs on {path}")
finally:
    for p in (server, follower):
        serve.stop(p)
    if standby: standby.cleanup()
    primary.cleanup()
    shutil.rmtree(work, ignore_errors=True)

if failures:
    sys.exit("\n".join(failures))
print("every acknowledged event survived the primary's loss and the standby's promotion")
