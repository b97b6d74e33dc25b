#!/usr/bin/python3
"""The console's payment pages (issue 12 item 3; docs/web.md "Payment files") in headless
Chromium, driven by Selenium, against a `vetan serve` this test starts with a payment
configuration and a treasury signing key (made here with openssl), clock on 2026-11-05:
  - the treasury opens its CONFIRMED bill: the payment card says why no file can be made; it
    passes the bill and makes the payment file; the card shows the message id, the credits,
    the total and the SHA-256 the API holds; the pain.001 XML downloaded by the page's link
    parses and names the bill's net as its control sum, and the advice and the signature
    links give the files whose SHA-256 the card shows; opening the bill again shows the same
    file and no button to make another;
  - a bank return that is not well formed, and one naming a credit not of the message, are
    refused with the server's message shown as it is, nothing marked; a return rejecting the
    first credit (AC04) marks it failed, the outcome naming the employee and the reason;
  - the payment files page lists the bill's file (message, credits, total, one failed credit,
    the downloads); another month lists none and says why; another DDO's list is empty;
  - the failed-credits page lists it (employee, bill, amount, reason, not paid again), in
    English and in Hindi (the reason in Hindi too);
  - the DDO sees the file on its PASSED bill (the downloads, no make button, no returns), the
    failed credit on its own page, whose "Correct the account" opens the employee's master
    and "Pay again" the other-salary request filled in (disabled on day 5); on 2026-12-23
    (after a restart) it files that request from the failed credit, and the page then names
    the re-payment bill; another DDO's list is empty;
and axe-core finds no violation on any of these pages. Screenshots go to OUT_DIR.
Usage: payment_test.py VETAN TEST_DATA_DIR OUT_DIR"""
import hashlib, json, os, shutil, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_support import Browser, Checks, Server, totp  # noqa: E402

vetan, data, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
NOW = 1793853000  # 2026-11-05T04:30:00Z: the server's clock with --date 2026-11-05
BILL = "2026-11/TR01/DDO001/1"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}

work = tempfile.mkdtemp(prefix="vetan-web-pay-")
downloads = os.path.join(work, "downloads")
os.makedirs(downloads)
config = os.path.join(work, "debtors.json")
with open(config, "w") as f:
    json.dump({"initiating_party": "Treasury Office Jaipur", "debtors": [
        {"ddo_code": "DDO001", "name": "DDO Education Jaipur", "account": "10000000001", "ifsc": "SBIN0001234"}]}, f)
key, cert = os.path.join(work, "treasury.key"), os.path.join(work, "treasury.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "3650",
                "-subj", "/CN=TR01 Treasury Officer"], check=True, capture_output=True)

server = Server(vetan, data, ["admin", "ddo:DDO001", "treasury:TR01", "ddo:DDO002"],
                extra=["--payment-config", config, "--payment-signing-key", key, "--payment-signing-cert", cert])
ADMIN, DDO, TREASURY, DDO2 = (server.tokens[r] for r in ("admin", "ddo:DDO001", "treasury:TR01", "ddo:DDO002"))


def call(method, path, tok, body=None):
    st, _, reply = server.call(method, path, tok, body)
    return st, reply.decode()


def inr(n):
    """₹ and Indian digit grouping, as the page's Intl en-IN format writes it."""
    s = str(abs(n))
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ("−₹" if n < 0 else "₹") + ",".join(([head] if head else []) + groups + [tail])


def pain002(message, return_id, statuses):
    """A pain.002.001.03 return for `message` with these (end-to-end id, status, reason)."""
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">\n'
         f"<CstmrPmtStsRpt>\n<GrpHdr><MsgId>{return_id}</MsgId><CreDtTm>2026-12-02T10:00:00</CreDtTm></GrpHdr>\n"
         f"<OrgnlGrpInfAndSts><OrgnlMsgId>{message}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>"
         f"<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>\n<OrgnlPmtInfAndSts><OrgnlPmtInfId>{message}-P1</OrgnlPmtInfId>\n")
    for e2e, st, reason in statuses:
        x += f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>{st}</TxSts>"
        if reason:
            x += f"<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn><AddtlInf>returned</AddtlInf></StsRsnInf>"
        x += "</TxInfAndSts>\n"
    return x + "</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n"


st, text = call("POST", "/v1/runs", ADMIN, {"month": "2026-11", "wait": True})
assert st in (200, 201), (st, text)
st, text = call("POST", "/v1/bills/" + BILL + "/confirm", DDO, {"otp": totp(server.secrets["ddo:DDO001"], NOW)})
assert st == 200, (st, text)

checks = Checks()
check = checks
ui = Browser(out_dir, checks, downloads=downloads)
browser, wait = ui.driver, ui.wait
text_appears, axe, shot, tab = ui.text_appears, ui.axe, ui.shot, ui.tab


def sign_in(tok):
    ui.sign_in(f"http://127.0.0.1:{server.port}", tok)


def sign_out():
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out' or normalize-space()='साइन आउट']").click()
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=token]")))


def language():
    browser.find_element(By.CSS_SELECTOR, "button.lang").click()


def open_bill(state=None):
    """The bill's view on the bills page (the list filtered by `state` first)."""
    if state:
        Select(wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".filters select")))).select_by_value(state)
    wait.until(EC.element_to_be_clickable((By.XPATH, f"//tr[td[normalize-space()='{BILL}']]//button"))).click()
    return wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.payment")))


def card_text():
    text = browser.find_element(By.CSS_SELECTOR, "section.payment").text
    check("null" not in text and "undefined" not in text, f"the payment card shows no empty value: {text}")
    return text


def download(label, name):
    """Clicks the card's link `label`; the bytes the browser saved as `name`."""
    path = os.path.join(downloads, name)
    browser.find_element(By.XPATH, f"//section[contains(@class,'payment')]//a[normalize-space()='{label}']").click()
    for _ in range(200):
        if os.path.exists(path) and not os.path.exists(path + ".crdownload"):
            break
        time.sleep(0.1)  # waits for the browser to finish writing, not a timing measurement
    if not os.path.exists(path):
        check(False, f"the link '{label}' downloads {name}: {os.listdir(downloads)}")
        return b""
    return open(path, "rb").read()


def upload(name, content):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(content)
    box = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=return_file]")
    box.clear()
    box.send_keys(path)
    browser.find_element(By.XPATH, "//button[normalize-space()='Upload return']").click()


def failed_row(employee):
    return wait.until(EC.presence_of_element_located((By.XPATH, f"//tr[td[starts-with(normalize-space(), '{employee} ')]]")))


try:
    # The treasury: the CONFIRMED bill says why it has no file; passed, its file is made.
    sign_in(TREASURY)
    card = open_bill()
    check(text_appears("This bill is CONFIRMED: pass it first.", (By.CSS_SELECTOR, "section.payment")),
          f"a CONFIRMED bill says why no file can be made: {card.text}")
    check(not browser.find_elements(By.XPATH, "//button[normalize-space()='Make payment file']"), "no make button before the pass")
    axe("treasury confirmed bill")
    shot("pay-01-treasury-confirmed-bill", card)
    wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Pass']"))).click()
    check(text_appears("Bill passed."), "the treasury passes the bill")
    make = wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Make payment file']")))
    axe("treasury passed bill, no file yet")
    make.click()
    check(text_appears("Payment file made: VETAN-202611-"), "the page reports the file made")
    st, text = call("GET", "/v1/bills/" + BILL + "/payment", TREASURY)
    check(st == 200, f"the API holds the payment: {st} {text}")
    pay = json.loads(text) if st == 200 else {}
    msg = pay.get("message_id", "?")
    st, text = call("GET", "/v1/bills/" + BILL, TREASURY)
    bill = json.loads(text)
    check(bill["state"] == "PASSED" and pay.get("control_sum") == bill["net"], f"the file pays the bill's net: {pay} {bill['net']}")
    wait.until(EC.presence_of_element_located((By.XPATH, "//section[contains(@class,'payment')]//a[normalize-space()='pain.001 XML']")))
    shown = card_text()
    for what, value in (("message id", msg), ("credits", f"Credits {pay.get('transactions')}"),
                        ("total", f"Total (control sum) {inr(bill['net'])}"), ("SHA-256", pay.get("sha256", "?")),
                        ("advice SHA-256", pay.get("advice_sha256", "?")), ("signer", "CN=TR01 Treasury Officer")):
        check(value in shown, f"the card shows the {what} ({value}): {shown}")

    # The downloads, through the page's links (the session cookie authenticates them).
    xml = download("pain.001 XML", msg + ".xml")
    check(hashlib.sha256(xml).hexdigest() == pay.get("sha256"), "the XML downloaded is the file whose SHA-256 the card shows")
    try:
        root = ET.fromstring(xml)
        header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
        check(header.findtext("p:MsgId", None, NS) == msg, "the XML's MsgId is the card's message id")
        check(header.findtext("p:CtrlSum", None, NS) == f"{bill['net']}.00",
              f"the XML's control sum is the bill's net {bill['net']}: {header.findtext('p:CtrlSum', None, NS)}")
        check(header.findtext("p:NbOfTxs", None, NS) == str(pay.get("transactions")), "the XML's credits are the card's")
        credits = root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS)
        check(sum(int(c.find("p:Amt/p:InstdAmt", NS).text.split(".")[0]) for c in credits) == bill["net"],
              "the XML's credits add up to the bill's net")
    except ET.ParseError as e:
        check(False, f"the downloaded XML parses: {e}")
    advice = download("Bank advice (CSV)", msg + "-advice.csv")
    check(hashlib.sha256(advice).hexdigest() == pay.get("advice_sha256") and advice.startswith(b"end_to_end_id,bill_id,"),
          f"the advice downloaded is the file issued: {advice[:80]!r}")
    signature = download("Signature (CMS, PEM)", msg + ".xml.p7s")
    check(signature.startswith(b"-----BEGIN CMS-----") and
          hashlib.sha256(signature).hexdigest() == pay.get("signature", {}).get("sha256"), "the signature downloaded is the one issued")

    # Opened again, the bill shows the file made, and nothing to make another.
    browser.refresh()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.tabs")))
    card = open_bill("PASSED")
    check(text_appears(msg, (By.CSS_SELECTOR, "section.payment")), "the PASSED bill shows its file")
    card_text()
    check(not browser.find_elements(By.XPATH, "//button[normalize-space()='Make payment file']"), "no button to make a second file")
    axe("treasury payment file")
    shot("pay-02-treasury-payment-file", card)

    # Bank returns: refusals shown as the server words them, then a return marking one credit failed.
    e2e = msg[13:] + "-000000"
    for name, content in (("broken.xml", "<Document><unclosed></Document>"),
                          ("other-credit.xml", pain002(msg, "RET-0", [(e2e + "9", "RJCT", "AC04")]))):
        st, text = call("POST", f"/v1/payments/{msg}/returns", TREASURY, content)
        error = json.loads(text)["error"]
        expected = f"{error['code']}: {error['message']}"
        check(st in (400, 409) and "line " in error["message"], f"{name} is refused naming the line: {st} {text}")
        upload(name, content)
        check(text_appears(expected), f"the page shows the server's refusal of {name} as it is: {expected}")
    shot("pay-02b-treasury-return-refused", browser.find_element(By.CSS_SELECTOR, "section.returns"))
    check(call("GET", "/v1/payments/failed", ADMIN)[1] == '{"failed":[]}', "the refused returns marked nothing")
    upload("return.xml", pain002(msg, "RET-1", [(e2e + "1", "RJCT", "AC04"), (e2e + "2", "ACSC", "")]))
    check(text_appears("RET-1: statuses 2 · rejected 1 · newly marked failed 1"), "the outcome counts the return's statuses")
    check(text_appears("AC04 closed account number"), "the outcome names the reason")
    outcome = browser.find_element(By.XPATH, "//table[caption[starts-with(normalize-space(), 'Credits marked failed')]]").text
    check("E0001" in outcome and "E0002" not in outcome, f"the outcome names the failed credit's employee: {outcome}")
    check(text_appears("Failed credits 1", (By.CSS_SELECTOR, "section.payment")), "the card counts the failed credit")
    st, text = call("GET", "/v1/payments/failed", TREASURY)
    failed = json.loads(text)["failed"]
    check(len(failed) == 1 and failed[0]["employee_id"] == "E0001" and failed[0]["reason_code"] == "AC04",
          f"the API holds the failed credit: {text}")
    amount = failed[0]["amount"] if failed else 0
    axe("treasury return imported")
    shot("pay-03-treasury-return-imported", browser.find_element(By.CSS_SELECTOR, "section.returns"))

    # The payment files page: this month's file, its figures and downloads; all months when
    # the month is cleared; another DDO's list empty.
    tab("Payment files")
    row = wait.until(EC.presence_of_element_located((By.XPATH, f"//tr[td[normalize-space()='{BILL}']]")))
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    check(cells[1] == msg and cells[3] == str(pay["transactions"]) and cells[4] == inr(bill["net"]) and cells[5] == "1",
          f"the issued file's row (bill, message, date, credits, total, failed): {cells}")
    check([a.text for a in row.find_elements(By.TAG_NAME, "a")] == ["pain.001 XML", "Bank advice (CSV)"],
          f"with its downloads: {row.text}")
    axe("treasury payment files")
    shot("pay-03b-treasury-payment-files")
    month_box = browser.find_element(By.CSS_SELECTOR, "input[name=month]")
    month_box.clear()
    month_box.send_keys("2026-10")
    browser.find_element(By.XPATH, "//button[normalize-space()='Find']").click()
    check(text_appears("No payment file issued for this month"), "another month: none, and what to do")
    st, text = call("GET", "/v1/payments", DDO2)
    check(st == 200 and json.loads(text)["payments"] == [], f"another DDO's list of files is empty: {st} {text}")
    axe("treasury payment files, none this month")

    # The failed-credits page, English and Hindi.
    tab("Failed credits")
    row = failed_row("E0001")
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    check(cells[1:4] == [BILL, "2026-11", inr(amount)] and "AC04 · closed account number" in cells[5] and cells[7] == "no",
          f"the failed credit's row: {cells}")
    check(not browser.find_elements(By.XPATH, "//button[normalize-space()='Pay again (other salary)']"),
          "the treasury has no re-payment button (the DDO files it)")
    axe("treasury failed credits")
    shot("pay-04-treasury-failed-credits")
    language()
    check(text_appears("विफल जमा"), "the failed-credits page in Hindi")
    check(text_appears("बंद खाता संख्या"), "with the reason in Hindi")
    axe("treasury failed credits (hi)")
    shot("pay-05-treasury-failed-credits-hindi")
    tab("बिल")
    card = open_bill("PASSED")
    check(text_appears("वापसी फ़ाइल अपलोड करें", (By.CSS_SELECTOR, "section.payment")), "the payment card in Hindi")
    axe("treasury payment file (hi)")
    shot("pay-06-treasury-payment-file-hindi", card)
    language()
    sign_out()

    # The DDO: its file (read only), its failed credit, the links to correct and pay again.
    sign_in(DDO)
    card = open_bill()
    check(text_appears(msg, (By.CSS_SELECTOR, "section.payment")), "the DDO sees its bill's file")
    card_text()
    links = [a.text for a in card.find_elements(By.TAG_NAME, "a")]
    check(links == ["pain.001 XML", "Bank advice (CSV)", "Signature (CMS, PEM)"], f"with the downloads: {links}")
    check(not card.find_elements(By.TAG_NAME, "button"), "and no make or return button")
    st, _ = call("GET", f"/v1/payments/{msg}", DDO)
    check(st == 200, "the API lets the DDO read the file")
    axe("ddo payment file")
    shot("pay-07-ddo-payment-file", card)
    tab("Failed credits")
    row = failed_row("E0001")
    check("closed account number" in row.text, f"the DDO's failed credit: {row.text}")
    check(call("GET", "/v1/payments/failed", DDO2)[1] == '{"failed":[]}', "another DDO's list is empty")
    axe("ddo failed credits")
    shot("pay-08-ddo-failed-credits")
    row.find_element(By.XPATH, ".//button[normalize-space()='Correct the account']").click()
    check(text_appears("E0001 (Line"), "'Correct the account' opens the employee's master")
    tab("Failed credits")
    failed_row("E0001").find_element(By.XPATH, ".//button[normalize-space()='Pay again (other salary)']").click()
    box = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=month]")))
    values = [browser.find_element(By.CSS_SELECTOR, f"input[name={n}]").get_attribute("value") for n in ("employee_id", "month", "reason")]
    check(values == ["E0001", "2026-11", f"AC04 closed account number ({e2e}1)"], f"'Pay again' fills in the other-salary request: {values}")
    check(not browser.find_element(By.XPATH, "//button[normalize-space()='File request']").is_enabled(),
          "filing is disabled on day 5 (other salary from day 23)")
    axe("ddo other salary filled in")
    shot("pay-09-ddo-other-salary-filled-in")
    sign_out()

    # 2026-12-23, the other-salary window: the DDO pays the credit again from the page.
    server.restart(date="2026-12-23")
    sign_in(DDO)
    tab("Failed credits")
    failed_row("E0001").find_element(By.XPATH, ".//button[normalize-space()='Pay again (other salary)']").click()
    wait.until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='File request']"))).click()
    check(text_appears("Other salary request filed"), "the re-payment is filed")
    st, text = call("GET", "/v1/payments/failed", DDO)
    again = json.loads(text)["failed"][0]
    check(again["repaid"] and again["repaid_by"] == "2026-11/OS/DDO001/E0001", f"the API: paid again by the OS bill: {again}")
    tab("Failed credits")
    row = failed_row("E0001")
    check("yes: 2026-11/OS/DDO001/E0001 (GENERATED)" in row.text, f"the page names the re-payment bill: {row.text}")
    check(not row.find_elements(By.TAG_NAME, "button"), "and offers no second re-payment")
    axe("ddo failed credits paid again")
    shot("pay-10-ddo-failed-paid-again")
    language()
    check(text_appears("हाँ: 2026-11/OS/DDO001/E0001"), "the DDO's page in Hindi")
    axe("ddo failed credits (hi)")
    shot("pay-11-ddo-failed-paid-again-hindi")
    language()
finally:
    ui.quit()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)

checks.finish("payment test passed")
