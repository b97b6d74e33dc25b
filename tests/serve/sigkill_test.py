#!/usr/bin/env python3
"""Durability of vetan serve (issue 3 §5): a stream of edits from two clients, SIGKILL in
the middle, restart: every acknowledged change is in the audit trail and in the state. With
--postgresql, on a PostgreSQL 15 server of its own (pg_support.py) through --store.
Usage: sigkill_test.py VETAN TEST_DATA_DIR [--postgresql PG_BIN]"""
import hashlib, http.client, json, os, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support

vetan, data = sys.argv[1], sys.argv[2]
pg = None
STORE = []
if sys.argv[3:4] == ["--postgresql"]:
    pg = pg_support.Server(sys.argv[4]).init().start()
    pg.create_database()
    STORE = ["--store", pg.url()]
work = tempfile.mkdtemp(prefix="vetan-sigkill-")
TOKEN = "sigkill-admin-token"
with open(os.path.join(work, "tokens"), "w") as f:
    f.write(hashlib.sha256(TOKEN.encode()).hexdigest() + " admin\n")
os.chmod(os.path.join(work, "tokens"), 0o600)  # issue 9: refused when others may read it

def start():
    p = subprocess.Popen([vetan, "serve", "--profile", os.path.join(data, "mini-profile.json"),
                          "--employees", os.path.join(data, "employees.csv"), "--data", os.path.join(work, "data"),
                          "--tokens", os.path.join(work, "tokens"), "--listen", "127.0.0.1:0", "--date", "2026-11-05"] + STORE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        sys.exit("server did not start: " + line + p.stderr.read())
    return p, int(line.strip().rsplit(":", 1)[1])

def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"Authorization": "Bearer " + TOKEN})
    r = c.getresponse()
    return r.status, json.loads(r.read() or b"{}")

server, port = start()
acked = []  # (employee, audit_seq, value)
lock = threading.Lock()
stop = threading.Event()

def writer(employee):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    value = 0
    while not stop.is_set():
        value = (value + 1) % 31
        try:
            c.request("PATCH", "/v1/employees/" + employee, body=json.dumps({"lwp_days": value}),
                      headers={"Authorization": "Bearer " + TOKEN})
            r = c.getresponse()
            reply = json.loads(r.read())
        except Exception:
            return  # the server died mid-request: that change was not acknowledged
        if r.status != 200:
            print("unexpected reply", r.status, reply); os._exit(1)
        with lock:
            acked.append((employee, reply["audit_seq"], str(value)))

threads = [threading.Thread(target=writer, args=(e,)) for e in ("E0001", "E0002")]
for t in threads: t.start()
deadline = time.time() + 60
while time.time() < deadline:
    with lock:
        if len(acked) >= 150: break
    time.sleep(0.01)
server.send_signal(signal.SIGKILL)  # in the middle of the stream
server.wait()
stop.set()
for t in threads: t.join()
print(f"acknowledged before SIGKILL: {len(acked)}")
if len(acked) < 10: sys.exit("too few acknowledged writes")

server, port = start()
try:
    failures = 0
    for employee in ("E0001", "E0002"):
        events, after = [], 0
        while True:
            status, page = request(port, "GET", f"/v1/employees/{employee}/audit?limit=1000&after={after}")
            assert status == 200, page
            if not page["events"]: break
            events += page["events"]; after = page["events"][-1]["seq"]
        by_seq = {e["seq"]: e["after"]["fields"]["lwp_days"] for e in events}
        mine = [a for a in acked if a[0] == employee]
        for _, seq, value in mine:
            if by_seq.get(seq) != value:
                failures += 1; print(f"lost: {employee} seq {seq} lwp_days={value}")
        status, record = request(port, "GET", "/v1/employees/" + employee)
        last = by_seq[max(by_seq)] if by_seq else "0"
        if str(record["fields"]["lwp_days"]) != last:  # typed in the record, text in the trail
            failures += 1; print(f"state differs from trail: {employee} {record['fields']['lwp_days']} != {last}")
        if mine and max(by_seq) < max(s for _, s, _ in mine):
            failures += 1
    if failures: sys.exit(f"{failures} acknowledged changes lost")
    print("every acknowledged change survived SIGKILL")
finally:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    if pg: pg.cleanup()
