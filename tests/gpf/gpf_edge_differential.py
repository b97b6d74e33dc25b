#!/usr/bin/env python3
"""Small ledgers full of edge cases through `oracle.py gpf` and `vetan gpf` (gpf.md §2-§5):
quoted and trimmed fields, a BOM, CR/LF/CRLF, records spanning lines, lines of empty fields,
Unicode-digit years, odd kinds and amounts, field-count errors, OPENINGs out of place, months
without a rate (exit 2). Exit codes, the refusal's line, every CSV byte for byte and
summary.json must agree.

usage: gpf_edge_differential.py VETAN KIT [SEEDS]   (exit 77, a skip, without the kit)
"""
import json, os, random, shutil, subprocess, sys, tempfile

vetan, kit = sys.argv[1], sys.argv[2]
seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 80
profile = os.path.join(kit, "cases-gpf", "01-year-and-final", "profile.json")
if not os.path.isfile(profile) or not os.path.isfile(os.path.join(kit, "oracle_gpf.py")):
    print(f"SKIP: the GPF conformance kit is absent ({kit})")
    sys.exit(77)

ACCOUNTS = ["A", "B", "C", '"A"', " B ", "A,1", "\u017f", "\u00c9", 'x"y', "", "D"]
MONTHS = ["2025-04", "2025-05", "2025-09", "2026-03", "2026-04", "2026-10", "2024-04", "2023-07",
          "\u0968\u0966\u0968\u096b-06", "2025-4", "2025-13", "", "2019-04"]
KINDS = ["OPENING", "SUBSCRIPTION", "refund", "Deposit", "ADVANCE", "WITHDRAWAL",
         "\u017fubscription", "BONUS", "", " withdrawal "]
AMOUNTS = ["100", "5000", "0", "20000", "300", "999999999999", "1000000000000", "-5", "1,000", "",
           "\uff10\uff11"]


def ledger(rnd):
    def field(v):
        quote = rnd.random() < 0.2 or any(c in v for c in ',"\n\r')
        return '"' + v.replace('"', '""') + '"' if quote else v

    def pick(common, rare, n):
        return rnd.choice(common[:n]) if rnd.random() < 0.85 else rnd.choice(rare)

    lines = []
    for _ in range(rnd.randint(1, 60)):
        r = rnd.random()
        if r < 0.03:
            lines.append("")
            continue
        if r < 0.05:
            lines.append(",,,,")
            continue
        f = [rnd.choice(ACCOUNTS), pick(MONTHS, MONTHS, 9), pick(KINDS, KINDS, 6),
             pick(AMOUNTS, AMOUNTS, 5), rnd.choice(["", "ref", "multi\nline", "a,b"])]
        if rnd.random() < 0.05:
            f = f[:3]
        elif rnd.random() < 0.03:
            f.append("extra")
        lines.append(",".join(field(x) for x in f))
    eol = rnd.choice(["\n", "\r\n", "\r"])
    bom = "\ufeff" if rnd.random() < 0.2 else ""
    end = eol if rnd.random() < 0.8 else ""
    return bom + "gpf_account,month,kind,amount,reference" + eol + eol.join(lines) + end


def cases(rnd):
    rows = ["case_id,gpf_account,payable_month,payment_month"]
    for i in range(rnd.randint(0, 8)):
        payable = rnd.choice(["2025-06", "2026-01", "2026-02", "2026-09", "2024-05", "2023-01"])
        payment = rnd.choice(["2025-06", "2025-12", "2026-03", "2026-08", "2027-01", "2024-04"])
        rows.append(f"C{i},{rnd.choice(['A', 'B', 'C', 'D', 'É', 'Z'])},{payable},{payment}")
    return "\n".join(rows) + "\n"


failures, refusals = [], 0
with tempfile.TemporaryDirectory() as tmp:
    for seed in range(seeds):
        rnd = random.Random(seed)
        led, cas = os.path.join(tmp, "l.csv"), os.path.join(tmp, "c.csv")
        with open(led, "w", newline="", encoding="utf-8") as f:
            f.write(ledger(rnd))
        with open(cas, "w", encoding="utf-8") as f:
            f.write(cases(rnd))
        fy = rnd.choice(["2025-26", "2024-25", "2026-27"])
        for cmd, args in (("statement", ["--fy", fy]), ("final", ["--cases", cas])):
            o, v = os.path.join(tmp, "o"), os.path.join(tmp, "v")
            for d in (o, v):
                shutil.rmtree(d, ignore_errors=True)
            a = subprocess.run(["python3", os.path.join(kit, "oracle.py"), "gpf", cmd, "--profile",
                                profile, "--ledger", led, *args, "--out", o],
                               capture_output=True, text=True)
            b = subprocess.run([vetan, "gpf", cmd, "--quiet", "--profile", profile, "--ledger", led,
                                *args, "--out", v], capture_output=True, text=True)
            where = f"seed {seed} {cmd}"
            if a.returncode != b.returncode:
                failures.append(f"{where}: exit {a.returncode} vs {b.returncode}: {b.stderr.strip()}")
                continue
            if a.returncode != 0:  # the same refusal, after each program's own prefix
                refusals += 1
                if a.stderr.split(": ", 1)[1] != b.stderr.split(": ", 1)[1] or os.path.exists(v):
                    failures.append(f"{where}: {a.stderr.strip()!r} vs {b.stderr.strip()!r}")
                continue
            for name in sorted(os.listdir(o)):
                mine = os.path.join(v, name)
                if name.endswith(".csv") and (not os.path.exists(mine) or
                                              open(os.path.join(o, name), "rb").read() != open(mine, "rb").read()):
                    failures.append(f"{where}: {name} differs")
            if json.load(open(os.path.join(o, "summary.json"))) != json.load(open(os.path.join(v, "summary.json"))):
                failures.append(f"{where}: summary.json differs")

for f in failures[:20]:
    print("FAIL", f)
print(f"gpf edge differential: {seeds} ledgers, {refusals} refusals compared, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
