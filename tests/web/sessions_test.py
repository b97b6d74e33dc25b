#!/usr/bin/env python3
"""Console sessions over HTTP (issue 11 §2): a token is exchanged for a cookie (HttpOnly,
SameSite=Strict, Path=/, Secure only behind TLS, i.e. X-Forwarded-Proto: https); a wrong or
missing token gets no cookie; the cookie authenticates reads with the token's role and scope
(a DDO's cookie may not read another DDO's bills, as its token may not); a write with the
cookie and without the session's X-CSRF-Token (or with another session's) is refused 403 and
changes nothing; with it, the write is done; sign-out ends the session (the cookie is then
refused) and clears the cookie; GET /v1/session shows the day's calendar windows with the
reason a closed one is closed. Expiry is tested in-process (tests/web/test_sessions.cc).
Usage: sessions_test.py VETAN TEST_DATA_DIR"""
import json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_support import Server, header

vetan, data = sys.argv[1:3]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


server = Server(vetan, data, ["admin", "ddo:DDO001", "ddo:DDO002", "treasury:TR01"])
T = server.tokens
try:
    st, _, _ = server.call("POST", "/v1/runs", T["admin"], {"month": "2026-11", "wait": True})
    check(st in (200, 201), f"the run: {st}")

    def sign_in(token, headers=None):
        st, hs, body = server.call("POST", "/v1/session", body={"token": token}, headers=headers)
        cookie = header(hs, "Set-Cookie")
        return st, cookie, json.loads(body)

    st, cookie, body = sign_in("vt_not_a_token")
    check(st == 401 and cookie is None, f"a wrong token: {st}, cookie {cookie}")
    st, hs, body = server.call("POST", "/v1/session", body="{}")
    check(st == 400 and header(hs, "Set-Cookie") is None and b"token" in body, f"no token: {st} {body[:100]}")

    st, cookie, s = sign_in(T["ddo:DDO001"])
    check(st == 200, f"sign-in: {st}")
    attrs = [a.strip() for a in cookie.split(";")]
    check("HttpOnly" in attrs and "SameSite=Strict" in attrs and "Path=/" in attrs and "Secure" not in attrs,
          f"the cookie's attributes: {cookie}")
    check(s["role"] == "ddo" and s["scope"] == "DDO001" and len(s["csrf_token"]) == 64, f"the session: {s}")
    windows = s["windows"]
    check(windows["master_edit"]["open"] and not windows["other_salary"]["open"]
          and "day 23" in windows["other_salary"]["reason"] and s["day"] == 5, f"the windows: {windows}")
    jar = {"Cookie": cookie.split(";")[0]}
    _, secure_cookie, _ = sign_in(T["ddo:DDO001"], {"X-Forwarded-Proto": "https"})
    check("Secure" in [a.strip() for a in secure_cookie.split(";")], f"behind TLS the cookie is Secure: {secure_cookie}")

    st, _, body = server.call("GET", "/v1/bills", headers=jar)
    bills = json.loads(body)["bills"]
    check(st == 200 and [b["ddo_code"] for b in bills] == ["DDO001"], f"the cookie reads its bills: {st} {body[:200]}")
    st, _, _ = server.call("GET", "/v1/bills?ddo=DDO002", headers=jar)
    check(st == 403, f"the DDO's cookie reading another DDO's bills: {st}")
    st, _, _ = server.call("GET", "/metrics", headers=jar)
    check(st == 403, f"the DDO's cookie reading metrics: {st}")

    # Writes: no CSRF header, a wrong one, another session's: 403 and nothing changed.
    other_st, other_cookie, other = sign_in(T["ddo:DDO001"])
    stop = "/v1/employees/E0001/stop"
    for name, extra in [("no header", {}), ("a wrong token", {"X-CSRF-Token": "0" * 64}),
                        ("another session's", {"X-CSRF-Token": other["csrf_token"]})]:
        st, _, body = server.call("POST", stop, body={"reason": "test"}, headers={**jar, **extra})
        check(st == 403 and b"CSRF" in body, f"a write with {name}: {st} {body[:120]}")
    st, _, body = server.call("GET", "/v1/employees/E0001", T["ddo:DDO001"])
    check(json.loads(body)["fields"]["stop_payment"] is False, f"a refused write changed the master: {body[:300]}")
    st, _, body = server.call("POST", stop, body={"reason": "test"}, headers={**jar, "X-CSRF-Token": s["csrf_token"]})
    check(st == 200, f"a write with the session's CSRF token: {st} {body[:200]}")
    st, _, body = server.call("GET", "/v1/employees/E0001", T["ddo:DDO001"])
    check(json.loads(body)["fields"]["stop_payment"] is True, f"the write was not done: {body[:300]}")
    # A bearer token needs no CSRF token (it is not sent by a browser on its own).
    st, _, _ = server.call("POST", "/v1/employees/E0001/release", T["ddo:DDO001"], body={})
    check(st == 200, f"a bearer write: {st}")

    # Treasury's cookie: its DDOs' bills.
    _, tcookie, _ = sign_in(T["treasury:TR01"])
    st, _, body = server.call("GET", "/v1/bills", headers={"Cookie": tcookie.split(";")[0]})
    check(st == 200 and len(json.loads(body)["bills"]) >= 1, f"the treasury's cookie: {st}")

    # The roll-out view: admin only; TR01 has DDO001, enrolled (its token has a TOTP secret),
    # with a GENERATED bill of November, not yet confirmed online; none registered online, no
    # target set (tests/web/onboarding_test.py covers those).
    st, _, body = server.call("GET", "/v1/admin/rollout?month=2026-11", T["admin"])
    rollout = json.loads(body)
    check(st == 200 and rollout["treasuries"] == [{"treasury_code": "TR01", "ddos": 1, "registered": 0, "enrolled": 1,
                                                   "target": None, "with_bills": 1, "confirmed_online": 0}], f"the roll-out view: {st} {body[:300]}")
    st, _, body = server.call("GET", "/v1/admin/rollout?month=2026-12", T["admin"])
    check(st == 200 and json.loads(body)["treasuries"][0]["with_bills"] == 0, f"no bills in December: {body[:300]}")
    st, _, _ = server.call("GET", "/v1/admin/rollout", headers=jar)
    check(st == 403, f"a DDO reading the roll-out view: {st}")
    st, _, _ = server.call("GET", "/v1/admin/rollout?month=11-2026", T["admin"])
    check(st == 400, f"a bad month: {st}")

    # Sign out: the cookie is refused afterwards and cleared; the other session lives on.
    st, hs, _ = server.call("DELETE", "/v1/session", headers={**jar, "X-CSRF-Token": s["csrf_token"]})
    check(st == 200 and re.search(r"Max-Age=0\b", header(hs, "Set-Cookie") or ""), f"sign-out: {st} {header(hs, 'Set-Cookie')}")
    st, _, _ = server.call("GET", "/v1/session", headers=jar)
    check(st == 401, f"the cookie after sign-out: {st}")
    st, _, _ = server.call("GET", "/v1/session", headers={"Cookie": other_cookie.split(";")[0]})
    check(st == 200, f"another session after this one signed out: {st}")
    st, _, _ = server.call("DELETE", "/v1/session", T["admin"])
    check(st == 400, f"DELETE /v1/session with a bearer token: {st}")
    st, _, _ = server.call("GET", "/v1/session", headers={"Cookie": "vetan_session=" + "ab" * 32})
    check(st == 401, f"an unknown session id: {st}")
finally:
    server.stop()

if failures:
    sys.exit(f"{len(failures)} failure(s)")
print("sessions test passed")
