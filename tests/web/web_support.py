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
