#!/usr/bin/env python3
"""DDO onboarding, roll-out targets and the subscriber's one-time-code sign-in over HTTP
(issue 11 §3, issue 10 §5), against a `vetan serve` this test starts:
  - every /v1/admin/ddos… and /v1/admin/rollout… endpoint refuses every role but admin
    (ddo, treasury, analyst, hoo, the AG's three, an employee's session) with 403;
  - registering refuses a duplicate code (409), a treasury code of the wrong form, a bad
    mobile number and a missing field (400), each naming its field;
  - credentials are shown once (token, TOTP secret, otpauth:// URI, QR code as SVG); the
    token works, a second issue is refused (rotate), rotation stops the old token and its
    session, revocation stops the new one; the TOTP enrolled online confirms the DDO's bill;
  - the administrator's target per treasury shows in the roll-out view;
  - the audit trail has every step and neither the tokens nor the TOTP secrets; the online
    tokens file is mode 0600 and holds only the live secret;
  - a subscriber asks for a code (the same reply for an id on the master, one off it, and one
    without a mobile; only the first writes the outbox, one JSON line {to, text, at}), signs
    in with it once (a 15-minute session of role employee:<id>), not twice; five wrong codes
    lock the id (audited), a fourth code request in 15 minutes is refused; the code is
    nowhere under the data folder but the outbox;
  - after a SIGKILL and a restart, registrations, targets, the live token, the revoked one's
    refusal and the lock stand.
Usage: onboarding_test.py VETAN TEST_DATA_DIR"""
import glob, hashlib, json, os, re, shutil, stat, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_support import Server, header, totp

vetan, data = sys.argv[1:3]
failures = []
NOW = 1793853000  # 2026-11-05T04:30:00Z, the server's clock


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


# The master with the optional `mobile` column (formats.md): E0001 and E0002 have one.
master_dir = tempfile.mkdtemp(prefix="vetan-onboarding-")
master = os.path.join(master_dir, "employees.csv")
mobiles = {"E0001": "98765 43210", "E0002": "+91 9812345678"}
with open(os.path.join(data, "employees.csv"), encoding="utf-8") as src, open(master, "w", encoding="utf-8") as out:
    for i, line in enumerate(src.read().splitlines()):
        out.write(line + "," + ("mobile" if i == 0 else mobiles.get(line.split(",")[0], "")) + "\n")

ROLES = ["admin", "ddo:DDO001", "treasury:TR01", "analyst", "hoo:DDO001", "ag:initiator", "ag:checker", "ag:approver"]
server = Server(vetan, data, ROLES, totp=False, employees=master)
T = server.tokens
outbox = os.path.join(server.work, "data", "sms-outbox.jsonl")


def call(method, path, token=None, body=None, headers=None):
    st, hs, raw = server.call(method, path, token, body, headers)
    try:
        return st, hs, json.loads(raw) if raw else {}
    except ValueError:
        return st, hs, {"raw": raw[:200]}


def outbox_lines():
    if not os.path.exists(outbox):
        return []
    with open(outbox, encoding="utf-8") as f:
        return [json.loads(line) for line in f.read().splitlines()]


def ask_code(employee_id):
    return call("POST", "/v1/session/code", body={"employee_id": employee_id})


def employee_sign_in(employee_id, code):
    return call("POST", "/v1/session/employee", body={"employee_id": employee_id, "code": code})


try:
    st, _, _ = call("POST", "/v1/runs", T["admin"], {"month": "2026-11", "wait": True})
    check(st in (200, 201), f"the run: {st}")

    # --- the subscriber's sign-in (first: an employee session is one of the roles refused below)
    st, hs, r1 = ask_code("E0002")
    st2, _, r2 = ask_code("E9999")  # not on the master
    st3, _, r3 = ask_code("E0004")  # on the master, no mobile
    check(st == st2 == st3 == 202 and r1 == r2 == r3, f"the same answer for every id: {st} {r1} / {st2} {r2} / {st3} {r3}")
    check(header(hs, "Set-Cookie") is None, "asking for a code sets no cookie")
    lines = outbox_lines()
    check(len(lines) == 1 and lines[0]["to"] == "+919812345678" and set(lines[0]) == {"to", "text", "at"}
          and lines[0]["at"] == "2026-11-05T04:30:00Z", f"one outbox line for E0002: {lines}")
    check(stat.S_IMODE(os.stat(outbox).st_mode) == 0o600, "the outbox is mode 0600")
    code = re.search(r"\b(\d{6})\b", lines[0]["text"]).group(1)
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    st, _, body = employee_sign_in("E0002", wrong)
    check(st == 401 and "not valid" in body["error"]["message"], f"a wrong code: {st} {body}")
    st, hs, s = employee_sign_in("E0002", code)
    cookie = header(hs, "Set-Cookie") or ""
    check(st == 200 and s["role"] == "employee" and s["scope"] == "E0002" and "Max-Age=900" in cookie
          and "HttpOnly" in cookie, f"the subscriber's session: {st} {s} {cookie}")
    employee_jar = {"Cookie": cookie.split(";")[0]}
    st, _, _ = employee_sign_in("E0002", code)
    check(st == 401, f"a code is used once: {st}")
    st, _, body = call("GET", "/v1/gpf/statement?account=GPF%2F2&fy=2026-27", headers=employee_jar)
    check(st not in (401, 403), f"the subscriber's session reads its GPF statement: {st} {body}")
    st, _, _ = call("GET", "/v1/session", headers=employee_jar)
    check(st == 200, f"the subscriber's session: {st}")

    # Five wrong codes lock an id, on the master or not, alike; the right code is then refused.
    _, _, _ = ask_code("E0001")
    e1_code = re.search(r"\b(\d{6})\b", outbox_lines()[-1]["text"]).group(1)
    e1_wrong = "%06d" % ((int(e1_code) + 1) % 1000000)
    answers = [employee_sign_in("E0001", e1_wrong)[0] for _ in range(5)]
    ghost = [employee_sign_in("E7777", e1_wrong)[0] for _ in range(5)]
    check(answers == ghost == [401] * 5, f"five wrong codes: {answers} / {ghost}")
    st, _, body = employee_sign_in("E0001", e1_code)
    st_ghost, _, body_ghost = employee_sign_in("E7777", e1_code)
    check(st == st_ghost == 429 and body["error"]["code"] == body_ghost["error"]["code"] == "LOCKED",
          f"locked, on the master or not: {st} {body} / {st_ghost} {body_ghost}")
    # Rate limit: three codes per id in 15 minutes.
    statuses = [ask_code("E0004")[0] for _ in range(3)]
    check(statuses == [202, 202, 429], f"a fourth code request in 15 minutes (E0004 asked once before): {statuses}")
    st, _, audit = call("GET", "/v1/employees/E0001/audit", T["admin"])
    actions = [e["action"] for e in audit.get("events", [])]
    check(actions.count("signin.failure") == 5 and "signin.code" in actions
          and audit["events"][-1]["after"]["locked_until"] == NOW + 900, f"the sign-in audit: {audit}")
    st, _, audit2 = call("GET", "/v1/employees/E0002/audit", T["admin"])
    check([e["action"] for e in audit2["events"]] == ["signin.code", "signin.failure", "signin.success", "signin.failure"],
          f"E0002's sign-in audit: {audit2}")

    # --- every admin endpoint refuses every other role
    roles = {role: {"Authorization": "Bearer " + T[role]} for role in ROLES if role != "admin"}
    roles["employee:E0002"] = employee_jar
    endpoints = [("GET", "/v1/admin/ddos", None), ("POST", "/v1/admin/ddos",
                 {"ddo_code": "DDO009", "name": "X", "office": "Y", "treasury_code": "TR01", "mobile": "9876543210"}),
                 ("GET", "/v1/admin/ddos/DDO001", None), ("POST", "/v1/admin/ddos/DDO001/credentials", {}),
                 ("POST", "/v1/admin/ddos/DDO001/rotate", {}), ("POST", "/v1/admin/ddos/DDO001/revoke", {}),
                 ("POST", "/v1/admin/rollout/targets", {"treasury_code": "TR01", "target": 3}),
                 ("GET", "/v1/admin/rollout", None)]
    for role, headers in roles.items():
        for method, path, body in endpoints:
            h = dict(headers)
            if role.startswith("employee"):
                h["X-CSRF-Token"] = s["csrf_token"]
            st, _, _ = call(method, path, body=body, headers=h)
            check(st == 403, f"{role} {method} {path}: {st}")

    # --- registering
    A = T["admin"]
    good = {"ddo_code": "DDO001", "name": "Ramesh Kumar", "office": "Govt. High School, Udhampur",
            "treasury_code": "TR01", "mobile": "+91 98111 22233"}
    st, _, reg = call("POST", "/v1/admin/ddos", A, good)
    check(st == 201 and reg["mobile"] == "+919811122233" and reg["state"] == "REGISTERED", f"register: {st} {reg}")
    st, _, body = call("POST", "/v1/admin/ddos", A, good)
    check(st == 409 and "ddo_code" in body["error"]["message"], f"a duplicate: {st} {body}")
    for field, value in (("treasury_code", "tr-1"), ("treasury_code", "T1"), ("mobile", "12345"), ("mobile", "+1 2025550123"),
                         ("ddo_code", "ddo 2")):
        st, _, body = call("POST", "/v1/admin/ddos", A, {**good, "ddo_code": "DDO002", field: value})
        check(st == 400 and f"'{field}'" in body["error"]["message"], f"{field}={value!r}: {st} {body}")
    missing = dict(good, ddo_code="DDO002")
    del missing["office"]
    st, _, body = call("POST", "/v1/admin/ddos", A, missing)
    check(st == 400 and "'office'" in body["error"]["message"], f"no office: {st} {body}")
    st, _, body = call("POST", "/v1/admin/ddos", A, dict(good, ddo_code="DDO001X", treasury_code="TR02"))
    check(st == 201, f"a new DDO under another treasury: {st} {body}")
    st, _, body = call("POST", "/v1/admin/ddos", A, dict(good, ddo_code="DDO001", treasury_code="TR02"))
    check(st == 409, f"DDO001 again: {st}")

    # --- credentials
    st, hs, cred = call("POST", "/v1/admin/ddos/DDO001/credentials", A, {})
    check(st == 201 and cred["token"].startswith("vt_") and len(cred["totp_secret"]) == 32
          and cred["otpauth_uri"] == f"otpauth://totp/vetan%3ADDO001?secret={cred['totp_secret']}&issuer=vetan&algorithm=SHA1&digits=6&period=30"
          and cred["qr_svg"].startswith("<svg") and cred["qr_svg"].count("M") > 50
          and header(hs, "Cache-Control") == "no-store", f"credentials: {st} {str(cred)[:300]}")
    token1, secret1 = cred["token"], cred["totp_secret"]
    st, _, body = call("POST", "/v1/admin/ddos/DDO001/credentials", A, {})
    check(st == 409 and body["error"]["code"] == "ALREADY_ENROLLED", f"a second issue: {st} {body}")
    st, _, body = call("GET", "/v1/bills", token1)
    check(st == 200 and {b["ddo_code"] for b in body["bills"]} == {"DDO001"}, f"the online token reads its bills: {st}")
    st, hs, _ = call("POST", "/v1/session", body={"token": token1})
    jar1 = {"Cookie": header(hs, "Set-Cookie").split(";")[0]}
    st, _, body = call("GET", "/v1/ddos/DDO001", token1)
    check(st == 200 and body["totp"] is True, f"DDO001 enrolled: {body}")
    # The TOTP enrolled online confirms the DDO's bill (its file token has none).
    bill = "2026-11/TR01/DDO001/1"
    st, _, body = call("POST", f"/v1/bills/{bill}/confirm", token1, {"otp": totp(secret1, NOW)})
    check(st == 200 and body["state"] == "CONFIRMED", f"confirm with the online TOTP: {st} {body}")
    st, _, rot = call("POST", "/v1/admin/ddos/DDO001/rotate", A, {})
    check(st == 201 and rot["rotated"] is True and rot["token"] != token1 and rot["totp_secret"] != secret1, f"rotate: {st}")
    token2, secret2 = rot["token"], rot["totp_secret"]
    check(call("GET", "/v1/bills", token1)[0] == 401, "the rotated token is refused")
    check(call("GET", "/v1/bills", headers=jar1)[0] == 401, "the rotated token's session ended")
    check(call("GET", "/v1/bills", token2)[0] == 200, "the new token works")
    check(call("GET", "/v1/bills", T["ddo:DDO001"])[0] == 200, "the file token still works")
    online_file = server.tokens_file + ".online"
    check(stat.S_IMODE(os.stat(online_file).st_mode) == 0o600, "the online tokens file is 0600")
    with open(online_file) as f:
        text = f.read()
    check(secret2 in text and secret1 not in text and hashlib.sha256(token1.encode()).hexdigest() not in text,
          f"the online tokens file holds only the live secret: {text}")

    # --- targets and the roll-out view
    st, _, body = call("POST", "/v1/admin/rollout/targets", A, {"treasury_code": "TR01", "target": 12})
    check(st == 200 and body["target"] == 12, f"a target: {st} {body}")
    st, _, body = call("POST", "/v1/admin/rollout/targets", A, {"treasury_code": "TR01", "target": -1})
    check(st == 400 and "'target'" in body["error"]["message"], f"a negative target: {st} {body}")
    st, _, body = call("POST", "/v1/admin/rollout/targets", A, {"treasury_code": "x", "target": 1})
    check(st == 400 and "'treasury_code'" in body["error"]["message"], f"a bad treasury: {st} {body}")
    call("POST", "/v1/admin/rollout/targets", A, {"treasury_code": "TR03", "target": 4})
    st, _, roll = call("GET", "/v1/admin/rollout?month=2026-11", A)
    by = {t["treasury_code"]: t for t in roll["treasuries"]}
    check(by["TR01"]["target"] == 12 and by["TR01"]["registered"] == 1 and by["TR01"]["enrolled"] == 1
          and by["TR01"]["confirmed_online"] == 1 and by["TR02"]["ddos"] == 1 and by["TR02"]["target"] is None
          and by["TR03"]["target"] == 4 and by["TR03"]["ddos"] == 0, f"the roll-out view: {roll}")

    st, _, body = call("POST", "/v1/admin/ddos/DDO001/revoke", A, {})
    check(st == 200 and body["state"] == "REVOKED", f"revoke: {st} {body}")
    check(call("GET", "/v1/bills", token2)[0] == 401, "the revoked token is refused")
    st, _, body = call("POST", "/v1/admin/ddos/DDO001/revoke", A, {})
    check(st == 409, f"revoking twice: {st}")
    st, _, lst = call("GET", "/v1/admin/ddos?page_size=1", A)
    check(st == 200 and [d["ddo_code"] for d in lst["ddos"]] == ["DDO001"] and lst["next_page_token"] == "DDO001", f"list: {lst}")
    st, _, lst2 = call("GET", "/v1/admin/ddos?page_size=1&page_token=DDO001", A)
    check([d["ddo_code"] for d in lst2["ddos"]] == ["DDO001X"] and "next_page_token" not in lst2, f"page 2: {lst2}")
    st, _, audit = call("GET", "/v1/ddos/DDO001/audit", A)
    actions = [e["action"] for e in audit["events"]]
    check([a for a in actions if a.startswith("ddo.")] == ["ddo.register", "ddo.credentials", "ddo.credentials", "ddo.revoke"],
          f"DDO001's audit: {actions}")
    everything = json.dumps(audit)
    check(all(x not in everything for x in (token1, token2, secret1, secret2)), "no token or secret in the audit trail")

    # --- nothing under the data folder holds a code but the outbox
    for path in glob.glob(os.path.join(server.work, "data", "**"), recursive=True):
        if os.path.isfile(path) and path != outbox:
            with open(path, "rb") as f:
                blob = f.read()
            check(code.encode() not in blob and e1_code.encode() not in blob, f"a code in {path}")

    # --- a restart rebuilds it all
    server.restart()
    st, _, reg = call("GET", "/v1/admin/ddos/DDO001", A)
    check(st == 200 and reg["state"] == "REVOKED" and reg["credentials_issued"] == 2, f"after restart: {st} {reg}")
    check(call("GET", "/v1/bills", token2)[0] == 401, "after restart the revoked token is refused")
    st, _, roll = call("GET", "/v1/admin/rollout?month=2026-11", A)
    check({t["treasury_code"]: t["target"] for t in roll["treasuries"]}.get("TR01") == 12, f"targets after restart: {roll}")
    st, _, cred = call("POST", "/v1/admin/ddos/DDO001X/credentials", A, {})
    check(st == 201, f"credentials for DDO001X: {st}")
    server.restart()
    check(call("GET", "/v1/bills", cred["token"])[0] == 200, "after restart the live online token works")
    st, _, body = employee_sign_in("E0001", e1_code)
    check(st == 429, f"after restart E0001 is still locked: {st} {body}")
finally:
    server.stop()
    shutil.rmtree(master_dir, ignore_errors=True)

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("onboarding: all checks passed")
