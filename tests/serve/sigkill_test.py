#!/usr/bin/env python3
"""Durability of vetan serve (issue 3 §5): a stream of edits from two clients, SIGKILL in
the middle, restart: every acknowledged change is in the audit trail and in the state. With
--postgresql, on a PostgreSQL 15 server of its own (pg_support.py) through --store.
Usage: sigkill_test.py VETAN TEST_DATA_DIR [--postgresql PG_BIN]"""
import os, shutil, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_support
import serve_support as serve

vetan, data = sys.argv[1], sys.argv[2]
pg = None
STORE = []
if sys.argv[3:4] == ["--postgresql"]:
    pg = pg_support.Server(sys.argv[4]).init().start()
    pg.create_database()
    STORE = ["--store", pg.url()]
work = tempfile.mkdtemp(prefix="vetan-sigkill-")
TOKEN = "sigkill-admin-token"
ARGS = serve.serve_args(vetan, os.path.join(data, "mini-profile.json"), os.path.join(data, "employees.csv"),
                        os.path.join(work, "data"), serve.tokens_file(work, {TOKEN: "admin"}), *STORE)
EMPLOYEES = ("E0001", "E0002")

server, port = serve.start(ARGS)
acked, failures = [], []  # acked: (employee, audit_seq, value)
lock = threading.Lock()
stop = threading.Event()
threads = [threading.Thread(target=serve.edit_stream, args=(port, TOKEN, [e], acked, lock, stop, failures, False, 0, 10))
           for e in EMPLOYEES]
for t in threads: t.start()
deadline = time.time() + 60
while time.time() < deadline:
    with lock:
        if len(acked) >= 150 or failures: break
    time.sleep(0.01)
serve.kill(server)  # in the middle of the stream
stop.set()
for t in threads: t.join()
if failures: sys.exit("\n".join(failures))
print(f"acknowledged before SIGKILL: {len(acked)}")
if len(acked) < 10: sys.exit("too few acknowledged writes")

server, port = serve.start(ARGS)
try:
    lost = serve.lost_edits(port, TOKEN, EMPLOYEES, acked)
    for line in lost: print(line)
    if lost: sys.exit(f"{len(lost)} acknowledged changes lost")
    print("every acknowledged change survived SIGKILL")
finally:
    serve.stop(server, timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    if pg: pg.cleanup()
