#!/usr/bin/env python3
"""vetan run end to end at several sizes, phase by phase (issue 13, "Linear scaling").

    bench/scale.py [--vetan build/vetan] [--rows 1000000,3000000,10000000] [--repeat 1]
                   [--work /tmp/vetan-scale] [--threads N] [--out-dir DIR]

Masters come from `vetan generate` (central 7th-CPC profile, month 2026-11, 2% planted
faults, seed 1: the same generator and profile at every size) and are kept in --work for
reruns. Each size is run --repeat times under /usr/bin/time -v; the best wall time is
reported with its phases (as `vetan run` prints them: load = read and parse the master,
index = build_table_index, compute = run_month, write = all output files), rows/s and
bytes/s per phase (load, index, compute: master bytes; write: output bytes), each phase's
CPU seconds (user + system, all threads: on a machine shared with other work the wall
times swing with the others' load, the CPU times much less), the peak resident memory,
and the ratio of each size's time to the smallest's, scaled by rows. The last line checks
issue 13's linearity goal: the largest size's wall time at most 11x the smallest's for 10x
the rows (that is, at most 1.1 times the smallest's time per row).

--out-dir puts the outputs on another file system (a tmpfs, to leave the disk out).
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROFILE = os.path.join(ROOT, "profiles", "central-7cpc.json")
MONTH = "2026-11"
TIME_LINE = re.compile(r"time: load ([\d.]+) s, index ([\d.]+) s, compute ([\d.]+) s, "
                       r"write ([\d.]+) s")
CPU_LINE = re.compile(r"cpu: load ([\d.]+) s, index ([\d.]+) s, compute ([\d.]+) s, "
                      r"write ([\d.]+) s")
PHASES = ("load", "index", "compute", "write")


def master(vetan, work, rows):
    path = os.path.join(work, f"master-{rows}.csv")
    if not os.path.exists(path):
        subprocess.run([vetan, "generate", "--profile", PROFILE, "--rows", str(rows), "--month",
                        MONTH, "--faults", "0.02", "--out", path], check=True)
    return path


def run_once(vetan, path, out, threads):
    cmd = ["/usr/bin/time", "-v", vetan, "run", "--profile", PROFILE, "--employees", path,
           "--month", MONTH, "--out", out]
    if threads:
        cmd += ["--threads", str(threads)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    if p.returncode != 0:
        sys.exit(f"vetan run failed ({p.returncode}): {p.stderr}")
    m = TIME_LINE.search(p.stdout)
    if not m:
        sys.exit("no phase timings in vetan run's output:\n" + p.stdout)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, mnt, sec = wall.groups()
    seconds = int(h or 0) * 3600 + int(mnt) * 60 + float(sec)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    out_bytes = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    c = CPU_LINE.search(p.stdout)  # absent from versions before issue 13's
    cpu = {k: float(v) for k, v in zip(PHASES, c.groups())} if c else {}
    return {"wall": seconds, "rss": rss_kb * 1024, "out_bytes": out_bytes, "cpu": cpu,
            "load_avg": os.getloadavg()[0], **{k: float(v) for k, v in zip(PHASES, m.groups())}}


def rate(count, seconds):
    if seconds <= 0:
        return "-"
    r = count / seconds
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if r >= size:
            return f"{r / size:.1f}{unit}"
    return f"{r:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vetan", default=os.path.join(ROOT, "build", "vetan"))
    ap.add_argument("--rows", default="1000000,3000000,10000000")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--work", default="/tmp/vetan-scale")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out-dir", default=None, help="where the runs' outputs go (default: --work)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sizes = [int(x) for x in args.rows.split(",")]
    results = []
    for rows in sizes:
        path = master(args.vetan, args.work, rows)
        in_bytes = os.path.getsize(path)
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # page cache
        out = os.path.join(args.out_dir or args.work, f"out-{rows}")
        runs = []
        for _ in range(args.repeat):
            subprocess.run(["rm", "-rf", out], check=True)  # no old files to replace
            runs.append(run_once(args.vetan, path, out, args.threads))
        best = min(runs, key=lambda r: r["wall"])
        results.append((rows, in_bytes, best, runs))

    print(f"vetan run, central-7cpc, 2% faults, best of {args.repeat} (load average at end: "
          f"{os.getloadavg()[0]:.1f})")
    print("| rows | MB in | wall s | " + " | ".join(f"{p} s (rows/s, B/s)" for p in PHASES) +
          " | peak RSS | wall / rows vs first |")
    print("|" + " --- |" * (len(PHASES) + 5))
    # (rows, wall) of each size, for the linearity check below
    base = results[0][2]["wall"] / results[0][0]
    for rows, in_bytes, best, runs in results:
        cells = []
        for p in PHASES:
            b = best["out_bytes"] if p == "write" else in_bytes
            cells.append(f"{best[p]:.2f} ({rate(rows, best[p])}, {rate(b, best[p])}B)")
        print(f"| {rows:,} | {in_bytes / 1e6:.0f} | {best['wall']:.2f} | " + " | ".join(cells) +
              f" | {best['rss'] / 2**30:.2f} GiB | {best['wall'] / rows / base:.2f}x |")
        walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
        cpu = best["cpu"]
        cpu_text = (", ".join(f"{p} {cpu[p]:.2f}" for p in PHASES) + f" (sum {sum(cpu.values()):.2f})"
                    if cpu else "not printed by this vetan")
        print(f"|   all walls: {walls}; CPU s of the best: {cpu_text}; output "
              f"{best['out_bytes'] / 1e6:.0f} MB; load average after: {best['load_avg']:.1f} |")
    if len(results) > 1:
        (r0, _, b0, _), (r1, _, b1, _) = results[0], results[-1]
        ratio = b1["wall"] / b0["wall"]
        allowed = 1.1 * r1 / r0
        print(f"linearity: {r1:,} rows took {ratio:.1f}x the time of {r0:,} "
              f"(goal: at most {allowed:.1f}x): {'met' if ratio <= allowed else 'NOT met'}")
        for p in PHASES:
            if b0[p] > 0:
                print(f"  {p}: {b1[p] / b0[p]:.1f}x", end="")
        print()


if __name__ == "__main__":
    main()
