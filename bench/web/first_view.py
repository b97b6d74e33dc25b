#!/usr/bin/env python3
"""Each console page's first view on loopback (issue 11 target: under 300 ms with a
1M-employee master), and the assets' size. A benchmark, not a test.

A first view is what the browser fetches, in order, with an empty cache: GET / and every
asset (gzip), GET /v1/session, then the page's data calls, exactly those the page's module
makes (pages/*.js): one connection, as a browser's first would. Each page is timed
`--repeat` times; the best and the median are printed. Rendering time is not included.
Usage: first_view.py VETAN [--rows 1000000] [--profile P] [--repeat 5]"""
import argparse, gzip, http.client, json, os, signal, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "web"))
import build  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("vetan")
ap.add_argument("--rows", type=int, default=1000000)
ap.add_argument("--profile", default=os.path.join(ROOT, "profiles", "central-7cpc.json"))
ap.add_argument("--repeat", type=int, default=5)
a = ap.parse_args()

assets = build.assets()
print(f"assets: {len(assets)} files, {sum(len(d) for *_, d in assets)} bytes, "
      f"{sum(len(build.gz(d)) for *_, d in assets)} bytes gzipped")

work = tempfile.mkdtemp(prefix="vetan-web-bench-")
master = os.path.join(work, "master.csv")
t = time.time()
subprocess.run([a.vetan, "generate", "--profile", a.profile, "--rows", str(a.rows), "--month", "2026-11",
                "--faults", "0.02", "--out", master], check=True, stdout=subprocess.DEVNULL)
print(f"master: {a.rows} rows ({time.time() - t:.1f} s to generate)")
with open(master) as f:
    f.readline()
    first = f.readline().split(",")
head = open(master).readline().strip().split(",")
ddo, treasury = first[head.index("ddo_code")], first[head.index("treasury_code")]
tokens_file = os.path.join(work, "tokens")
tokens = {}
for role in ["admin", f"ddo:{ddo}", f"treasury:{treasury}", "analyst"]:
    out = subprocess.run([a.vetan, "tokens", "--role", role, "--file", tokens_file], check=True, capture_output=True, text=True).stdout
    tokens[role.split(":")[0]] = out.split("token: ")[1].split()[0]
server = subprocess.Popen([a.vetan, "serve", "--profile", a.profile, "--employees", master, "--data", os.path.join(work, "data"),
                           "--tokens", tokens_file, "--listen", "127.0.0.1:0", "--date", "2026-11-05"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
port = int(server.stdout.readline().strip().rsplit(":", 1)[1])


def request(c, method, path, headers=None, body=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    if r.status >= 400:
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]}")
    return r, data


c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
t = time.time()
request(c, "POST", "/v1/runs", {"Authorization": "Bearer " + tokens["admin"]}, json.dumps({"month": "2026-11", "wait": True}))
print(f"run of 2026-11: {time.time() - t:.1f} s")
c.close()

PAGES = {  # role: [(page, data calls)] as pages/*.js make them
    "ddo": [("bills", [f"/v1/bills?ddo={ddo}&page_size=50"]),
            ("mismatches", ["/assets/mismatch-fixes.json", f"/v1/reports/mismatches?ddo={ddo}&page_size=100"]),
            ("stopped", [f"/v1/reports/stopped?ddo={ddo}&page_size=100"]),
            ("proposals", ["/v1/proposals?status=PENDING&page_size=50"])],
    "treasury": [("bills", [f"/v1/bills?treasury={treasury}&state=CONFIRMED&page_size=200"])],
    "analyst": [("whatif builder", [])],
}
for role, pages in PAGES.items():
    for page, calls in pages:
        times = []
        for _ in range(a.repeat):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            t = time.perf_counter()
            for path, *_ in assets:
                request(c, "GET", "/assets/" + path if path != "index.html" else "/", {"Accept-Encoding": "gzip"})
            r, body = request(c, "POST", "/v1/session", {"Content-Type": "application/json"}, json.dumps({"token": tokens[role]}))
            cookie = {"Cookie": r.getheader("Set-Cookie").split(";")[0]}
            request(c, "GET", "/v1/session", cookie)
            for call in calls:
                request(c, "GET", call, cookie)
            times.append((time.perf_counter() - t) * 1000)
            c.close()
        print(f"{role:9} {page:16} best {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms")
server.send_signal(signal.SIGTERM)
server.wait()
subprocess.run(["rm", "-rf", work])
