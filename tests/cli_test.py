#!/usr/bin/env python3
"""formats.md "The command": exit codes, the one line on standard error, and that nothing is
written to the output folder when the run is refused.

usage: cli_test.py VETAN DATA_DIR CASE      (exit 0 when the case holds)
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(vetan, profile, employees, month, out):
    args = [vetan, "run", "--profile", profile, "--employees", employees, "--month", month,
            "--out", out]
    p = subprocess.run(args, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect_refused(vetan, tmp, profile, employees, month, must_name):
    """Exit 2, one stderr line holding every text of must_name, nothing written."""
    for kind in ("absent", "empty"):
        out = os.path.join(tmp, "out-" + kind)
        if kind == "empty":
            os.mkdir(out)
        before = sorted(os.listdir(tmp))
        code, _, err = run(vetan, profile, employees, month, out)
        check(code == 2, f"[{kind} out] exit code {code}, expected 2 (stderr: {err!r})")
        lines = err.splitlines()
        check(len(lines) == 1, f"[{kind} out] expected one line on stderr, got {lines!r}")
        for text in must_name:
            check(text in err, f"[{kind} out] stderr {err.strip()!r} does not name {text!r}")
        if kind == "absent":
            check(not os.path.exists(out), "the refused run created the output folder")
        else:
            check(os.listdir(out) == [], f"the refused run wrote {os.listdir(out)} into the output folder")
        check(sorted(os.listdir(tmp)) == before, "the refused run left files beside the output folder")
        print(f"ok [{kind} out]: exit {code}: {err.strip()}")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def main():
    vetan, data, case = sys.argv[1], sys.argv[2], sys.argv[3]
    profile = os.path.join(data, "mini-profile.json")
    employees = os.path.join(data, "employees.csv")
    tmp = tempfile.mkdtemp(prefix="vetan-cli-")
    try:
        if case == "good_run":
            out = os.path.join(tmp, "out")
            code, out_text, err = run(vetan, profile, employees, "2026-02", out)
            check(code == 0, f"exit code {code}, expected 0 (stderr: {err!r})")
            names = sorted(os.listdir(out)) if os.path.isdir(out) else []
            check(names == sorted(["payslips.csv", "bills.csv", "bill_heads.csv", "mismatches.csv",
                                   "stopped.csv", "summary.json", "gpf_schedule.csv",
                                   "nps_contributions.csv", "tds_schedule.csv",
                                   "department_totals.csv"]), f"output files: {names}")
            _, slips = read_csv(os.path.join(out, "payslips.csv"))
            by_id = {r["employee_id"]: r for r in slips}
            check(sorted(by_id) == ["E0001", "E0002"], f"payslips for {sorted(by_id)}")
            check(by_id.get("E0001", {}).get("net") == "83959", "E0001 net (HANDCHECK) is 83959")
            check(by_id.get("E0002", {}).get("net") == "87562", "E0002 net (GPF 5,000) is 87562")
            _, stopped = read_csv(os.path.join(out, "stopped.csv"))
            check([(r["line"], r["stop_reason"]) for r in stopped] == [("3", "Under inquiry")],
                  f"stopped: {stopped}")
            _, mism = read_csv(os.path.join(out, "mismatches.csv"))
            check([(r["line"], r["reasons"]) for r in mism] == [("4", "INVALID_PAN")], f"mismatches: {mism}")
            summary = json.load(open(os.path.join(out, "summary.json")))
            for k, v in {"month": "2026-02", "rows": 4, "paid": 2, "stopped": 1, "mismatched": 1,
                         "bills": 1, "gross": 188554, "net": 83959 + 87562}.items():
                check(summary.get(k) == v, f"summary {k}: {summary.get(k)!r}, expected {v!r}")
            # A second run into the same folder replaces the files.
            code, _, err = run(vetan, profile, employees, "2026-03", out)
            check(code == 0, f"second run exit code {code} ({err!r})")
            check(json.load(open(os.path.join(out, "summary.json"))).get("month") == "2026-03",
                  "the second run replaced summary.json")
        elif case == "malformed_month":
            for month in ("2026-13", "2026-2", "26-02", "2026/02", "2026-02-01"):
                expect_refused(vetan, tmp, profile, employees, month, [month])
                for d in ("out-absent", "out-empty"):
                    shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)
        elif case == "missing_profile":
            missing = os.path.join(tmp, "no-such-profile.json")
            expect_refused(vetan, tmp, missing, employees, "2026-02", [missing])
        elif case == "invalid_profile":
            bad = os.path.join(tmp, "bad-profile.json")
            text = open(profile, encoding="utf-8").read().replace('"retirement_age": 60,',
                                                                  '"retirement_age": 60, "bogus_key": 1,')
            open(bad, "w", encoding="utf-8").write(text)
            expect_refused(vetan, tmp, bad, employees, "2026-02", [bad, "bogus_key"])
        elif case == "missing_column":
            bad = os.path.join(tmp, "employees.csv")
            header, rows = read_csv(employees)
            with open(bad, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow([c for c in header if c != "pan"])
                for r in rows:
                    w.writerow([r[c] for c in header if c != "pan"])
            expect_refused(vetan, tmp, profile, bad, "2026-02", [bad, "pan"])
        elif case == "repeated_column":
            bad = os.path.join(tmp, "employees.csv")
            text = open(employees, encoding="utf-8").read().replace("employee_id,name,", "employee_id,name,name,", 1)
            open(bad, "w", encoding="utf-8").write(text)
            expect_refused(vetan, tmp, profile, bad, "2026-02", [bad, "'name'"])
        elif case == "nothing_in_force":
            expect_refused(vetan, tmp, profile, employees, "2015-06", [profile, "2015-06"])
        elif case == "no_tax_year":
            expect_refused(vetan, tmp, profile, employees, "2028-04", [profile, "2028-04"])
        elif case == "missing_employees":
            missing = os.path.join(tmp, "no-such-master.csv")
            expect_refused(vetan, tmp, profile, missing, "2026-02", [missing])
        elif case == "not_utf8":
            bad = os.path.join(tmp, "latin1.csv")
            open(bad, "wb").write(open(employees, "rb").read().replace("राजेश शर्मा".encode(), b"Ren\xe9"))
            expect_refused(vetan, tmp, profile, bad, "2026-02", [bad, "UTF-8"])
        elif case == "file_shapes":
            # docs/input.md "Files that are refused": what people bring instead of UTF-8 CSV,
            # each named for what it is, where, and what to do — by every command that reads
            # a master.
            text = open(employees, encoding="utf-8").read()
            shapes = {
                "utf16le.csv": (b"\xff\xfe" + text.encode("utf-16-le"),
                                ["the file is UTF-16 (little-endian)", "save it as UTF-8"]),
                "utf16be.csv": (text.encode("utf-16-be"),
                                ["UTF-16 (big-endian, without a byte-order mark)", "UTF-8"]),
                "cp1252.csv": (text.replace("राजेश शर्मा", "José").encode("cp1252"),
                               ["line 3, column 10 (field 'name')", "0xE9", "Windows-1252", "UTF-8"]),
                "semicolon.csv": (text.replace(",", ";").encode(),
                                  ["line 1, column 12", "separated by ';'", "comma"]),
                "tabs.csv": (text.replace(",", "\t").encode(), ["line 1", "separated by tabs"]),
                "upper.csv": (text.replace(text.split("\n")[0], text.split("\n")[0].upper(), 1).encode(),
                              ["'EMPLOYEE_ID'", "did you mean 'employee_id'?"]),
            }
            scen = os.path.join(tmp, "scenario.json")
            with open(scen, "w", encoding="utf-8") as f:
                json.dump({"schema": "vetan.scenario/1", "name": "s", "from": "2026-02", "to": "2026-02",
                           "group_by": [], "changes": []}, f)
            for file_name, (data_bytes, must_name) in shapes.items():
                bad = os.path.join(tmp, file_name)
                open(bad, "wb").write(data_bytes)
                expect_refused(vetan, tmp, profile, bad, "2026-02", [bad] + must_name)
                for d in ("out-absent", "out-empty"):
                    shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)
                for command in (["whatif", "--as-of", "2026-02", "--scenario", scen],
                                ["arrears", "--revised", profile, "--from", "2026-02", "--to", "2026-02"]):
                    out = os.path.join(tmp, "out-" + command[0])
                    p = subprocess.run([vetan, command[0], "--profile", profile, "--employees", bad,
                                        *command[1:], "--out", out], capture_output=True, timeout=300)
                    err = p.stderr.decode("utf-8", "replace")
                    check(p.returncode == 2 and len(err.splitlines()) == 1,
                          f"{command[0]} on {file_name}: exit {p.returncode}, stderr {err!r}")
                    for t in [bad] + must_name:
                        check(t in err, f"{command[0]} on {file_name}: {err.strip()!r} does not name {t!r}")
                    check(not os.path.exists(out), f"{command[0]} on {file_name} created its output folder")
        else:
            check(False, f"unknown case {case}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{case}: {'FAILED' if FAILURES else 'passed'}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
