#!/usr/bin/env python3
"""The console's shipped assets (issue 11 §1): web/build.py is reproducible (two runs, the
same bytes), the table linked into the server is what it builds from web/src/ now, and the
server serves each file as built: its bytes, Content-Type, ETag (304 when it matches), the
gzip form that decompresses to the same bytes, the Content-Security-Policy without inline
script; index.html holds no inline script or style; all assets together stay under 300 KB
gzipped.
Usage: assets_test.py VETAN TEST_DATA_DIR SHIPPED_WEB_ASSETS_CC"""
import gzip, hashlib, os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_support import Server, header

vetan, data, shipped = sys.argv[1:4]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.path.join(ROOT, "web", "build.py")
sys.path.insert(0, os.path.join(ROOT, "web"))
import build  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


with tempfile.TemporaryDirectory() as tmp:
    a, b = os.path.join(tmp, "a.cc"), os.path.join(tmp, "b.cc")
    subprocess.run([sys.executable, BUILD, "--cc", a], check=True)
    subprocess.run([sys.executable, BUILD, "--cc", b], check=True)
    built = open(a, "rb").read()
    check(built == open(b, "rb").read(), "two runs of web/build.py give different bytes")
    check(built == open(shipped, "rb").read(), f"{shipped} is not what web/build.py builds from web/src/ now")

assets = build.assets()
total_gz = sum(len(build.gz(d)) for _, _, d in assets)
print(f"{len(assets)} assets, {sum(len(d) for _, _, d in assets)} bytes, {total_gz} bytes gzipped")
check(total_gz < 300 * 1024, f"assets are {total_gz} bytes gzipped, over 300 KB")

index = dict((p, d) for p, _, d in assets)["index.html"].decode()
check(not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", index), "index.html has an inline script")
check(not re.search(r"<[^>]+\son[a-z]+\s*=", index), "index.html has an inline event handler")
check("<style" not in index and "style=" not in index, "index.html has inline style")

server = Server(vetan, data, ["admin"])
try:
    for path, ctype, data_bytes in assets:
        url = "/assets/" + path
        st, hs, body = server.call("GET", url)
        check(st == 200, f"GET {url}: {st}")
        check(body == data_bytes, f"GET {url}: the bytes differ from web/src/")
        check(header(hs, "Content-Type") == ctype, f"GET {url}: Content-Type {header(hs, 'Content-Type')}")
        etag = header(hs, "ETag")
        check(etag == '"' + hashlib.sha256(data_bytes).hexdigest()[:32] + '"', f"GET {url}: ETag {etag}")
        csp = header(hs, "Content-Security-Policy") or ""
        check("script-src 'self'" in csp and "unsafe-inline" not in csp, f"GET {url}: CSP {csp!r}")
        check(header(hs, "X-Content-Type-Options") == "nosniff", f"GET {url}: no nosniff")
        st, hs, body = server.call("GET", url, headers={"Accept-Encoding": "gzip, br"})
        check(header(hs, "Content-Encoding") == "gzip" and gzip.decompress(body) == data_bytes,
              f"GET {url} with gzip: not the same bytes gzipped")
        st, hs, body = server.call("GET", url, headers={"If-None-Match": etag})
        check(st == 304 and body == b"", f"GET {url} If-None-Match: {st}")
        st, _, _ = server.call("GET", url, headers={"If-None-Match": '"0000"'})
        check(st == 200, f"GET {url} with another ETag: {st}")
    st, hs, body = server.call("GET", "/")
    check(st == 200 and body.decode() == index, "GET / is not index.html")
    st, _, _ = server.call("GET", "/assets/nothing.js")
    check(st == 404, f"GET /assets/nothing.js: {st}")
    st, _, _ = server.call("GET", "/assets/../v1/runs")
    check(st == 404, f"GET /assets/../v1/runs: {st}")
    st, hs, _ = server.call("POST", "/assets/app.js", body="{}")
    check(st == 405, f"POST /assets/app.js: {st}")
finally:
    server.stop()

if failures:
    sys.exit(f"{len(failures)} failure(s)")
print("assets test passed")
