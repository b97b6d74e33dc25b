#!/usr/bin/env python3
"""`vetan serve` at scale (issue 13 item 3): start-up, a run through the API, a restart.

    bench/serve/startup.py [--vetan build/vetan] [--rows 10000000] [--work /tmp/vetan-scale]

The master comes from `vetan generate` (central 7th-CPC profile, 2026-11, 2% faults, the
same file as bench/scale.py's, kept in --work). The server runs under /usr/bin/time -v with
the clock stood at 2026-11-05 (no auto-run) and a fresh data folder:

1. cold start: from exec to "listening" (the master loaded and indexed, the empty store
   opened), then the first views (an employee, the bills of the month);
2. a run through the API: POST /v1/runs {"month": "2026-11", "wait": true}, then the first
   views of its results (bills, a payslip, the mismatch report);
3. SIGTERM: the server's peak RSS and CPU time for 1-2 (and its resident memory, VmRSS,
   once listening and a second after the run's reply);
4. restart on the same data folder: to "listening" (load, and the replay of the audit store,
   which recomputes the month's run from the master), the first payslip read, SIGTERM, peak
   RSS and CPU time.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROFILE = os.path.join(ROOT, "profiles", "central-7cpc.json")
MONTH = "2026-11"
PORT = 18182


def request(token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=3600) as r:
        payload = r.read()
        status = r.status
    return time.perf_counter() - t0, status, payload


def start(args, data, tokens, log):
    cmd = ["/usr/bin/time", "-v", args.vetan, "serve", "--profile", PROFILE, "--employees",
           args.master, "--data", data, "--tokens", tokens, "--listen", f"127.0.0.1:{PORT}",
           "--date", "2026-11-05"]
    out = open(log, "w")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=out, text=True)
    line = p.stdout.readline()
    if "listening" not in line:
        p.wait()
        sys.exit(f"vetan serve did not start: {line}\n{open(log).read()}")
    return p, time.perf_counter() - t0


def server_pid(p):
    # the server runs under /usr/bin/time: it is that process's only child
    return int(subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True,
                              text=True).stdout.split()[0])


def resident(p):
    """The server's resident memory now (VmRSS), as text in GiB."""
    with open(f"/proc/{server_pid(p)}/status") as f:
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
    return f"{kb * 1024 / 2**30:.2f} GiB resident"


def stop(p, log):
    # /usr/bin/time forwards nothing: signal the server itself
    os.kill(server_pid(p), signal.SIGTERM)
    p.wait(timeout=600)
    text = open(log).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1)) + \
        float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    return rss, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vetan", default=os.path.join(ROOT, "build", "vetan"))
    ap.add_argument("--rows", type=int, default=10000000)
    ap.add_argument("--work", default="/tmp/vetan-scale")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    args.master = os.path.join(args.work, f"master-{args.rows}.csv")
    if not os.path.exists(args.master):
        subprocess.run([args.vetan, "generate", "--profile", PROFILE, "--rows", str(args.rows),
                        "--month", MONTH, "--faults", "0.02", "--out", args.master], check=True)
    data = os.path.join(args.work, "serve-data")
    shutil.rmtree(data, ignore_errors=True)
    tokens = os.path.join(args.work, "serve-tokens")
    if os.path.exists(tokens):
        os.remove(tokens)
    out = subprocess.run([args.vetan, "tokens", "--role", "admin", "--file", tokens],
                         capture_output=True, text=True, check=True).stdout
    token = re.search(r"token: (\S+)", out).group(1)
    with open(args.master, encoding="utf-8") as f:
        f.readline()
        first_id = f.readline().split(",", 1)[0]
    with open("/proc/loadavg") as f:
        print(f"{args.rows:,} rows ({os.path.getsize(args.master) / 1e9:.2f} GB); "
              f"load average {' '.join(f.read().split()[:3])}; {os.cpu_count()} CPUs")

    log = os.path.join(args.work, "serve-time-1.txt")
    p, listen = start(args, data, tokens, log)
    print(f"cold start to listening: {listen:.2f} s ({resident(p)})")
    for path in (f"/v1/employees/{first_id}", f"/v1/bills?month={MONTH}&page_size=50"):
        t, status, _ = request(token, "GET", path)
        print(f"  first GET {path}: {status} in {t * 1000:.1f} ms")
    t, status, body = request(token, "POST", "/v1/runs", {"month": MONTH, "wait": True})
    print(f"POST /v1/runs (wait): {status} in {t:.2f} s: {body[:300].decode(errors='replace')}")
    time.sleep(1)  # the run's memory is given back after its reply
    print(f"  after the run: {resident(p)}")
    for path in (f"/v1/bills?month={MONTH}&page_size=50",
                 f"/v1/employees/{first_id}/payslips/{MONTH}",
                 f"/v1/reports/mismatches?month={MONTH}&page_size=50"):
        t, status, _ = request(token, "GET", path)
        print(f"  first GET {path}: {status} in {t * 1000:.1f} ms")
    rss, cpu = stop(p, log)
    print(f"server (start, run, reads): peak RSS {rss / 2**30:.2f} GiB, CPU {cpu:.1f} s")

    log = os.path.join(args.work, "serve-time-2.txt")
    p, listen = start(args, data, tokens, log)
    print(f"restart (load + replay of the run) to listening: {listen:.2f} s ({resident(p)})")
    t, status, _ = request(token, "GET", f"/v1/employees/{first_id}/payslips/{MONTH}")
    print(f"  first GET payslip after restart: {status} in {t * 1000:.1f} ms")
    rss, cpu = stop(p, log)
    print(f"server (restart, read): peak RSS {rss / 2**30:.2f} GiB, CPU {cpu:.1f} s")
    with open("/proc/loadavg") as f:
        print(f"load average after: {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
