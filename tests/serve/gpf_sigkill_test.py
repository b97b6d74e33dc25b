#!/usr/bin/env python3
"""Durability of the GPF fund in vetan serve (gpf.md §6-§7, issue 10 items 4-5): a completed
run's subscriptions (posted at restart when the server died before them), then three clients at once — ledger imports, postings, and PF-9 cases
taken step by step from DRAFT to PAID — SIGKILL in the middle, restart: every acknowledged
import, posting and case step is there, rebuilt from the audit store, and the authorisations
read the same (the signing key kept).
Usage: gpf_sigkill_test.py VETAN TEST_DATA_DIR"""
import http.client, json, os, shutil, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_support as serve

vetan, data = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="vetan-gpf-sigkill-")
ROLES = {"admin": "admin", "ddo": "ddo:DDO001", "emp": "employee:E0002", "hoo": "hoo:DDO001",
         "agi": "ag:initiator", "agc": "ag:checker", "aga": "ag:approver", "tr": "treasury:TR01"}
tokens = serve.tokens_file(work, {"tok-" + name: role for name, role in ROLES.items()})
profile = open(os.path.join(data, "mini-profile.json")).read()
profile = profile.replace('"gpf": {', '"gpf": { "interest": [{"from": "2020-04", "percent": 7.1}],', 1)
with open(os.path.join(work, "profile.json"), "w") as f:
    f.write(profile)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

def start():
    return serve.start(serve.serve_args(vetan, os.path.join(work, "profile.json"), os.path.join(data, "employees.csv"),
                                        os.path.join(work, "data"), tokens))

class Client:
    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    def call(self, who, method, path, body=None):
        raw = body if isinstance(body, (bytes, str)) else (json.dumps(body) if body is not None else None)
        self.c.request(method, path, body=raw, headers={"Authorization": "Bearer tok-" + who})
        r = self.c.getresponse()
        text = r.read()
        try:
            return r.status, json.loads(text or b"{}")
        except ValueError:
            return r.status, text.decode()

def must(status, reply, expected=(200, 201)):
    if status not in expected:
        print("unexpected reply", status, reply); os._exit(1)
    return reply

server, port = start()
# A completed run: its subscriptions are one acknowledged event.
must(*Client(port).call("admin", "POST", "/v1/runs", {"month": "2026-11", "wait": True}))
status, export = Client(port).call("admin", "GET", "/v1/gpf/export")
run_lines = [l for l in export.splitlines() if ",SUBSCRIPTION," in l]
assert run_lines and all("2026-11/TR01/DDO001/1" in l for l in run_lines), export
# Killed between the run's completion and its subscriptions (made so here: the subscriptions'
# event, the last one, taken out of the store): the restart posts them from the run.
serve.kill(server)
db = sqlite3.connect(os.path.join(work, "data", "audit.sqlite3"))
last, action = db.execute("SELECT seq, action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
assert action == "gpf.subscribe", action
db.execute("DELETE FROM audit WHERE seq = ?", (last,))
db.commit()
db.close()
with open(os.path.join(work, "data", "audit.seq"), "w") as f:
    f.write("%020d\n" % (last - 1))
server, port = start()
status, export = Client(port).call("admin", "GET", "/v1/gpf/export")
if [l for l in export.splitlines() if ",SUBSCRIPTION," in l] != run_lines:
    sys.exit("the run's subscriptions were not posted at restart: " + export)
must(*Client(port).call("admin", "POST", "/v1/gpf/ledger/import",
                        "gpf_account,month,kind,amount\nGPF/2,2025-04,OPENING,100000\n"))

lock = threading.Lock()
stop = threading.Event()
imports, postings, steps = [], [], {}  # acknowledged: import accounts; (seq, amount); case -> history

def importer():
    c, n = Client(port), 0
    while not stop.is_set():
        n += 1
        try:
            status, reply = c.call("admin", "POST", "/v1/gpf/ledger/import",
                                   f"gpf_account,month,kind,amount\nGPF/I{n},2025-04,OPENING,{1000 + n}\n")
        except Exception:
            return  # the server died mid-request: not acknowledged
        must(status, reply)
        with lock: imports.append(f"GPF/I{n},2025-04,OPENING,{1000 + n}")

def poster():
    c, n = Client(port), 0
    while not stop.is_set():
        n += 1
        try:
            status, reply = c.call("admin", "POST", "/v1/gpf/postings",
                                   {"gpf_account": "GPF/2", "kind": "DEPOSIT", "month": "2025-05", "amount": n,
                                    "reference": f"D/{n}"})
        except Exception:
            return
        must(status, reply)
        with lock: postings.append((reply["seq"], n))

def caseworker():
    c = Client(port)
    application = {"reason": "RETIREMENT", "bank_account": "1000000002", "ifsc": "SBIN0001234",
                   "payable_month": "2026-10"}
    amount = {"amount": 1, "reason": "test"}
    chain = [("emp", "/lock", {}), ("ddo", "/agree", {}), ("ddo", "/sign", {}), ("hoo", "/forward", {}),
             ("agi", "/initiate", amount), ("agc", "/check", amount), ("aga", "/approve", amount),
             ("tr", "/pay", {"voucher": "TV", "amount": 1})]
    while not stop.is_set():
        try:
            status, reply = c.call("emp", "POST", "/v1/pf9/cases", application)
            case = must(status, reply)["case"]
            base = "/v1/pf9/cases/" + case["case_id"]
            with lock: steps[case["case_id"]] = case["history"]
            for kind in ("SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"):
                must(*c.call("emp", "POST", base + "/documents/" + kind, PDF))
            for who, path, body in chain:
                status, reply = c.call(who, "POST", base + path, body)
                case = must(status, reply)["case"]
                with lock: steps[case["case_id"]] = case["history"]
        except Exception:
            return

threads = [threading.Thread(target=f) for f in (importer, poster, caseworker)]
for t in threads: t.start()
deadline = time.time() + 60
while time.time() < deadline:
    with lock:
        if len(imports) >= 20 and len(postings) >= 40 and len(steps) >= 3: break
    time.sleep(0.01)
serve.kill(server)  # in the middle of the streams
stop.set()
for t in threads: t.join()
print(f"acknowledged before SIGKILL: {len(imports)} imports, {len(postings)} postings, "
      f"{sum(len(h) for h in steps.values())} steps of {len(steps)} cases")
if len(imports) < 3 or len(postings) < 3 or not steps: sys.exit("too few acknowledged writes")

server, port = start()
try:
    failures = 0
    c = Client(port)
    status, export = c.call("admin", "GET", "/v1/gpf/export")
    lines = export.splitlines()
    for l in run_lines:
        if l not in lines: failures += 1; print("lost subscription:", l)
    present = {l.rsplit(",", 1)[0] for l in lines}
    for l in imports:
        if l not in present: failures += 1; print("lost import:", l)
    status, ledger = c.call("admin", "GET", "/v1/gpf/ledger?account=GPF%2F2")
    by_seq = {p["seq"]: p["amount"] for p in ledger["postings"] if p["kind"] == "DEPOSIT"}
    for seq, amount in postings:
        if by_seq.get(seq) != amount: failures += 1; print(f"lost posting: seq {seq} amount {amount}")
    for case_id, history in steps.items():
        status, reply = c.call("admin", "GET", "/v1/pf9/cases/" + case_id)
        if status != 200: failures += 1; print("lost case", case_id); continue
        now = reply["case"]["history"]
        if now[:len(history)] != history:
            failures += 1; print(f"lost steps of {case_id}: {history} -> {now}")
        if reply["case"]["state"] in ("AUTHORISED", "PAID"):
            status, doc = c.call("tr", "GET", "/v1/pf9/cases/" + case_id + "/authorisation")
            status, key = c.call("tr", "GET", "/v1/gpf/authority-key")
            with open(os.path.join(work, "auth.txt"), "w") as f: f.write(doc)
            with open(os.path.join(work, "key.pem"), "w") as f: f.write(key)
            if subprocess.run([vetan, "gpf", "verify", os.path.join(work, "auth.txt"), "--key",
                               os.path.join(work, "key.pem")]).returncode != 0:
                failures += 1; print("authorisation does not verify after restart:", case_id)
    if failures: sys.exit(f"{failures} acknowledged fund changes lost")
    print("every acknowledged import, posting and PF-9 step survived SIGKILL")
finally:
    serve.stop(server, timeout=30)
    shutil.rmtree(work, ignore_errors=True)
