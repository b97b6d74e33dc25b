#!/usr/bin/env python3
"""Failover (issue 9 §4): a PostgreSQL primary with a synchronous streaming standby
(pg_basebackup -R, synchronous_standby_names), both started here; vetan serve on the primary
takes a stream of edits from two clients; SIGKILL of the primary (every process of it) in the
middle; `pg_ctl promote` of the standby; vetan serve pointed at the new primary: every
acknowledged event is there, in the trail and in the state. A second server, given both
hosts (a multi-host URI, target_session_attrs=read-write), is not restarted: it reconnects
to the promoted standby by itself and answers with the same state.
Usage: failover_test.py VETAN TEST_DATA_DIR PG_BIN"""
import hashlib, http.client, json, os, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support

vetan, data, pg_bin = sys.argv[1], sys.argv[2], sys.argv[3]
work = tempfile.mkdtemp(prefix="vetan-failover-")
TOKEN = "failover-admin-token"
with open(os.path.join(work, "tokens"), "w") as f:
    f.write(hashlib.sha256(TOKEN.encode()).hexdigest() + " admin\n")
os.chmod(os.path.join(work, "tokens"), 0o600)


def start(store, folder="data"):
    p = subprocess.Popen([vetan, "serve", "--profile", os.path.join(data, "mini-profile.json"),
                          "--employees", os.path.join(data, "employees.csv"), "--data", os.path.join(work, folder),
                          "--tokens", os.path.join(work, "tokens"), "--listen", "127.0.0.1:0",
                          "--date", "2026-11-05", "--store", store],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        sys.exit("server did not start: " + line + p.stderr.read())
    return p, int(line.strip().rsplit(":", 1)[1])


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"Authorization": "Bearer " + TOKEN})
    r = c.getresponse()
    return r.status, json.loads(r.read() or b"{}")


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

    def writer(employee):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        value = 0
        while not stop.is_set():
            value = (value + 1) % 31
            try:
                c.request("PATCH", "/v1/employees/" + employee, body=json.dumps({"lwp_days": value}),
                          headers={"Authorization": "Bearer " + TOKEN})
                r = c.getresponse()
                reply = json.loads(r.read())
            except Exception:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if r.status == 200:
                with lock:
                    acked.append((employee, reply["audit_seq"], str(value)))
            elif r.status != 503:  # the store unavailable: not acknowledged, and said so
                failures.append(f"unexpected reply {r.status} {reply}")
                return

    threads = [threading.Thread(target=writer, args=(e,)) for e in ("E0001", "E0002")]
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
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)

    standby.promote()
    server, port = start(standby.url())  # the service pointed at the new primary
    lost = 0
    for employee in ("E0001", "E0002"):
        events, after = [], 0
        while True:
            status, page = request(port, "GET", f"/v1/employees/{employee}/audit?limit=1000&after={after}")
            assert status == 200, page
            if not page["events"]: break
            events += page["events"]
            after = page["events"][-1]["seq"]
        by_seq = {e["seq"]: e["after"]["fields"]["lwp_days"] for e in events}
        for emp, seq, value in acknowledged:
            if emp == employee and by_seq.get(seq) != value:
                lost += 1
                print(f"lost: {employee} seq {seq} lwp_days={value}")
        status, record = request(port, "GET", "/v1/employees/" + employee)
        if by_seq and str(record["fields"]["lwp_days"]) != by_seq[max(by_seq)]:
            failures.append(f"state differs from the trail: {employee}")
    if lost: failures.append(f"{lost} acknowledged changes lost in the failover")
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
        if p and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
    if standby: standby.cleanup()
    primary.cleanup()
    shutil.rmtree(work, ignore_errors=True)

if failures:
    sys.exit("\n".join(failures))
print("every acknowledged event survived the primary's loss and the standby's promotion")
