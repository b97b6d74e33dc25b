#!/usr/bin/env python3
"""bench/sql (issue 13 item 4): the monthly run written as SQL gives vetan's files.

    sql_equality_test.py VETAN REPO_ROOT CONFORMANCE_DIR

1. A 2,000-row master from `vetan generate` (2% planted faults) through DuckDB and
   PostgreSQL 15 (bench/sql/run.py): payslips, bills, bill heads, mismatches and stopped rows
   equal to `vetan run`'s.
2. The worked conformance cases (cases/ and cases-pending/) through DuckDB: equal to the
   cases' expected files (hostile CSV included: BOM, CRLF, quoted line breaks, blank lines).
Exit 77 (skipped) when DuckDB (`npm ci --prefix bench/sql`) or PostgreSQL 15 is missing;
.ci/setup-debian.sh installs both.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    vetan, root, conformance = sys.argv[1:4]
    sql = os.path.join(root, "bench", "sql")
    if not os.path.isdir(os.path.join(sql, "node_modules", "@duckdb", "node-api")):
        print("skipped: DuckDB is not installed (npm ci --prefix bench/sql)")
        return 77
    if not os.path.exists("/usr/lib/postgresql/15/bin/initdb") or shutil.which("node") is None:
        print("skipped: PostgreSQL 15 or node is not installed")
        return 77
    failures = 0
    with tempfile.TemporaryDirectory(prefix="vetan-sql-test-") as work:
        p = subprocess.run([sys.executable, os.path.join(sql, "run.py"), "--rows", "2000",
                            "--vetan", vetan, "--work", work, "--engines", "duckdb,postgres"],
                           capture_output=True, text=True)
        print(p.stdout + p.stderr)
        if p.returncode != 0 or p.stdout.count("equal: payslips.csv") != 2:
            print("FAIL: 2,000 rows: DuckDB or PostgreSQL differs from vetan")
            failures += 1
        for group in ("cases", "cases-pending"):
            base = os.path.join(conformance, group)
            if not os.path.isdir(base):
                continue
            for case in sorted(os.listdir(base)):
                d = os.path.join(base, case)
                if not os.path.exists(os.path.join(d, "employees.csv")):
                    continue
                with open(os.path.join(d, "month")) as f:
                    month = f.read().strip()
                out = os.path.join(work, group + "-" + case)
                os.makedirs(out)
                script = out + ".sql"
                with open(script, "w") as f:
                    subprocess.run([sys.executable, os.path.join(sql, "monthly_sql.py"),
                                    "--dialect", "duckdb", "--serial-csv", "--profile",
                                    os.path.join(d, "profile.json"), "--month", month,
                                    "--employees", os.path.abspath(os.path.join(d, "employees.csv")),
                                    "--out", out], stdout=f, check=True)
                run = subprocess.run(["node", os.path.join(sql, "duckdb_run.js"), script, "2"],
                                     capture_output=True, text=True)
                cmp = subprocess.run([sys.executable, os.path.join(sql, "compare.py"),
                                      os.path.join(d, "expected"), out],
                                     capture_output=True, text=True)
                ok = run.returncode == 0 and cmp.returncode == 0
                print(f"{'ok' if ok else 'FAIL'}: {group}/{case}: {run.stderr.strip()} "
                      f"{cmp.stdout.strip()} {cmp.stderr.strip()[-300:]}")
                failures += 0 if ok else 1
    print("passed" if failures == 0 else f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
