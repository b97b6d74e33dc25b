#!/usr/bin/env python3
"""Compares a SQL run's files with vetan run's (issue 13): equal row for row.

    compare.py VETAN_DIR SQL_DIR

payslips.csv, bills.csv and bill_heads.csv: every column of formats.md (vetan writes extra
columns after them, which are left out), rows compared in file order (both are sorted as
formats.md says). mismatches.csv: line, employee_id, ddo_code and reasons (`detail` is free
text). stopped.csv: line, employee_id, ddo_code, stop_reason. Exit 1 on the first difference
of each file, naming the row and the column.
"""
import csv
import sys

KEYS = {"mismatches.csv": ["line", "employee_id", "ddo_code", "reasons"],
        "stopped.csv": ["line", "employee_id", "ddo_code", "stop_reason"]}
FILES = ["payslips.csv", "bills.csv", "bill_heads.csv", "mismatches.csv", "stopped.csv"]


def rows(path, columns):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        if columns is None:
            columns = header
        idx = [header.index(c) for c in columns]
        return columns, [[row[i] for i in idx] for row in r]


def main():
    vetan_dir, sql_dir = sys.argv[1:3]
    bad = 0
    total = 0
    for name in FILES:
        sql_cols, sql_rows = rows(f"{sql_dir}/{name}", KEYS.get(name))
        _, vetan_rows = rows(f"{vetan_dir}/{name}", sql_cols)
        total += len(vetan_rows)
        if sql_rows == vetan_rows:
            continue
        bad += 1
        if len(sql_rows) != len(vetan_rows):
            print(f"{name}: {len(sql_rows)} rows from SQL, {len(vetan_rows)} from vetan")
        for i, (a, b) in enumerate(zip(sql_rows, vetan_rows)):
            if a != b:
                diffs = [f"{c}: sql {x!r} vetan {y!r}" for c, x, y in zip(sql_cols, a, b) if x != y]
                print(f"{name} row {i + 1}: " + "; ".join(diffs[:6]))
                break
    if bad:
        sys.exit(1)
    print(f"equal: {', '.join(FILES)} ({total} rows)")


if __name__ == "__main__":
    main()
