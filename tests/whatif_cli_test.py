#!/usr/bin/env python3
"""whatif.md: `vetan whatif` and `vetan arrears` refuse bad input the way `vetan run` does
(exit 2, one line on stderr naming the key, nothing written) and write their files when the
input is good.

usage: whatif_cli_test.py VETAN DATA_DIR      (exit 0 when every case holds)
"""
import csv
import json
import os
import sys
import tempfile

from cli_support import check, finish, vetan


def scenario(tmp, file_name, **fields):
    s = {"schema": "vetan.scenario/1", "name": "s", "from": "2026-03", "to": "2026-04",
         "group_by": ["department"], "changes": []}
    s.update(fields)
    path = os.path.join(tmp, file_name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(s, f)
    return path


def main():
    binary, data = sys.argv[1], sys.argv[2]
    profile = os.path.join(data, "mini-profile.json")
    employees = os.path.join(data, "employees.csv")
    with tempfile.TemporaryDirectory() as tmp:
        def refused(label, args, must_name):
            out = os.path.join(tmp, "out-" + label)
            code, _, err = vetan(binary, *args, "--out", out)
            check(code == 2, f"{label}: exit {code}, expected 2 (stderr {err!r})")
            check(len(err.splitlines()) == 1, f"{label}: expected one line on stderr, got {err!r}")
            check(must_name in err, f"{label}: stderr {err.strip()!r} does not name {must_name!r}")
            check(not os.path.exists(out), f"{label}: the refused command created its output folder")
            print(f"ok {label}: {err.strip()}")

        whatif = ["whatif", "--profile", profile, "--employees", employees, "--as-of", "2026-03"]
        refused("unknown_change", whatif + ["--scenario", scenario(tmp, "a", changes=[{"bonus": 1}])],
                "changes[0]: unknown change 'bonus'")
        refused("fitment_places", whatif + ["--scenario", scenario(tmp, "b", changes=[
            {"pay_matrix_revision": {"from": "2026-04", "fitment_factor": 2.12345, "round_to": 100}}])],
            "fitment_factor must be positive with at most 4 decimal places")
        refused("invalid_result", whatif + ["--scenario", scenario(tmp, "c", changes=[{"nps": {"employee_percent": 10}}])],
                "missing key 'nps.employer_percent'")
        refused("from_before_as_of", whatif + ["--scenario", scenario(tmp, "d", **{"from": "2026-01"})],
                "need as-of (2026-03) <= from <= to")
        refused("group_by", whatif + ["--scenario", scenario(tmp, "e", group_by=["grade"])], "group_by")
        refused("missing_scenario_flag", whatif, "missing flag '--scenario'")
        refused("missing_scenario_file", whatif + ["--scenario", os.path.join(tmp, "absent.json")],
                "absent.json: cannot read")
        with open(os.path.join(tmp, "bad.json"), "w") as f:
            f.write("{not json")
        refused("not_json", whatif + ["--scenario", os.path.join(tmp, "bad.json")], "not valid JSON")
        refused("as_of", ["whatif", "--profile", profile, "--employees", employees, "--as-of", "2026-3",
                          "--scenario", scenario(tmp, "f")], "--as-of '2026-3' is not YYYY-MM")

        arrears = ["arrears", "--profile", profile, "--employees", employees]
        with open(profile, encoding="utf-8") as f:
            p = json.load(f)
        p["allowances"] = p["allowances"][:1]
        fewer = os.path.join(tmp, "fewer-allowances.json")
        with open(fewer, "w", encoding="utf-8") as f:
            json.dump(p, f)
        refused("arrears_allowances", arrears + ["--revised", fewer, "--from", "2026-03", "--to", "2026-04"],
                "the two profiles must have the same allowances")
        refused("arrears_period", arrears + ["--revised", profile, "--from", "2026-05", "--to", "2026-04"],
                "--from and --to must be months YYYY-MM with from <= to")

        # Good input: two scenarios in one run, each in its folder, and an index of totals.
        out = os.path.join(tmp, "two")
        raise_da = scenario(tmp, "raise", name="DA 64", changes=[{"da": {"from": "2026-04", "percent": 64}}])
        same = scenario(tmp, "same", name="unchanged", group_by=[])
        code, stdout, err = vetan(binary, *whatif, "--scenario", raise_da, "--scenario", same, "--out", out)
        check(code == 0, f"two scenarios: exit {code} ({err!r})")
        with open(os.path.join(out, "scenarios.csv"), newline="", encoding="utf-8") as f:
            index = list(csv.DictReader(f))
        check([r["name"] for r in index] == ["DA 64", "unchanged"], f"scenarios.csv names {index!r}")
        check(int(index[0]["delta_cost"]) > 0 and int(index[1]["delta_cost"]) == 0,
              f"delta_cost {[r['delta_cost'] for r in index]}")
        for i, r in enumerate(index, 1):
            with open(os.path.join(out, f"scenario-0{i}", "summary.json"), encoding="utf-8") as f:
                summary = json.load(f)
            check(summary["name"] == r["name"] and summary["delta_cost"] == int(r["delta_cost"]),
                  f"scenario-0{i}/summary.json disagrees with scenarios.csv")
        check("DA 64" in stdout, f"the summary line does not name the scenario: {stdout!r}")
        # fates.csv (docs/outputs.md): per month, each fate's rows in both runs; the PAID rows
        # are cost.csv's employees, and every row of the master has one fate in each run.
        with open(employees, encoding="utf-8") as f:
            master_rows = len(list(csv.reader(f))) - 1
        for i in (1, 2):
            folder = os.path.join(out, f"scenario-0{i}")
            with open(os.path.join(folder, "fates.csv"), newline="", encoding="utf-8") as f:
                fates = list(csv.DictReader(f))
            with open(os.path.join(folder, "cost.csv"), newline="", encoding="utf-8") as f:
                cost = list(csv.DictReader(f))
            months = sorted({r["month"] for r in fates})
            check(months == ["2026-03", "2026-04"], f"fates.csv months {months}")
            for m in months:
                by = {(r["fate"], r["reason"]): r for r in fates if r["month"] == m}
                for side in ("baseline", "scenario"):
                    total = sum(int(by[(k, "")][side + "_rows"]) for k in ("PAID", "STOPPED", "MISMATCH"))
                    check(total == master_rows, f"fates.csv {m} {side}: {total} rows, master has {master_rows}")
                    paid = sum(int(r[side + "_employees"]) for r in cost if r["month"] == m)
                    check(int(by[("PAID", "")][side + "_rows"]) == paid, f"fates.csv {m} {side} PAID vs cost.csv")
                    reasons = {k[1]: int(r[side + "_rows"]) for k, r in by.items() if k[1]}
                    check(reasons.get("INVALID_PAN") == 1, f"fates.csv {m} {side} reasons {reasons}")
                for r in by.values():
                    check(int(r["change"]) == int(r["scenario_rows"]) - int(r["baseline_rows"]),
                          f"fates.csv change {r}")
        check("not costed in 2026-04" in stdout, f"the summary does not say who is not costed: {stdout!r}")
        code, stdout, _ = vetan(binary, "whatif", "--help")
        check(code == 0 and "--scenario" in stdout, "whatif --help")
        code, stdout, _ = vetan(binary, "arrears", "--help")
        check(code == 0 and "--revised" in stdout, "arrears --help")
    return finish("all cases hold")


if __name__ == "__main__":
    sys.exit(main())
