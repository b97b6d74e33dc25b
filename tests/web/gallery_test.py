#!/usr/bin/python3
"""The console as each of its users sees it (issue 11, "Review" in docs/web.md): headless
Chromium against a `vetan serve` this test starts (GPF fund configured, clock on 2026-11-05,
November run once, DDO001's bill confirmed), signed in as the DDO, the treasury, the analyst,
the administrator, an employee who is a GPF subscriber, the Head of Office and the AG's
approver. The header shows the calendar windows the role acts in, and only those. Every tab of every role is visited at 1280x900 in English and in Hindi, and at a
phone's 390x844 in English and Hindi; on each visit the page must hold:
  - no horizontal scrolling at the phone width (document.scrollingElement.scrollWidth <=
    innerWidth): a wide table scrolls inside its own container;
  - no table wider than its container unless that container scrolls (overflow-x auto), and
    no cell, button or badge whose text overflows its box (scrollWidth > clientWidth);
  - no untranslated key (a key of web/src/i18n.js shown as text), no "undefined", "null" or
    "NaN" in the page's text;
  - every button, input, select and textarea has an accessible name;
  - in Hindi, no heading, label, button, caption or column head left in English (one with a
    lowercase English word and no Devanagari);
and axe-core finds no violation (English at both widths, Hindi at the desktop width).
Screenshots (full page) go to OUT_DIR: every tab in English at the desktop width, and the
main tab of each role in Hindi and at the phone width in both languages.
Usage: gallery_test.py VETAN TEST_DATA_DIR OUT_DIR"""
import base64, json, os, re, shutil, sys, tempfile, time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_support import Browser, Checks, Server, totp  # noqa: E402

vetan, data, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NOW = 1793853000  # 2026-11-05T04:30:00Z: the server's clock with --date 2026-11-05
BILL = "2026-11/TR01/DDO001/1"
ROLES = ["ddo:DDO001", "treasury:TR01", "analyst", "admin", "employee:E0002", "hoo:DDO001", "ag:approver"]
DESKTOP, PHONE = (1280, 900), (390, 844)
# The calendar windows each role's header shows: those it acts in (web/src/app.js roleWindows).
ALL_WINDOWS = ["master_edit", "employee_proposals", "ddo_approval", "stop_payment", "other_salary", "auto_run"]
WINDOWS = {"ddo": [w for w in ALL_WINDOWS if w != "employee_proposals"], "treasury": ["auto_run"],
           "analyst": [], "admin": ALL_WINDOWS, "employee": ["employee_proposals"], "hoo": [], "ag": []}

# The keys of the English table: one shown as text is a string the table lacks.
source = open(os.path.join(ROOT, "web", "src", "i18n.js"), encoding="utf-8").read()
english = source[source.index("const en = {"):source.index("const hi = {")]
KEYS = sorted({k.strip('"') for k in re.findall(r'(?:^|[{,\s])("?[A-Za-z][\w-]*"?):\s', english) if "_" in k})
assert len(KEYS) > 100, f"read {len(KEYS)} keys from i18n.js"

# The GPF fund (docs/gpf.md): the profile with its interest rate, the master with E0002's
# mobile number, an opening balance in the ledger; a data folder the Server reads them from.
work = tempfile.mkdtemp(prefix="vetan-web-gallery-")
with open(os.path.join(data, "mini-profile.json"), encoding="utf-8") as f:
    profile = json.load(f)
profile["gpf"].update({"interest": [{"from": "2020-04", "percent": 7.1}], "salary_credited": "same_month"})
with open(os.path.join(work, "mini-profile.json"), "w", encoding="utf-8") as f:
    json.dump(profile, f)
master = os.path.join(work, "employees.csv")
with open(os.path.join(data, "employees.csv"), encoding="utf-8") as src, open(master, "w", encoding="utf-8") as out:
    for i, row in enumerate(src.read().splitlines()):
        out.write(row + "," + ("mobile" if i == 0 else "+91 9812345678" if row.startswith("E0002,") else "") + "\n")
ledger = os.path.join(work, "gpf-ledger.csv")
with open(ledger, "w") as f:
    f.write("gpf_account,month,kind,amount,reference\nGPF/2,2026-04,OPENING,250000,AG-2026\n")

server = Server(vetan, work, ROLES, employees=master, extra=["--gpf-ledger", ledger])
st, _, reply = server.call("POST", "/v1/runs", server.tokens["admin"], {"month": "2026-11", "wait": True})
assert st in (200, 201), (st, reply)
st, _, reply = server.call("POST", "/v1/bills/" + BILL + "/confirm", server.tokens["ddo:DDO001"],
                           {"otp": totp(server.secrets["ddo:DDO001"], NOW)})
assert st == 200, (st, reply)

checks = Checks()
check = checks
ui = Browser(out_dir, checks)
browser, wait = ui.driver, ui.wait

# What every page must hold; returns a list of problems found (strings).
PAGE_CHECKS = r"""
const keys = new Set(arguments[0]), hindi = arguments[1], phone = arguments[2];
const problems = [];
const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const describe = el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "") +
  " '" + (el.innerText || el.value || "").trim().slice(0, 60) + "'";
if (phone && document.scrollingElement.scrollWidth > innerWidth)
  problems.push(`the page scrolls sideways: ${document.scrollingElement.scrollWidth} > ${innerWidth}`);
for (const el of document.querySelectorAll("*")) {
  if (!shown(el) || el.closest("svg")) continue;
  const r = el.getBoundingClientRect();
  if (phone && r.right > innerWidth + 1 && !el.closest(".scroll") && getComputedStyle(el).position !== "absolute")
    problems.push(`${describe(el)} reaches past the phone's width (${Math.round(r.right)} > ${innerWidth})`);
}
for (const t of document.querySelectorAll("table")) {
  const box = t.parentElement, style = getComputedStyle(box);
  if (t.scrollWidth > box.clientWidth + 1 && !["auto", "scroll"].includes(style.overflowX))
    problems.push(`a table is wider than its container, which does not scroll: ${describe(t.querySelector("caption") || t)}`);
}
for (const el of document.querySelectorAll("td, th, button, .badge, label, .tab, caption, h1, h2")) {
  if (!shown(el)) continue;
  if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "auto")
    problems.push(`text overflows its box: ${describe(el)} (${el.scrollWidth} > ${el.clientWidth})`);
}
for (const el of document.querySelectorAll("td.empty")) {  // an empty list's message, all of it in view
  if (!shown(el)) continue;
  const range = document.createRange(), box = el.closest(".scroll") || document.body;
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect(), edge = box.getBoundingClientRect();
  if (text.right > edge.right + 1 || text.left < edge.left - 1)
    problems.push(`an empty list's message is cut off: ${describe(el)} (${Math.round(text.left)}–${Math.round(text.right)} outside ${Math.round(edge.left)}–${Math.round(edge.right)})`);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const text = n.textContent.trim();
  if (!text || !n.parentElement || !shown(n.parentElement)) continue;
  if (/\b(undefined|null|NaN)\b/.test(text)) problems.push(`empty value shown: '${text.slice(0, 80)}'`);
  for (const w of text.split(/[^\w-]+/)) if (keys.has(w)) problems.push(`untranslated key '${w}' in '${text.slice(0, 80)}'`);
}
for (const el of document.querySelectorAll("button, input, select, textarea")) {
  if (el.type === "hidden") continue;
  const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest("label");
  const name = (el.getAttribute("aria-label") || el.getAttribute("title") || (el.tagName === "BUTTON" ? el.innerText : "") ||
    (labelled ? labelled.innerText : "") || (el.getAttribute("aria-labelledby") ? "by" : "")).trim();
  if (!name) problems.push(`${describe(el)} has no accessible name`);
}
if (hindi) {
  for (const el of document.querySelectorAll("main h1, main h2, main h3, label, button, caption, th, legend, .tab, figcaption, td.empty, p.hint")) {
    if (!shown(el) || el.closest("[lang=en]")) continue;
    const text = (el.innerText || "").trim();
    if (text && !/[\u0900-\u097F]/.test(text) && /\b[a-z]{3,}\b/.test(text)) problems.push(`left in English in Hindi: ${describe(el)}`);
  }
}
return problems;
"""


def settle():
    """Waits until the page has loaded what it asked the server for: no "Loading…" left and
    the main element unchanged over two looks (waiting for the page, not a measurement)."""
    last = None
    for _ in range(100):
        html = browser.execute_script(
            "return document.querySelector('.loading') ? null : (document.getElementById('main') || document.body).innerHTML")
        if html is not None and html == last:
            return
        last = html
        time.sleep(0.1)


def size(width, height):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    settle()


def shot(name):
    """A full-page screenshot OUT_DIR/name.png at the emulated width."""
    png = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path = os.path.join(out_dir, name + ".png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(png["data"]))
    ui.shots.append(path)


def tabs():
    return browser.find_elements(By.CSS_SELECTOR, "nav.tabs button")


def visit(i):
    tabs()[i].click()
    wait.until(lambda d: "active" in tabs()[i].get_attribute("class"))
    settle()


def page_checks(where, hindi, phone):
    problems = browser.execute_script(PAGE_CHECKS, KEYS, hindi, phone)
    for p in problems[:12]:
        check(False, f"{where}: {p}")
    return problems


def language(to):
    if browser.execute_script("return document.documentElement.lang") != to:
        browser.find_element(By.CSS_SELECTOR, "button.lang").click()
        wait.until(lambda d: d.execute_script("return document.documentElement.lang") == to)
        settle()


visited = 0
try:
    base = f"http://127.0.0.1:{server.port}"
    for role in ROLES:
        name = role.replace(":", "-")
        size(*DESKTOP)
        ui.sign_in(base, server.tokens[role])
        language("en")
        count = len(tabs())
        check(count >= 1, f"{role} has tabs")
        shown = [li.get_attribute("data-window") for li in browser.find_elements(By.CSS_SELECTOR, ".windows li")]
        check(shown == WINDOWS[role.split(":")[0]], f"{role}: the calendar windows shown are {shown}")
        keys = []
        for i in range(count):  # English, desktop: every tab, a screenshot of each
            visit(i)
            keys.append(tabs()[i].text)
            where = f"{role} tab {i + 1} '{keys[-1]}' (en, desktop)"
            page_checks(where, False, False)
            ui.axe(where)
            shot(f"gallery-{name}-{i + 1:02d}-en")
            visited += 1
        size(*PHONE)
        for i in range(count):  # English, phone: every tab; a screenshot of the main one
            visit(i)
            where = f"{role} tab {i + 1} '{keys[i]}' (en, phone)"
            page_checks(where, False, True)
            ui.axe(where)
            if i == 0:
                shot(f"gallery-{name}-01-en-phone")
        language("hi")
        for i in range(count):  # Hindi, phone: every tab; a screenshot of the main one
            visit(i)
            page_checks(f"{role} tab {i + 1} (hi, phone)", True, True)
            if i == 0:
                shot(f"gallery-{name}-01-hi-phone")
        size(*DESKTOP)
        for i in range(count):  # Hindi, desktop: every tab; a screenshot of the main one
            visit(i)
            where = f"{role} tab {i + 1} (hi, desktop)"
            page_checks(where, True, False)
            ui.axe(where)
            if i == 0:
                shot(f"gallery-{name}-01-hi")
        check(browser.execute_script("return document.documentElement.lang") == "hi", f"{role}: the page is in Hindi")
        language("en")
        browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=token]")))
    check(visited >= 20, f"visited {visited} tabs")
    print(f"{visited} tabs visited, each in English and Hindi at 1280 and 390 px")
finally:
    ui.quit()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)

checks.finish("gallery test passed")
