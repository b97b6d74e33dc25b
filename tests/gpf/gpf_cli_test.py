#!/usr/bin/env python3
"""vetan gpf's command line (gpf.md §4-§5): exit 2 with one line on stderr and nothing
written for an unusable file, profile, --fy or cases file; help; a good run's files.

usage: gpf_cli_test.py VETAN KIT   (exit 77, a skip, when the kit's GPF case is absent)
"""
import json, os, subprocess, sys, tempfile

vetan, kit = sys.argv[1], sys.argv[2]
case = os.path.join(kit, "cases-gpf", "01-year-and-final")
if not os.path.isfile(os.path.join(case, "profile.json")):
    print(f"SKIP: the GPF conformance case is absent ({case})")
    sys.exit(77)
failures = []


def run(*args):
    p = subprocess.run([vetan, "gpf", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def refused(name, args, out, expect):
    code, _, err = run(*args)
    lines = err.strip().splitlines()
    if code != 2 or len(lines) != 1 or expect not in lines[0] or os.path.exists(out):
        failures.append(f"{name}: exit {code}, stderr {err!r}, out exists {os.path.exists(out)}")


with tempfile.TemporaryDirectory() as tmp:
    def path(name, text=None):
        p = os.path.join(tmp, name)
        if text is not None:
            with open(p, "wb") as f:
                f.write(text if isinstance(text, bytes) else text.encode())
        return p

    profile = os.path.join(case, "profile.json")
    ledger = os.path.join(case, "ledger.csv")
    cases = os.path.join(case, "cases.csv")
    out = path("out")
    with open(profile) as f:
        prof = json.load(f)
    del prof["gpf"]["interest"]
    no_interest = path("no-interest.json", json.dumps(prof))
    prof["gpf"]["interest"] = [{"from": "2025-04", "percent": 7.123}]
    three_decimals = path("three-decimals.json", json.dumps(prof))
    header = "case_id,gpf_account,payable_month,payment_month\n"
    st = ["statement", "--profile", profile, "--ledger", ledger, "--fy", "2025-26", "--out", out]
    fi = ["final", "--profile", profile, "--ledger", ledger, "--cases", cases, "--out", out]

    code, _, err = run()
    if code != 2 or "usage" not in err:
        failures.append(f"no subcommand: exit {code}")
    for sub in ("statement", "final"):
        code, text, _ = run(sub, "--help")
        if code != 0 or "vetan gpf statement" not in text or "--ledger" not in text:
            failures.append(f"{sub} --help: exit {code}")
    refused("unknown subcommand", ["balance"], out, "unknown subcommand")
    refused("unknown flag", st + ["--month", "2025-04"], out, "unknown flag")
    refused("missing flag", st[:-2], out, "--out")
    refused("missing ledger", ["statement", "--profile", profile, "--ledger", path("none.csv"),
                               "--fy", "2025-26", "--out", out], out, "none.csv: cannot read")
    refused("no gpf.interest", ["statement", "--profile", no_interest, "--ledger", ledger, "--fy",
                                "2025-26", "--out", out], out, "gpf.interest is required")
    refused("three decimals", ["statement", "--profile", three_decimals, "--ledger", ledger, "--fy",
                               "2025-26", "--out", out], out, "three-decimals.json")
    refused("bad --fy", st[:6] + ["2025-27", "--out", out], out, "--fy '2025-27'")
    refused("no rate for --fy", st[:6] + ["2019-20", "--out", out], out,
            "no gpf.interest rate in force for 2019-04")
    refused("header lacks amount", ["statement", "--profile", profile, "--ledger",
                                    path("l.csv", "gpf_account,month,kind\nA,2025-04,OPENING\n"),
                                    "--fy", "2025-26", "--out", out], out,
            "lacks required column 'amount'")
    refused("ledger not UTF-8", ["statement", "--profile", profile, "--ledger",
                                 path("bin.csv", b"gpf_account,month,kind,amount\n\xff"),
                                 "--fy", "2025-26", "--out", out], out, "not UTF-8")
    refused("repeated case_id", fi[:6] + [path("c1.csv", header + "C1,A1,2026-01,2026-02\nC1,A1,2026-01,2026-02\n"),
                                          "--out", out], out, "line 2: case_id 'C1' is empty or repeated")
    refused("bad payment month", fi[:6] + [path("c2.csv", header + "C1,A1,2026-01,2026-2\n"), "--out", out],
            out, "payment_month '2026-2' is not YYYY-MM")
    refused("cases field count", fi[:6] + [path("c3.csv", header + "C1,A1,2026-01\n"), "--out", out],
            out, "line 1 has 3 fields, header has 4")

    code, text, err = run(*st)
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    if code != 0 or names != ["monthly.csv", "problems.csv", "refused.csv", "statements.csv",
                              "summary.json"] or "accounts" not in text or err:
        failures.append(f"statement: exit {code}, files {names}, stdout {text!r}, stderr {err!r}")
    else:
        summary = json.load(open(os.path.join(out, "summary.json")))
        if summary.get("fy") != "2025-26" or summary.get("accounts") != 2 or summary.get("interest") != 8757 + 284:
            failures.append(f"statement summary: {summary}")
    code, text, _ = run(*(fi[:-1] + [path("out-final")]), "--quiet")
    names = sorted(os.listdir(path("out-final"))) if os.path.isdir(path("out-final")) else []
    if code != 0 or names != ["final_payments.csv", "refused.csv", "summary.json"] or text:
        failures.append(f"final --quiet: exit {code}, files {names}, stdout {text!r}")

for f in failures:
    print("FAIL", f)
print(f"gpf cli: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
