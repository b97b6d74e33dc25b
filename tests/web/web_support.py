"""A `vetan serve` for the web tests: tokens made with `vetan tokens`, the clock stood on
2026-11-05 (10:00 IST), November run once, and plain HTTP calls."""
import http.client, json, os, shutil, signal, subprocess, tempfile


class Server:
    def __init__(self, vetan, data, roles, totp=True, employees=None, extra=(), date="2026-11-05"):
        self.work = tempfile.mkdtemp(prefix="vetan-web-")
        self.vetan = vetan
        self.tokens_file = os.path.join(self.work, "tokens")
        self.tokens, self.secrets = {}, {}
        for role in roles:
            args = [vetan, "tokens", "--role", role, "--file", self.tokens_file]
            if role.startswith("ddo:") and totp:
                args.append("--totp")
            text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
            fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
            self.tokens[role] = fields["token"]
            if "totp_secret" in fields:
                self.secrets[role] = fields["totp_secret"]
        self.args = [vetan, "serve", "--profile", os.path.join(data, "mini-profile.json"),
                     "--employees", employees or os.path.join(data, "employees.csv"),
                     "--data", os.path.join(self.work, "data"),
                     "--tokens", self.tokens_file, "--listen", "127.0.0.1:0", "--date", date, *extra]
        self.start()

    def restart(self, date=None):
        """SIGKILL, then a new server over the same data folder and tokens file (its clock
        stood on `date` if given)."""
        if date:
            self.args[self.args.index("--date") + 1] = date
        self.process.kill()
        self.process.wait(timeout=30)
        self.start()

    def start(self):
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "listening on" not in line:
            raise SystemExit("the server did not start: " + self.process.stderr.read())
        self.port = int(line.strip().rsplit(":", 1)[1])

    def call(self, method, path, token=None, body=None, headers=None):
        """(status, headers as a list of (name, value), body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        return r.status, r.getheaders(), r.read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)


def header(headers, name):
    values = [v for k, v in headers if k.lower() == name.lower()]
    return values[0] if values else None


def totp(secret_b32, unix):
    """The RFC 6238 code (30 s, SHA-1, 6 digits) of a base32 secret at unix time `unix`."""
    import base64, hashlib, hmac, struct
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", unix // 30), hashlib.sha1).digest()
    o = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


class Checks:
    """A test's failed checks, kept to the end (a failure is printed and the test goes on)."""

    def __init__(self):
        self.failures = []

    def __call__(self, condition, what):
        if not condition:
            self.failures.append(what)
            print("FAIL:", what)

    def finish(self, passed):
        """Exits 1 naming the count if any check failed; else prints `passed`."""
        if self.failures:
            print(f"{len(self.failures)} failure(s)")
            raise SystemExit(1)
        print(passed)


class Browser:
    """Headless Chromium (Selenium) for the console's tests: English (en-IN), 1280x900,
    downloads to `downloads` when given; axe-core injected from tests/web/node_modules (npm,
    pinned, never shipped); screenshots to `out_dir`; failed checks into `checks`."""

    def __init__(self, out_dir, checks, downloads=None):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service as ChromeService
        from selenium.webdriver.support.ui import WebDriverWait
        here = os.path.dirname(os.path.abspath(__file__))
        axe = os.path.join(here, "node_modules", "axe-core", "axe.min.js")
        if not os.path.exists(axe):
            raise SystemExit(f"{axe} is missing: run `npm ci --prefix {here}` (.ci/setup-debian.sh does)")
        self.axe_source = open(axe).read()
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir, self.checks, self.shots = out_dir, checks, []
        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-IN"):
            options.add_argument(flag)
        if downloads:
            options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                                      "download.prompt_for_download": False})
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        service = ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        if downloads:
            self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        self.wait = WebDriverWait(self.driver, 20)

    def text_appears(self, text, where=None):
        """True once `text` is in the element `where` (a locator; default the page's main)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        try:
            self.wait.until(EC.text_to_be_present_in_element(where or (By.TAG_NAME, "main"), text))
            return True
        except Exception:
            return False

    def axe(self, page):
        """Runs axe-core on the page; each violation is a failed check naming `page`."""
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[0]; axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
            ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")
        for v in result:
            targets = [n.get("target") for n in v.get("nodes", [])][:3]
            self.checks.failures.append(f"axe on {page}: {v['id']}: {v['help']} at {targets}")
            print("AXE:", page, v["id"], v["help"], targets)

    def shot(self, name, element=None):
        """A screenshot OUT_DIR/name.png (scrolled to `element` first when given)."""
        if element is not None:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        path = os.path.join(self.out_dir, name + ".png")
        self.driver.save_screenshot(path)
        self.shots.append(path)

    def tab(self, label):
        from selenium.webdriver.common.by import By
        self.driver.find_element(
            By.XPATH, f"//nav[contains(@class,'tabs')]/button[normalize-space()='{label}']").click()

    def sign_in(self, base, token):
        """Signs in at `base` (http://host:port) with an API token; waits for the tabs."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        self.driver.get(base + "/")
        box = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=token]")))
        box.send_keys(token)
        box.submit()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.tabs")))

    def quit(self):
        print("screenshots:", ", ".join(self.shots))
        self.driver.quit()
