#!/usr/bin/python3
"""The web console in a real browser (issue 11 §4): headless Chromium, driven by Selenium,
against a `vetan serve` this test starts (clock stood on 2026-11-05, 10:00 IST). Each role's
main flow end to end, checking what the page shows:
  - a DDO signs in with its token, sees its GENERATED bill and the budget-head split, and
    confirms it with the authenticator's TOTP code; the mismatch report groups rows by reason
    with what to fix (from docs/mismatches.md); an action outside its calendar window is
    disabled with the reason; the page switches to Hindi;
  - the treasury sees the CONFIRMED bill and passes it (the API then says PASSED);
  - an analyst runs a what-if of two scenarios and sees the chart, the table and the CSV link;
  - the administrator registers a DDO, issues its credentials (the QR code is shown and the
    token works), rotates and revokes them, and sets TR01's roll-out target on the server;
  - signing out ends the session (the cookie no longer authenticates);
  - a GPF subscriber signs in with the one-time code the outbox holds, sees the GPF statement,
    applies for the PF-9 final payment with its three PDF documents, and the DDO (agree,
    sign), the Head of Office (forward) and the AG's initiator, checker and approver (each
    with the computed amount beside the case) take their steps through the pages, until the
    case is AUTHORISED at the computed amount; the treasury marks it PAID with its voucher,
    which the subscriber then sees;
  - a month later the DDO files an over-payment recovery for a PASSED month on its page,
    December's run deducts the first instalment, and the subscriber sees the schedule, its
    November payslip and PDF, and files a deduction proposal the DDO then sees;
and, on every page, axe-core (npm, pinned in tests/web/package.json, injected here, never
shipped) finds no violation. Screenshots go to OUT_DIR.
Usage: browser_test.py VETAN TEST_DATA_DIR OUT_DIR"""
import http.client, json, os, shutil, signal, subprocess, sys, tempfile, time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

vetan, data, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from web_support import Browser, Checks, totp  # noqa: E402
work = tempfile.mkdtemp(prefix="vetan-web-")
tokens_file = os.path.join(work, "tokens")
NOW = 1793853000  # 2026-11-05T04:30:00Z: the server's clock with --date 2026-11-05


def token(role, totp=False):
    args = [vetan, "tokens", "--role", role, "--file", tokens_file] + (["--totp"] if totp else [])
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    return fields["token"], fields.get("totp_secret")


ADMIN, _ = token("admin")
DDO, DDO_SECRET = token("ddo:DDO001", totp=True)
TREASURY, _ = token("treasury:TR01")
ANALYST, _ = token("analyst")
HOO, _ = token("hoo:DDO001")
AG = {step: token("ag:" + step)[0] for step in ("initiator", "checker", "approver")}

# The GPF fund (gpf.md §1-§2): the profile with its interest rate, the master with the
# optional `mobile` column (E0002, a GPF subscriber, has one), and an opening ledger.
with open(os.path.join(data, "mini-profile.json"), encoding="utf-8") as f:
    profile = json.load(f)
profile["gpf"].update({"interest": [{"from": "2020-04", "percent": 7.1}], "salary_credited": "same_month"})
profile_file = os.path.join(work, "profile.json")
with open(profile_file, "w", encoding="utf-8") as f:
    json.dump(profile, f)
master_file = os.path.join(work, "employees.csv")
with open(os.path.join(data, "employees.csv"), encoding="utf-8") as src, open(master_file, "w", encoding="utf-8") as out:
    for i, row in enumerate(src.read().splitlines()):
        out.write(row + "," + ("mobile" if i == 0 else "+91 9812345678" if row.startswith("E0002,") else "") + "\n")
ledger_file = os.path.join(work, "gpf-ledger.csv")
with open(ledger_file, "w") as f:
    f.write("gpf_account,month,kind,amount,reference\nGPF/2,2026-04,OPENING,250000,AG-2026\n")
pdf_file = os.path.join(work, "document.pdf")
with open(pdf_file, "wb") as f:
    f.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
outbox = os.path.join(work, "data", "sms-outbox.jsonl")

def start_server(date):
    """`vetan serve` on the test's data folder with its clock stood on `date`: (process, port)."""
    process = subprocess.Popen([vetan, "serve", "--profile", profile_file, "--gpf-ledger", ledger_file,
                                "--employees", master_file, "--data", os.path.join(work, "data"),
                                "--tokens", tokens_file, "--listen", "127.0.0.1:0", "--date", date],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    if "listening on" not in first:
        sys.exit("the server did not start: " + process.stderr.read())
    return process, int(first.strip().rsplit(":", 1)[1])


server, port = start_server("2026-11-05")
base = f"http://127.0.0.1:{port}"


def call(method, path, tok, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = dict(headers or {})
    if tok: h["Authorization"] = "Bearer " + tok
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    return r.status, r.read().decode()


status, text = call("POST", "/v1/runs", ADMIN, {"month": "2026-11", "wait": True})
assert status == 201 or status == 200, (status, text)
BILL = "2026-11/TR01/DDO001/1"

checks = Checks()
check = checks
ui = Browser(out_dir, checks)
browser, wait = ui.driver, ui.wait
text_appears, axe, shot, tab = ui.text_appears, ui.axe, ui.shot, ui.tab
shots = ui.shots


def sign_in(tok):
    ui.sign_in(base, tok)


def sign_in_subscriber(employee_id):
    """The subscriber's sign-in: the id, the code from the SMS outbox, the session."""
    browser.get(base + "/")
    box = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=employee_id]")))
    before = len(open(outbox).read().splitlines()) if os.path.exists(outbox) else 0
    box.send_keys(employee_id)
    box.submit()
    code_box = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=code]")))
    lines = open(outbox).read().splitlines()
    check(len(lines) == before + 1, f"one SMS in the outbox: {lines}")
    message = json.loads(lines[-1])
    check(message["to"] == "+919812345678", f"the SMS goes to the master's mobile: {message}")
    code = [w for w in message["text"].replace(".", " ").split() if w.isdigit() and len(w) == 6][0]
    code_box.send_keys(code)
    code_box.submit()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.tabs")))


def step(action, case_state):
    """Clicks the queue's button of `action` and waits for the case to leave `case_state`."""
    button = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"button[data-step='{action}']")))
    button.click()
    check(text_appears(f"{CASE}: "), f"the page reports the step {action}")
    st, body = call("GET", "/v1/pf9/cases/" + CASE, ADMIN)
    state = json.loads(body)["case"]["state"]
    check(state != case_state, f"{action}: the case left {case_state}: {state}")
    return json.loads(body)


def sign_out():
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out' or normalize-space()='साइन आउट']").click()
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=token]")))


try:
    # The sign-in page; no script runs inline (CSP), so the form itself proves the modules loaded.
    browser.get(base + "/")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=token]")))
    axe("sign-in")
    shot("01-sign-in")
    # The one expected error: GET /v1/session is 401 before signing in.
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "/v1/session" not in e["message"]]
    check(not errors, f"console errors on the sign-in page: {errors}")

    # DDO: its bill, the split, confirm with the TOTP code.
    sign_in(DDO)
    check(text_appears(BILL), "the DDO's bills list its GENERATED bill")
    check("Today: 2026-11-05" in browser.find_element(By.TAG_NAME, "header").text, "the header shows the day")
    axe("ddo bills")
    browser.find_element(By.XPATH, f"//tr[td[normalize-space()='{BILL}']]//button").click()
    check(text_appears("Budget-head split"), "the bill's budget-head split is shown")
    check(text_appears("2202-01-101"), "the split names the budget head")
    otp = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=otp]")))
    otp.send_keys("000000" if totp(DDO_SECRET, NOW) != "000000" else "111111")
    otp.submit()
    check(text_appears("OTP_MISMATCH"), "a wrong code is refused, the server's reason shown")
    otp = browser.find_element(By.CSS_SELECTOR, "input[name=otp]")
    otp.clear()
    otp.send_keys(totp(DDO_SECRET, NOW))
    otp.submit()
    check(text_appears("Bill confirmed."), "the right code confirms the bill")
    check(text_appears("CONFIRMED"), "the bill now reads CONFIRMED")
    shot("02-ddo-bill-confirmed")
    st, body = call("GET", "/v1/bills/" + BILL, DDO)
    check(json.loads(body).get("state") == "CONFIRMED", f"the API agrees the bill is CONFIRMED: {body[:200]}")

    tab("Mismatch report")
    check(text_appears("What to fix"), "the mismatch report shows what to fix")
    groups = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "section.reason h2")]
    check(len(groups) >= 1, f"mismatches are grouped by reason: {groups}")
    axe("ddo mismatches")
    shot("03-ddo-mismatches")

    tab("Proposals")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form.inline")))
    propose = browser.find_element(By.XPATH, "//button[normalize-space()='Propose']")
    check(propose.is_enabled(), "proposing is open on day 5 (employee_proposals 1–10)")
    axe("ddo proposals")
    tab("Stopped payments")
    check(text_appears("E0003") or text_appears("Stopped"), "the stopped list is shown")
    axe("ddo stopped")

    tab("Employee master")
    box = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=employee_id]")))
    box.send_keys("E0002")
    box.submit()
    check(text_appears("E0002 (Line"), "an employee's master is shown")
    axe("ddo employee")

    tab("Other salary")
    button = wait.until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='File request']")))
    check(not button.is_enabled(), "filing other salary is disabled on day 5")
    check(text_appears("open from day 23"), "with the calendar's reason")
    axe("ddo other salary")

    # Hindi.
    browser.find_element(By.CSS_SELECTOR, "button.lang").click()
    check(text_appears("अन्य वेतन"), "the page switches to Hindi")
    check(browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi", "html lang is hi")
    tab("बिल")
    check(text_appears(BILL), "the Hindi bills page lists the bill")
    axe("ddo bills (hi)")
    shot("04-ddo-bills-hindi")
    browser.find_element(By.CSS_SELECTOR, "button.lang").click()
    sign_out()

    # Treasury: pass the confirmed bill.
    sign_in(TREASURY)
    check(text_appears(BILL), "the treasury sees the CONFIRMED bill")
    check(text_appears("Totals by DDO"), "with totals by DDO")
    axe("treasury bills")
    browser.find_element(By.XPATH, f"//tr[td[normalize-space()='{BILL}']]//button").click()
    wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Pass']"))).click()
    check(text_appears("Bill passed."), "the treasury passes the bill")
    shot("05-treasury-passed")
    st, body = call("GET", "/v1/bills/" + BILL, TREASURY)
    check(json.loads(body).get("state") == "PASSED", f"the API agrees the bill is PASSED: {body[:200]}")
    sign_out()

    # Analyst: two scenarios, the chart and the table.
    sign_in(ANALYST)
    wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Add scenario']"))).click()
    axe("analyst builder")
    browser.find_element(By.XPATH, "//button[normalize-space()='Run what-if']").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.chart polyline")))
    lines = browser.find_elements(By.CSS_SELECTOR, "svg.chart polyline")
    check(len(lines) == 2, f"the chart has a line per scenario: {len(lines)}")
    check(text_appears("Scenarios compared"), "the scenarios are compared")
    link = browser.find_element(By.XPATH, "//a[normalize-space()='Download CSV']")
    check(link.get_attribute("href").startswith("blob:"), "the CSV link is a local download")
    check(text_appears("Education"), "the cost table is grouped by department")
    axe("analyst results")
    browser.execute_script("document.querySelector('.results').scrollIntoView()")
    shot("06-analyst-whatif")

    # Admin: onboard a DDO: register, issue credentials (QR code), rotate, revoke.
    sign_out()
    sign_in(ADMIN)
    check(text_appears("Register a DDO"), "the admin's onboarding page")
    axe("admin onboarding")
    for name, value in (("ddo_code", "DDO777"), ("name", "Sunita Devi"), ("office", "Govt. Girls School, Kathua"),
                        ("treasury_code", "TR01"), ("mobile", "94190 12345")):
        browser.find_element(By.CSS_SELECTOR, f"form input[name={name}]").send_keys(value)
    browser.find_element(By.XPATH, "//button[normalize-space()='Register']").click()
    check(text_appears("DDO777: registered."), "the DDO is registered")
    row = wait.until(EC.presence_of_element_located((By.XPATH, "//tr[td[normalize-space()='DDO777']]")))
    check("+919419012345" in row.text and "registered" in row.text, f"the registry lists it: {row.text}")
    row.find_element(By.XPATH, ".//button[normalize-space()='Issue credentials']").click()
    qr = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".credentials img")))
    check(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr), "the QR code is drawn")
    issued = browser.find_element(By.CSS_SELECTOR, "input[name=issued_token]").get_attribute("value")
    check(call("GET", "/v1/bills", issued)[0] == 200, "the issued token works")
    uri = browser.find_element(By.CSS_SELECTOR, ".credentials p.mono").text
    secret = browser.find_element(By.CSS_SELECTOR, "input[name=totp_secret]").get_attribute("value")
    check(uri == f"otpauth://totp/vetan%3ADDO777?secret={secret}&issuer=vetan&algorithm=SHA1&digits=6&period=30",
          f"the otpauth URI is shown: {uri}")
    # The QR code as the browser draws it decodes (Debian zbar-tools) to that URI.
    qr_png = os.path.join(out_dir, "qr.png")
    qr.screenshot(qr_png)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", qr_png], capture_output=True, text=True).stdout.strip()
    check(decoded == uri, f"the QR code decodes to the otpauth URI: {decoded!r}")
    axe("admin credentials")
    shot("07-admin-onboarding-qr")
    browser.find_element(By.XPATH, "//tr[td[normalize-space()='DDO777']]//button[normalize-space()='Rotate']").click()
    check(text_appears("credentials rotated"), "rotation is reported")
    check(call("GET", "/v1/bills", issued)[0] == 401, "the rotated token is refused")
    wait.until(EC.element_to_be_clickable((By.XPATH, "//tr[td[normalize-space()='DDO777']]//button[normalize-space()='Revoke']"))).click()
    check(text_appears("credentials revoked"), "revocation is reported")
    row = wait.until(EC.presence_of_element_located((By.XPATH, "//tr[td[normalize-space()='DDO777'] and td[normalize-space()='revoked']]")))
    check(row is not None, "the registry shows DDO777 revoked")
    # The roll-out view, its target set on the server: DDO001 confirmed online, DDO777 registered.
    tab("DDO roll-out")
    browser.find_element(By.CSS_SELECTOR, "input[name=target_treasury]").send_keys("TR01")
    browser.find_element(By.CSS_SELECTOR, "input[name=target]").send_keys("10")
    browser.find_element(By.XPATH, "//button[normalize-space()='Save changes']").click()
    check(text_appears("TR01: target set to 10"), "the target is saved")
    check(text_appears("DDO roll-out 2026-11"), "the admin's roll-out view")
    wait.until(EC.text_to_be_present_in_element((By.XPATH, "//tr[td[normalize-space()='TR01']]"), "10"))
    row = browser.find_element(By.XPATH, "//tr[td[normalize-space()='TR01']]")
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    check(cells[1:] == ["2", "1", "1 (10%)", "1 (10%)", "1 (10%)", "10", "9"], f"TR01's roll-out: {cells}")
    st, body = call("GET", "/v1/admin/rollout?month=2026-11", ADMIN)
    check(json.loads(body)["treasuries"][0]["target"] == 10, f"the target is on the server: {body}")
    axe("admin roll-out")
    shot("08-admin-rollout")

    # Sign-out ends the session: the old cookie no longer authenticates.
    cookie = browser.get_cookie("vetan_session")
    check(cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", f"the cookie is HttpOnly, Strict: {cookie}")
    sign_out()
    st, _ = call("GET", "/v1/session", None, headers={"Cookie": "vetan_session=" + cookie["value"]})
    check(st == 401, f"after sign-out the cookie is refused: {st}")

    # The GPF subscriber: sign in with the code from the outbox, the statement, the PF-9.
    axe("sign-in with the subscriber form")
    sign_in_subscriber("E0002")
    check("Employee E0002" in browser.find_element(By.TAG_NAME, "header").text, "signed in as the subscriber")
    tab("GPF statement")
    check(text_appears("GPF statement GPF/2 2026-27"), "the subscriber's GPF statement")
    check(text_appears("Opening ₹2,50,000"), "with the opening balance of the AG's ledger")
    axe("employee gpf statement")
    shot("09-employee-gpf-statement")
    tab("PF-9 final payment")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=bank_account]"))).send_keys("1000000002")
    browser.find_element(By.CSS_SELECTOR, "input[name=ifsc]").send_keys("SBIN0001234")
    browser.find_element(By.XPATH, "//form[.//input[@name='ifsc']]//button[@type='submit']").click()
    check(text_appears("Draft saved."), "the application is saved as a draft")
    check(text_appears("DRAFT"), "the case is a DRAFT")
    st, body = call("GET", "/v1/pf9/cases", ADMIN)
    CASE = json.loads(body)["cases"][0]["case_id"]
    for kind in ("SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"):
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"input[type=file][name={kind}]"))).send_keys(pdf_file)
        check(text_appears(f"Uploaded {kind}"), f"the {kind} PDF is uploaded")
        wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), kind + ("" if kind == "SIGNATURE" else "")))
    wait.until(lambda b: "ATTESTING_OFFICER" in b.find_element(By.CSS_SELECTOR, "section.card").text)
    axe("employee pf9 draft")
    wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Submit application']"))).click()
    check(text_appears("Application submitted."), "the application is submitted")
    check(text_appears("SUBMITTED"), "the case is SUBMITTED")
    check(text_appears("PF9/2026/"), "with its application number")
    shot("10-employee-pf9-submitted")
    sign_out()

    # The chain: DDO agrees and signs, the Head of Office forwards, the AG office authorises.
    sign_in(DDO)
    tab("PF-9 cases")
    check(text_appears(CASE) or text_appears("PF9/2026/"), "the DDO's PF-9 queue lists the case")
    axe("ddo pf9 queue")
    shot("11-ddo-pf9-queue")
    step("agree", "SUBMITTED")
    step("sign", "DDO_AGREED")
    sign_out()
    sign_in(HOO)
    check(text_appears("DDO_SIGNED"), "the Head of Office's queue lists the signed case")
    axe("hoo pf9 queue")
    step("forward", "DDO_SIGNED")
    sign_out()
    computed = None
    for who, action, state in (("initiator", "initiate", "FORWARDED"), ("checker", "check", "INITIATED"),
                               ("approver", "approve", "CHECKED")):
        sign_in(AG[who])
        check(text_appears(state), f"the AG {who}'s queue lists the case")
        amount = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=amount]")))
        row = browser.find_element(By.XPATH, "//tr[.//input[@name='amount']]")
        shown = row.find_elements(By.TAG_NAME, "td")[4].text
        computed = computed or amount.get_attribute("value")
        check(computed and shown == "₹" + format(int(computed), ",").replace(",", ",") or shown.replace(",", "") == "₹" + computed,
              f"the computed amount beside the case: {shown} / {computed}")
        axe(f"ag {who} queue")
        if who == "approver":
            shot("12-ag-approver-queue")
        case = step(action, state)
        sign_out()
    check(case["case"]["state"] == "AUTHORISED" and case["case"]["authorised_amount"] == int(computed),
          f"the case is AUTHORISED at the computed amount {computed}: {case['case']['state']} {case['case']['authorised_amount']}")
    # The treasury pays it once.
    sign_in(TREASURY)
    tab("PF-9 cases")
    check(text_appears("AUTHORISED"), "the treasury's PF-9 queue lists the authorised case")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=remark]"))).send_keys("TV-2026-11-0042")
    axe("treasury pf9 queue")
    paid = step("pay", "AUTHORISED")
    check(paid["case"]["state"] == "PAID" and paid["case"]["voucher"] == "TV-2026-11-0042", f"the case is PAID: {paid['case']}")
    sign_out()
    sign_in_subscriber("E0002")
    tab("PF-9 final payment")
    check(text_appears("PAID"), "the subscriber sees the case PAID")
    check(text_appears("Authorised: ₹"), "with the authorised amount")
    axe("employee pf9 paid")
    shot("13-employee-pf9-paid")
    sign_out()

    # Recoveries (issue 12 item 2, docs/close.md §2): a month later, the DDO finds that E0002
    # was on leave without pay for 5 days of November, whose bill is PASSED; the page files
    # the recovery over two instalments; December's run deducts the first; the subscriber
    # sees the schedule on its own page.
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    server, port = start_server("2026-12-03")
    base = f"http://127.0.0.1:{port}"
    sign_in(DDO)
    tab("Recoveries")
    form = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=month]")))
    browser.find_element(By.CSS_SELECTOR, "input[name=employee_id]").send_keys("E0002")
    form.send_keys("2026-11")
    instalments = browser.find_element(By.CSS_SELECTOR, "input[name=instalments]")
    instalments.clear()
    instalments.send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "input[name=lwp_days]").send_keys("5")
    browser.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("LWP of 5 days entered late")
    browser.find_element(By.XPATH, "//button[normalize-space()='Recover']").click()
    check(text_appears("recovery filed:"), "the DDO files the recovery")
    check(text_appears("R000001"), "the schedule is listed")
    status, text = call("GET", "/v1/employees/E0002/recoveries", DDO)
    listed = json.loads(text)["recoveries"] if status == 200 else []
    check(len(listed) == 1 and listed[0]["state"] == "OPEN" and listed[0]["amount"] > 0 and
          listed[0]["instalments"] == 2, f"the API holds the schedule the page filed: {status} {text}")
    axe("ddo recoveries")
    shot("14-ddo-recovery-filed")
    sign_out()
    status, text = call("POST", "/v1/months/2026-11/close", ADMIN)
    check(status == 200 and json.loads(text)["next_month"] == "2026-12", f"November closes (its bill PASSED): {status} {text}")
    status, text = call("POST", "/v1/runs", ADMIN, {"month": "2026-12", "wait": True})
    check(status == 201, f"December runs: {status} {text}")
    status, text = call("GET", "/v1/employees/E0002/payslips/2026-12", DDO)
    slip = json.loads(text).get("amounts", {}) if status == 200 else {}
    check(listed and slip.get("recovery") == listed[0]["instalment"],
          f"December's payslip recovers the first instalment: {slip.get('recovery')}")
    sign_in_subscriber("E0002")
    tab("Recoveries")
    check(text_appears("R000001"), "the subscriber sees its recovery")
    check(text_appears("LWP of 5 days entered late"), "with the DDO's reason")
    axe("employee recoveries")
    shot("15-employee-recoveries")
    # The employee's own payslip (last month by default) and its PDF, and a proposal.
    tab("Payslip")
    check(text_appears("Payslip 2026-11"), "the subscriber's November payslip")
    check(text_appears(BILL), "with its bill")
    link = wait.until(EC.presence_of_element_located((By.XPATH, "//a[contains(@href, '.pdf')]")))
    fetched = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(async r => done([r.status, r.headers.get('content-type'),"
        " (await r.arrayBuffer()).byteLength])).catch(e => done([0, String(e), 0]));", link.get_attribute("href"))
    check(fetched[0] == 200 and fetched[1] == "application/pdf" and fetched[2] > 1000, f"the payslip's PDF: {fetched}")
    axe("employee payslip")
    shot("16-employee-payslip")
    tab("My proposals")
    amount_box = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=amount]")))
    amount_box.send_keys("6000")
    browser.find_element(By.XPATH, "//button[normalize-space()='Propose']").click()
    check(text_appears("Proposal filed."), "the subscriber files a proposal")
    check(text_appears("₹6,000"), "and sees it in its list")
    status, text = call("GET", "/v1/proposals?status=PENDING", DDO)
    check('"employee_id":"E0002"' in text and '"amount":6000' in text and '"proposed_by":"employee:E0002"' in text,
          f"the DDO sees the subscriber's proposal: {text}")
    axe("employee proposals")
    shot("17-employee-proposals")
finally:
    ui.quit()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

checks.finish("browser test passed")
