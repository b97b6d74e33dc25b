#!/usr/bin/env python3
"""docs/profile.md "Checking a profile": `vetan profile show` prints what is in force for a
month (rules §1 "in force": the entry with the greatest from <= the month), `vetan profile
check` validates (exit 0) or refuses with one line naming the file and the key (exit 2).
The expected figures are read from the profile files themselves, not written here.

usage: profile_cli_test.py VETAN SOURCE_DIR      (exit 0 when every case holds)
"""
import glob
import json
import os
import sys
import tempfile

from cli_support import check, finish, vetan


def in_force(entries, month):
    best = None
    for e in entries:
        if e["from"] <= month:
            best = e
    return best


def pct(x):
    """A profile percentage as vetan prints it: 58 -> 58%, 7.1 -> 7.1%."""
    text = ("%.2f" % x).rstrip("0").rstrip(".")
    return text + "%"


def rupees(n):
    """Indian digit grouping, as the console shows amounts."""
    s = str(n)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups + [tail])


def refused(binary, args, must_name, label):
    code, out, err = vetan(binary, *args)
    check(code == 2, f"{label}: exit {code}, expected 2 (stderr {err!r})")
    check(len(err.splitlines()) == 1, f"{label}: expected one line on stderr, got {err!r}")
    for text in must_name:
        check(text in err, f"{label}: stderr {err.strip()!r} does not name {text!r}")
    check(out == "", f"{label}: a refusal printed {out!r} on stdout")
    print(f"ok {label}: {err.strip()}")


def main():
    binary, source = sys.argv[1], sys.argv[2]
    # The shipped profiles, the documentation's example, and the conformance cases of the
    # rules of 2026-12-02 (allowance floors, when_exempt_from, by_basic, GPF keys).
    profiles = sorted(glob.glob(os.path.join(source, "profiles", "*.json")) +
                      glob.glob(os.path.join(source, "docs", "examples", "*profile*.json")) +
                      glob.glob(os.path.join(source, "tests", "conformance-kit", "cases-pending", "*",
                                             "profile.json")))
    check(len(profiles) >= 2, f"profiles found: {profiles}")
    for path in profiles:
        code, out, err = vetan(binary, "profile", "check", path)
        check(code == 0, f"check {path}: exit {code} ({err!r})")
        p = json.load(open(path, encoding="utf-8"))
        check(f"valid profile '{p['name']}'" in out, f"check {path}: {out!r}")
        for month in ("2026-04", "2026-11", "2027-03"):
            if in_force(p["pay_matrix"], month) is None or not any(
                    t["from"] == (month[:4] if month[5:] >= "04" else str(int(month[:4]) - 1)) + "-04"
                    for t in p["income_tax"]):
                continue
            code, out, err = vetan(binary, "profile", "show", "--profile", path, "--month", month)
            check(code == 0, f"show {path} {month}: exit {code} ({err!r})")
            m = in_force(p["pay_matrix"], month)
            da = in_force(p["da"], month)
            check(f"version from {m['from']}" in out, f"show {path} {month}: matrix version {m['from']}")
            check(f"{len(m['levels'])} levels" in out, f"show {path} {month}: level count")
            for level, cells in m["levels"].items():
                line = [l for l in out.splitlines() if l.split()[:1] == [level]]
                check(line and f"₹{rupees(cells[0])} .. ₹{rupees(cells[-1])}" in line[0],
                      f"show {path} {month}: level {level} line {line}")
            check(f"DA           {pct(da['percent'])} of basic + NPA (rate from {da['from']})" in out,
                  f"show {path} {month}: DA {da}")
            tier = [t for t in p["hra"]["tiers"] if t["da_at_least"] <= da["percent"]][-1]
            check(f"tier of DA >= {pct(tier['da_at_least'])}: X {pct(tier['percent']['X'])}, "
                  f"Y {pct(tier['percent']['Y'])}, Z {pct(tier['percent']['Z'])}" in out,
                  f"show {path} {month}: HRA tier {tier}")
            for a in p["allowances"]:
                check(f"\n  {a['code']}" in out, f"show {path} {month}: allowance {a['code']}")
            flat = " ".join(out.split())  # wrapped lines joined
            for a in p["allowances"]:
                for b in a["bands"]:
                    if b.get("min_basic"):
                        check(f"from a basic of ₹{rupees(b['min_basic'])}:" in flat,
                              f"show {path} {month}: {a['code']} band from {b['min_basic']}")
                if a.get("when_exempt_from"):
                    check(f"{a['code']} (only to rows whose exempt_deductions holds "
                          f"{a['when_exempt_from']})" in flat, f"show {path} {month}: {a['code']} exempt")
            for d in p["deductions"]:
                kind = ("by level" if "by_level" in d else "by paid gross" if "by_gross" in d
                        else "by full-month matrix basic")
                check(f"\n  {d['code']} {kind}: " in out, f"show {path} {month}: deduction {d['code']}")
                for band in d.get("by_gross", d.get("by_basic", [])):
                    text = (f"up to ₹{rupees(band['up_to'])}: ₹{rupees(band['amount'])}"
                            if band["up_to"] is not None else f"above: ₹{rupees(band['amount'])}")
                    check(text in flat, f"show {path} {month}: {d['code']} band {band}")
            gpf = p.get("gpf", {})
            if gpf.get("no_subscription_last_months"):
                check(f"nor in the last {gpf['no_subscription_last_months']} months of service" in flat,
                      f"show {path} {month}: GPF last months")
            rate = in_force(gpf.get("interest", []), month)
            if rate:
                check(f"interest {pct(rate['percent'])} a year (rate from {rate['from']})" in flat,
                      f"show {path} {month}: GPF interest {rate}")
            for band in gpf.get("minimum_by_basic", []):
                text = (f"up to ₹{rupees(band['up_to'])}: ₹{rupees(band['amount'])}"
                        if band["up_to"] is not None else f"above: ₹{rupees(band['amount'])}")
                check(text in flat, f"show {path} {month}: GPF minimum band {band}")
            check(f"employee {pct(p['nps']['employee_percent'])}, employer "
                  f"{pct(p['nps']['employer_percent'])}" in out, f"show {path} {month}: NPS")
            fy = int(month[:4]) - (1 if month[5:] < "04" else 0)
            tax = [t for t in p["income_tax"] if t["from"] == f"{fy}-04"][0]
            check(f"FY {fy}-{(fy + 1) % 100:02d} (entry from {fy}-04)" in out, f"show {path} {month}: FY")
            check(f"standard deduction ₹{rupees(tax['standard_deduction'])}" in out,
                  f"show {path} {month}: standard deduction")
            k = (int(month[5:]) - 4) % 12 + 1
            check(f"month {k} of the year: R = min({13 - k}," in out, f"show {path} {month}: R")
            check(f"cess {pct(tax['cess_percent'])}" in out, f"show {path} {month}: cess")
            if "gpf" in p and "minimum_percent_of_basic" in p["gpf"]:
                check(f"minimum subscription {pct(p['gpf']['minimum_percent_of_basic'])} of" in out,
                      f"show {path} {month}: GPF minimum")

    # The DA in force changes with the month: the same profile shows each month's rate.
    central = os.path.join(source, "profiles", "central-7cpc.json")
    p = json.load(open(central, encoding="utf-8"))
    if len(p["da"]) >= 2:
        last, before = p["da"][-1], p["da"][-2]
        y, mo = map(int, last["from"].split("-"))
        previous = f"{y - (mo == 1)}-{(mo - 2) % 12 + 1:02d}"
        for month, rate in ((last["from"], last), (previous, before)):
            code, out, _ = vetan(binary, "profile", "show", "--profile", central, "--month", month)
            if code == 0:
                check(f"DA           {pct(rate['percent'])} of basic + NPA (rate from {rate['from']})" in out,
                      f"central {month}: DA in force is {rate}")

    with tempfile.TemporaryDirectory() as tmp:
        mini = os.path.join(source, "tests", "data", "mini-profile.json")
        base = json.load(open(mini, encoding="utf-8"))

        def variant(name, change):
            p = json.loads(json.dumps(base))
            change(p)
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(p, f)
            return path

        bad = variant("typo", lambda p: p["hra"].update({"minimun": 1}))
        refused(binary, ["profile", "check", bad], [bad, "hra.minimun"], "unknown key")
        refused(binary, ["profile", "check", "--profile", bad], [bad, "hra.minimun"], "unknown key (--profile)")
        refused(binary, ["profile", "show", "--profile", bad, "--month", "2026-02"], [bad, "hra.minimun"],
                "show an invalid profile")
        bad = variant("percent", lambda p: p["da"][0].update({"percent": "58"}))
        refused(binary, ["profile", "check", bad], [bad, "da[0].percent"], "a percentage as text")
        bad = variant("unsorted", lambda p: p["da"].append({"from": "2000-01", "percent": 1}))
        refused(binary, ["profile", "check", bad], [bad, "da"], "unsorted dated list")
        bad = variant("nps", lambda p: p["nps"].pop("employer_percent"))
        refused(binary, ["profile", "check", bad], [bad, "nps.employer_percent"], "missing key")
        missing = os.path.join(tmp, "absent.json")
        refused(binary, ["profile", "check", missing], [missing, "cannot read"], "missing file")
        refused(binary, ["profile", "check", mini, "--month", "2015-06"], [mini, "2015-06"],
                "nothing in force for --month")
        refused(binary, ["profile", "show", "--profile", mini, "--month", "2015-06"], [mini, "2015-06"],
                "show: nothing in force")
        refused(binary, ["profile", "show", "--profile", mini], ["--month"], "show without --month")
        refused(binary, ["profile", "show", "--profile", mini, "--month", "2026-2"], ["2026-2"],
                "malformed month")
        refused(binary, ["profile"], ["show", "check"], "no subcommand")
        refused(binary, ["profile", "list"], ["list"], "unknown subcommand")
        code, out, _ = vetan(binary, "profile", "check", mini, "--month", "2026-02")
        check(code == 0, "check with a month in force")
        code, out, _ = vetan(binary, "profile", "--help")
        check(code == 0 and "profile show" in out and "docs/" in out, "profile --help")
        code, out, _ = vetan(binary, "--help")
        check(code == 0 and "profile" in out, "vetan --help lists profile")
    return finish("all cases hold")


if __name__ == "__main__":
    sys.exit(main())
