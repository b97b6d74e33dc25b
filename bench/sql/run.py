#!/usr/bin/env python3
"""vetan run, DuckDB and PostgreSQL on the same master, side by side (issue 13, item 4).

    bench/sql/run.py [--rows 1000000] [--vetan build/vetan] [--work /tmp/vetan-sql]
                     [--threads 2] [--engines vetan,duckdb,postgres] [--master FILE]
                     [--profile profiles/central-7cpc.json] [--month 2026-11]

The master comes from `vetan generate` (2% planted faults, as bench/scale.py) unless
--master names one. Each engine runs the whole monthly run once, from the CSV master to the
output files, under /usr/bin/time -v: vetan as `vetan run`; DuckDB (the @duckdb/node-api
package pinned in bench/sql/package.json; `npm ci --prefix bench/sql`) in memory with
--threads threads; PostgreSQL 15 in a server of its own (initdb in a temporary folder, run as
the user `postgres` when started as root, stopped afterwards), unlogged tables,
max_parallel_workers_per_gather = --threads - 1 ... every setting printed. The SQL is
generated from the profile by monthly_sql.py. Each engine's payslips, bills, bill heads,
mismatches and stopped rows are checked equal to vetan's (compare.py); the run fails if any
differs. Printed: wall time, CPU time (user + system; for PostgreSQL the server's backends
and workers, read from the postmaster's children), peak RSS, and each time over vetan's.
"""
import argparse
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PG_BIN = "/usr/lib/postgresql/15/bin"


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v: (wall s, user+sys s, peak RSS bytes, stdout, stderr)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    err = p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", err).groups()
    seconds = int(wall[0] or 0) * 3600 + int(wall[1]) * 60 + float(wall[2])
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1)) + \
        float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) * 1024
    return seconds, cpu, rss, p.stdout, err


def breakdown(name, timings, top=6):
    """Prints an engine's slowest statements: (seconds, statement) pairs."""
    total = sum(t for t, _ in timings) or 1
    for t, sql in sorted(timings, key=lambda x: -x[0])[:top]:
        text = " ".join(sql.split())[:64]
        print(f"    {name} {t:8.2f} s {100 * t / total:4.0f}%  {text}")


def compare(vetan_out, other_out, name):
    p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), vetan_out, other_out],
                       capture_output=True, text=True)
    print(f"  {name} vs vetan: {p.stdout.strip()} {p.stderr.strip()}")
    if p.returncode != 0:
        sys.exit(f"{name}'s output differs from vetan's")


def gen_sql(dialect, args, master, out, path):
    with open(path, "w", encoding="utf-8") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "monthly_sql.py"), "--dialect", dialect,
                        "--profile", args.profile, "--month", args.month, "--employees", master,
                        "--out", out], stdout=f, check=True)


def as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


def proc_cpu(pid):
    """utime + stime + cutime + cstime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / ticks


def run_postgres(args, master, work):
    base = tempfile.mkdtemp(prefix="vetan-pg-", dir=work)
    data, sock, out = (os.path.join(base, x) for x in ("data", "sock", "out"))
    for d in (data, sock, out):
        os.makedirs(d)
    if os.geteuid() == 0:
        uid = pwd.getpwnam("postgres").pw_uid
        for d in (base, data, sock, out):
            os.chown(d, uid, -1)
    subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                "-E", "UTF8", "--locale=C"]), check=True, capture_output=True)
    threads = max(1, args.threads)
    settings = {
        "listen_addresses": "''", "unix_socket_directories": sock, "port": "54329",
        "shared_buffers": "2GB", "work_mem": "1GB", "maintenance_work_mem": "1GB",
        "max_worker_processes": str(threads + 2), "max_parallel_workers": str(threads),
        "max_parallel_workers_per_gather": str(max(0, threads - 1)),
        "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
        "wal_level": "minimal", "max_wal_senders": "0", "max_wal_size": "8GB",
    }
    print("  postgres settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()
                                                if k not in ("unix_socket_directories",)))
    opts = " ".join(f"-c {k}={v}" for k, v in settings.items())
    subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-o", opts, "-l",
                                os.path.join(base, "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        with open(os.path.join(data, "postmaster.pid")) as f:
            postmaster = int(f.readline())
        script = os.path.join(base, "run.sql")
        gen_sql("postgres", args, master, out, script)
        os.chmod(base, 0o755)
        before = proc_cpu(postmaster)
        wall, cpu, rss, stdout, _ = timed(as_postgres(
            ["psql", "-h", sock, "-p", "54329", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script,
             "postgres"]))
        with open(script, encoding="utf-8") as f:
            statements = [x for x in f.read().replace("\\timing on\n", "").split(";\n") if x.strip()]
        times = [float(x) / 1000 for x in re.findall(r"^Time: ([\d.]+) ms", stdout, re.M)]
        breakdown("postgres", list(zip(times, statements)))
        time.sleep(0.5)  # the backend has exited and been reaped: its CPU is in cutime
        server_cpu = proc_cpu(postmaster) - before
    finally:
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-m", "fast", "stop"]),
                       capture_output=True)
    return wall, cpu + server_cpu, None, out, base


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--vetan", default=os.path.join(ROOT, "build", "vetan"))
    ap.add_argument("--work", default="/tmp/vetan-sql")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engines", default="vetan,duckdb,postgres")
    ap.add_argument("--master")
    ap.add_argument("--profile", default=os.path.join(ROOT, "profiles", "central-7cpc.json"))
    ap.add_argument("--month", default="2026-11")
    ap.add_argument("--keep", action="store_true", help="keep the engines' output folders")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    os.chmod(args.work, 0o755)
    master = args.master or os.path.join(args.work, f"master-{args.rows}.csv")
    if not args.master and not os.path.exists(master):
        subprocess.run([args.vetan, "generate", "--profile", args.profile, "--rows",
                        str(args.rows), "--month", args.month, "--faults", "0.02", "--out",
                        master], check=True, stdout=subprocess.DEVNULL)
    master = os.path.abspath(master)
    size = os.path.getsize(master)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"master {master}: {size / 1e6:.0f} MB; {args.threads} threads; "
          f"load average before: {load}; {os.cpu_count()} CPUs")
    engines = args.engines.split(",")
    results = {}
    vetan_out = os.path.join(args.work, "out-vetan")
    shutil.rmtree(vetan_out, ignore_errors=True)
    # vetan's files are the reference: it always runs (timed only when asked for).
    wall, cpu, rss, _, _ = timed([args.vetan, "run", "--profile", args.profile, "--employees",
                                  master, "--month", args.month, "--out", vetan_out,
                                  "--threads", str(args.threads)])
    if "vetan" in engines:
        results["vetan"] = (wall, cpu, rss)
    if "duckdb" in engines:
        out = os.path.join(args.work, "out-duckdb")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        script = os.path.join(args.work, "duckdb.sql")
        gen_sql("duckdb", args, master, out, script)
        wall, cpu, rss, _, err = timed(["node", os.path.join(HERE, "duckdb_run.js"), script,
                                        str(args.threads)],
                                       env=dict(os.environ, VETAN_SQL_VERBOSE="1"))
        breakdown("duckdb", [(float(m.group(1)), m.group(2)) for m in
                             re.finditer(r"^([\d.]+) s  (.*)$", err, re.M)])
        results["duckdb"] = (wall, cpu, rss)
        compare(vetan_out, out, "duckdb")
    if "postgres" in engines:
        wall, cpu, rss, out, base = run_postgres(args, master, args.work)
        results["postgres"] = (wall, cpu, rss)
        compare(vetan_out, out, "postgres")
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    ref = results.get("vetan")
    print(f"{'engine':<10} {'wall s':>9} {'CPU s':>9} {'peak RSS':>10} {'wall / vetan':>13} "
          f"{'CPU / vetan':>12}")
    for name, (wall, cpu, rss) in results.items():
        mem = f"{rss / 2**30:.2f} GiB" if rss else "server"
        rw = f"{wall / ref[0]:.1f}x" if ref else "-"
        rc = f"{cpu / ref[1]:.1f}x" if ref else "-"
        print(f"{name:<10} {wall:>9.2f} {cpu:>9.2f} {mem:>10} {rw:>13} {rc:>12}")
    print(f"load average after: {load}")


if __name__ == "__main__":
    main()
