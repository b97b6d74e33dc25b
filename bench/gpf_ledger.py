#!/usr/bin/env python3
"""A GPF ledger for timing `vetan gpf statement` (issue 10 targets), the shape bench_gpf.cc
makes in memory: every account an OPENING in 2025-04 and twelve SUBSCRIPTIONs of FY
2025-26, one in twenty an ADVANCE in June and six REFUNDs; lines shuffled.

usage: gpf_ledger.py --accounts 1000000 --out ledger.csv [--seed 17]
Time it with the conformance kit's profile (gpf.interest 7.1 / 7.25):
  vetan gpf statement --profile tests/conformance-kit/cases-gpf/01-year-and-final/profile.json \\
      --ledger ledger.csv --fy 2025-26 --out /tmp/gpf-out
"""
import argparse, random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    months = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]
    lines = []
    for n in range(a.accounts):
        acc = f"GPF/{rnd.choice(['EDU', 'PWD', 'HLT', 'REV'])}/{100000 + n}"
        sub = 1000 * rnd.randint(1, 12)
        lines.append(f"{acc},2025-04,OPENING,{5000 * rnd.randint(0, 39)},annual statement 2024-25")
        advance = rnd.random() < 0.05
        for i, m in enumerate(months):
            lines.append(f"{acc},{m},SUBSCRIPTION,{sub},bill {m}/T1/D{n % 97}")
            if advance and i == 2:
                lines.append(f"{acc},{m},ADVANCE,6000,sanction")
            if advance and 2 < i < 9:
                lines.append(f"{acc},{m},REFUND,1000,")
    rnd.shuffle(lines)
    with open(a.out, "w") as f:
        f.write("gpf_account,month,kind,amount,reference\n")
        f.write("\n".join(lines))
        f.write("\n")


if __name__ == "__main__":
    main()
