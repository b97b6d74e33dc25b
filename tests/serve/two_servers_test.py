#!/usr/bin/env python3
"""Two vetan serve processes on one PostgreSQL database (issue 9 §4): both serve reads and
writes at once, each answering with what the other wrote; one runs the month (the advisory
lock; the other's run is refused); SIGKILL of that one in the middle of its run: the other
takes it over (the run is INTERRUPTED, never half-published), runs the month itself, and no
acknowledged change is lost. A restart of the killed one finds the same state.
Usage: two_servers_test.py VETAN TEST_DATA_DIR PG_BIN"""
import hashlib, http.client, json, os, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support

vetan, data, pg_bin = sys.argv[1], sys.argv[2], sys.argv[3]
ROWS = int(os.environ.get("VETAN_TWO_SERVERS_ROWS", "300000"))  # a run of a few seconds
profile = os.path.join(data, "..", "..", "profiles", "central-7cpc.json")
work = tempfile.mkdtemp(prefix="vetan-two-")
TOKEN = "two-servers-admin-token"
with open(os.path.join(work, "tokens"), "w") as f:
    f.write(hashlib.sha256(TOKEN.encode()).hexdigest() + " admin\n")
os.chmod(os.path.join(work, "tokens"), 0o600)
master = os.path.join(work, "master.csv")
subprocess.run([vetan, "generate", "--profile", profile, "--rows", str(ROWS), "--month", "2026-11",
                "--faults", "0.02", "--out", master], check=True, stdout=subprocess.DEVNULL)
with open(master) as f:
    f.readline()
    ids = [f.readline().split(",", 1)[0] for _ in range(4)]

pg = pg_support.Server(pg_bin).init().start()
pg.create_database()


def start(name):
    p = subprocess.Popen([vetan, "serve", "--profile", profile, "--employees", master,
                          "--data", os.path.join(work, "data-" + name), "--tokens", os.path.join(work, "tokens"),
                          "--listen", "127.0.0.1:0", "--date", "2026-11-05", "--store", pg.url(),
                          "--auto-run-seconds", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        sys.exit(f"server {name} did not start: {line}{p.stderr.read()}")
    return p, int(line.strip().rsplit(":", 1)[1])


def request(port, method, path, body=None, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"Authorization": "Bearer " + TOKEN})
    r = c.getresponse()
    return r.status, json.loads(r.read() or b"{}")


def trail(port, employee):
    events, after = [], 0
    while True:
        status, page = request(port, "GET", f"/v1/employees/{employee}/audit?limit=1000&after={after}")
        assert status == 200, page
        if not page["events"]: return events
        events += page["events"]
        after = page["events"][-1]["seq"]


failures = []
servers = {}
try:
    servers["a"] = start("a")
    servers["b"] = start("b")
    a, b = servers["a"][1], servers["b"][1]
    # Read-your-writes across servers: a change acknowledged by one is what the other answers.
    for i in range(20):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        status, reply = request(writer, "PATCH", "/v1/employees/" + ids[0], {"lwp_days": i})
        if status != 200: failures.append(f"edit {i}: {status} {reply}")
        status, record = request(reader, "GET", "/v1/employees/" + ids[0])
        if status != 200 or record["fields"]["lwp_days"] != i:
            failures.append(f"edit {i} acknowledged by one server, the other answers {record}")

    # Writers on both servers (one employee each and one shared) through what follows.
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def writer(name, port, employees):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while not stop.is_set():
            n += 1
            employee, value = employees[n % len(employees)], n % 31
            try:
                c.request("PATCH", "/v1/employees/" + employee, body=json.dumps({"lwp_days": value}),
                          headers={"Authorization": "Bearer " + TOKEN})
                r = c.getresponse()
                reply = json.loads(r.read())
            except Exception:
                return  # the server died mid-request: that change was not acknowledged
            if r.status != 200:
                failures.append(f"{name}: unexpected reply {r.status} {reply}")
                return
            with lock:
                acked.append((employee, reply["audit_seq"], str(value)))
            time.sleep(0.005)

    threads = [threading.Thread(target=writer, args=("a", a, [ids[1], ids[3]])),
               threading.Thread(target=writer, args=("b", b, [ids[2], ids[3]]))]
    for t in threads: t.start()
    time.sleep(1.0)

    # A runs the month; B sees the run RUNNING and may not start one of its own.
    status, run = request(a, "POST", "/v1/runs", {"month": "2026-11"})
    if status != 202: sys.exit(f"run on a: {status} {run}")
    run_id = run["run_id"]
    status, seen = request(b, "GET", f"/v1/runs/{run_id}")
    if status != 200 or seen["state"] != "RUNNING":
        failures.append(f"b does not see a's run RUNNING: {status} {seen}")
    status, refused = request(b, "POST", "/v1/runs", {"month": "2026-11"})
    if status != 409 or refused["error"]["code"] != "RUN_IN_PROGRESS":
        failures.append(f"b started a run while a runs one: {status} {refused}")
    status, mine = request(a, "GET", f"/v1/runs/{run_id}")
    servers["a"][0].send_signal(signal.SIGKILL)  # in the middle of the run
    servers["a"][0].wait()
    if mine.get("state") != "RUNNING":
        failures.append(f"the run was not in progress when a was killed ({mine}); give a larger master")
    print(f"killed a during run {run_id}; acknowledged so far: {len(acked)}")

    # B takes over: the orphaned run is interrupted (its tick), then B runs the month.
    deadline, state = time.time() + 30, None
    while time.time() < deadline:
        status, seen = request(b, "GET", f"/v1/runs/{run_id}")
        state = seen.get("state")
        if state != "RUNNING": break
        time.sleep(0.2)
    if state != "INTERRUPTED":
        failures.append(f"b did not take over a's run: {state}")
    status, ran = request(b, "POST", "/v1/runs", {"month": "2026-11", "wait": True}, timeout=300)
    if status != 201 or ran.get("state") != "COMPLETED":
        failures.append(f"b's own run: {status} {ran}")
    stop.set()
    for t in threads: t.join()
    # No bill of the interrupted run: it published nothing.
    status, bills = request(b, "GET", "/v1/bills?month=2026-11&page_size=1000")
    if status != 200 or not bills.get("bills"):
        failures.append(f"bills after b's run: {status} {str(bills)[:300]}")
    elif any(bill.get("run_id") == run_id for bill in bills["bills"]):
        failures.append(f"a bill of the interrupted run {run_id} was published")

    # Every acknowledged change is in the trail and in the state.
    lost = 0
    for employee in ids[1:]:
        by_seq = {e["seq"]: e["after"]["fields"]["lwp_days"] for e in trail(b, employee)}
        for emp, seq, value in acked:
            if emp == employee and by_seq.get(seq) != value:
                lost += 1
                print(f"lost: {employee} seq {seq} lwp_days={value}")
        status, record = request(b, "GET", "/v1/employees/" + employee)
        if by_seq and str(record["fields"]["lwp_days"]) != by_seq[max(by_seq)]:
            failures.append(f"state differs from the trail for {employee}")
    if lost: failures.append(f"{lost} acknowledged changes lost")
    print(f"acknowledged writes on both servers: {len(acked)}")
    if len(acked) < 20: failures.append(f"too few acknowledged writes ({len(acked)})")

    # The killed server restarts on its folder and answers as b does.
    servers["a"] = start("a")
    a = servers["a"][1]
    for path in [f"/v1/runs/{run_id}", f"/v1/runs/{ran.get('run_id')}", "/v1/employees/" + ids[3]]:
        if request(a, "GET", path) != request(b, "GET", path):
            failures.append(f"a after restart differs from b on {path}")
finally:
    for p, _ in servers.values():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
    pg.cleanup()
    shutil.rmtree(work, ignore_errors=True)

if failures:
    sys.exit("\n".join(failures))
print("two servers on one database: each sees the other's writes; the run taken over; nothing lost")
