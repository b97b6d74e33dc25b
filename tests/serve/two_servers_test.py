#!/usr/bin/env python3
"""Two vetan serve processes on one PostgreSQL database (issue 9 §4): both serve reads and
writes at once, each answering with what the other wrote; one runs the month (the advisory
lock; the other's run is refused); SIGKILL of that one in the middle of its run: the other
takes it over (the run is INTERRUPTED, never half-published), runs the month itself, and no
acknowledged change is lost. A restart of the killed one finds the same state.
Usage: two_servers_test.py VETAN TEST_DATA_DIR PG_BIN"""
import os, subprocess, shutil, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support
import serve_support as serve

vetan, data, pg_bin = sys.argv[1], sys.argv[2], sys.argv[3]
ROWS = int(os.environ.get("VETAN_TWO_SERVERS_ROWS", "300000"))  # a run of a few seconds
profile = os.path.join(data, "..", "..", "profiles", "central-7cpc.json")
work = tempfile.mkdtemp(prefix="vetan-two-")
TOKEN = "two-servers-admin-token"
tokens = serve.tokens_file(work, {TOKEN: "admin"})
master = os.path.join(work, "master.csv")
subprocess.run([vetan, "generate", "--profile", profile, "--rows", str(ROWS), "--month", "2026-11",
                "--faults", "0.02", "--out", master], check=True, stdout=subprocess.DEVNULL)
with open(master) as f:
    f.readline()
    ids = [f.readline().split(",", 1)[0] for _ in range(4)]

pg = pg_support.Server(pg_bin).init().start()
pg.create_database()


def start(name):
    return serve.start(serve.serve_args(vetan, profile, master, os.path.join(work, "data-" + name), tokens,
                                        "--store", pg.url(), "--auto-run-seconds", "1"), "server " + name)


def request(port, method, path, body=None, timeout=60):
    return serve.request(port, method, path, body, token=TOKEN, timeout=timeout)


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

    def writer(port, employees):
        serve.edit_stream(port, TOKEN, employees, acked, lock, stop, failures, pause=0.005)

    threads = [threading.Thread(target=writer, args=(a, [ids[1], ids[3]])),
               threading.Thread(target=writer, args=(b, [ids[2], ids[3]]))]
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
    serve.kill(servers["a"][0])  # in the middle of the run
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
    lost = serve.lost_edits(b, TOKEN, ids[1:], acked)
    for line in lost: print(line)
    if lost: failures.append(f"{len(lost)} acknowledged changes lost, or state off its trail")
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
        serve.stop(p)
    pg.cleanup()
    shutil.rmtree(work, ignore_errors=True)

if failures:
    sys.exit("\n".join(failures))
print("two servers on one database: each sees the other's writes; the run taken over; nothing lost")
