#!/usr/bin/env python3
"""The monthly run (docs/rules.md §2-§7) written as SQL, for DuckDB and PostgreSQL (issue 13).

    monthly_sql.py --dialect duckdb|postgres --profile P.json --month YYYY-MM
                   --employees MASTER.csv --out DIR  > run.sql

Prints one SQL script that reads the master, decides every row's fate with its reasons,
computes the pay (earnings, deductions, income tax) and writes payslips.csv, bills.csv,
bill_heads.csv, mismatches.csv and stopped.csv into DIR. The profile's numbers become SQL
literals and small VALUES tables (the pay matrix and the per-level tables), as `vetan run`
reads them from the profile: nothing about a state is in the SQL text itself. All money is
integer arithmetic: `rnd(a * p%)` is `(2*a*bp + 10000) div 20000` with `p` in hundredths of
a percent (docs/rules.md §1), the tax is kept exact in 128-bit integers (DuckDB HUGEINT) or
NUMERIC (PostgreSQL) until its roundings.

Not rendered (the generator never writes them; the script refuses a master that needs them):
the old tax regime (`tax_regime`, `chapter_via_deductions`, rules §6.1). Simplified reading
(the format, not the rules): dates in ASCII digits only (vetan also takes other Unicode
digits), and in PostgreSQL a quoted field may not hold a line break (COPY reads the master
line by line and the fields are split in SQL). The `detail` column of mismatches.csv is free
text and is left empty.
"""
import argparse
import calendar
import csv
import json
import sys
from fractions import Fraction

# Every column of the master that the run reads (docs/input.md), with its kind.
COLUMNS = [
    ("employee_id", "req"), ("name", "req"), ("date_of_birth", "date"),
    ("date_of_joining", "date"), ("date_of_retirement", "optdate"), ("status", "status"),
    ("treasury_code", "req"), ("ddo_code", "req"), ("bill_group", "req"),
    ("department", "text"), ("budget_head", "text"), ("fund_type", "fund"),
    ("pay_level", "req"), ("pay_cell", "cell"), ("basic_pay", "int"),
    ("pension_scheme", "scheme"), ("gpf_account", "text"), ("gpf_subscription", "optint"),
    ("pran", "text"), ("hra_class", "class"), ("govt_quarters", "bool"),
    ("npa_eligible", "bool"), ("special_pay", "optint"), ("lwp_days", "lwp"),
    ("loan_installment", "optint"), ("loan_balance", "optint"),
    ("income_tax_declared", "optint"), ("fy_gross_to_date", "optint"),
    ("fy_tds_to_date", "optint"), ("stop_payment", "bool"), ("stop_reason", "text"),
    ("allowance_class", "optclass"), ("gpf_basis_pay", "optint_none"),
    ("exempt_deductions", "codes"), ("bank_account", "text"), ("ifsc", "text"), ("pan", "text"),
    ("increment_month", "increment"),
]
REQUIRED_HEADER = {"employee_id", "name", "date_of_birth", "date_of_joining", "status",
                   "treasury_code", "ddo_code", "bill_group", "pay_level", "pay_cell",
                   "basic_pay", "pension_scheme", "hra_class", "bank_account", "ifsc", "pan"}
UPPER = {"status", "fund_type", "pension_scheme", "hra_class", "allowance_class", "ifsc", "pan",
         "exempt_deductions", "govt_quarters", "npa_eligible", "stop_payment"}
# Python's str.strip() set, as vetan's trim (loaders/csv/text.h).
SPACES = (" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(
    chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000")
REASONS = ["INVALID_RECORD", "DUPLICATE_EMPLOYEE_ID", "STATUS_NOT_PAYABLE",
           "RETIRED_BEFORE_MONTH", "NOT_JOINED_YET", "UNKNOWN_PAY_LEVEL", "INVALID_PAY_CELL",
           "BASIC_PAY_MISMATCH", "INVALID_PAN", "INVALID_BANK_ACCOUNT", "INVALID_IFSC",
           "DUPLICATE_BANK_ACCOUNT", "GPF_ACCOUNT_MISSING", "PRAN_MISSING", "ZERO_PAYABLE_DAYS",
           "GPF_BELOW_MINIMUM", "GPF_ABOVE_MAXIMUM", "NEGATIVE_NET"]
EXTRA = 8  # DuckDB: columns past the header's, to see rows with too many fields


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


def bp(percent):
    """A percentage in hundredths of a percent (profiles hold at most two decimals)."""
    v = Fraction(str(percent)) * 100
    if v.denominator != 1:
        sys.exit(f"percentage {percent} has more than two decimals")
    return int(v)


def in_force(entries, month):
    best = None
    for e in entries:
        if e["from"] <= month and (best is None or e["from"] > best["from"]):
            best = e
    if best is None:
        sys.exit(f"profile: nothing in force for {month}")
    return best


class Dialect:
    def __init__(self, name):
        self.name = name
        self.duck = name == "duckdb"

    def div(self, a, b):  # integer division of non-negative integers
        return f"(({a}) // ({b}))" if self.duck else f"div(({a}), ({b}))"

    def idiv(self, a, b):  # the same on BIGINT operands
        return f"(({a}) // ({b}))" if self.duck else f"(({a}) / ({b}))"

    def match(self, x, pattern):
        return f"regexp_full_match({x}, {q(pattern)})" if self.duck else f"({x} ~ {q('^(' + pattern + ')$')})"

    big = property(lambda self: "HUGEINT" if self.duck else "NUMERIC")

    def fence(self, name):
        """A stage read as a table. PostgreSQL pulls a view or subquery up into the query
        that reads it and substitutes each column's expression wherever it is used (it has no
        common-subexpression elimination): the tax steps, each using the one before several
        times, would be evaluated thousands of times a row. OFFSET 0 keeps the stage whole
        (evaluated once a row); DuckDB eliminates the common subexpressions itself."""
        return name if self.duck else f"(SELECT * FROM {name} OFFSET 0) {name}"

    def trim(self, x):
        full = f"trim({x}, {q(SPACES)})" if self.duck else f"btrim({x}, {q(SPACES)})"
        # the usual field (ASCII, not starting or ending with a space) as it is, as vetan's
        # trim does: trimming with a set of characters costs 10-20x more in both engines
        return (f"(CASE WHEN ascii({x}) BETWEEN 33 AND 126 AND ascii(right({x}, 1)) BETWEEN 33 "
                f"AND 126 THEN {x} ELSE {full} END)")


def rnd_pct(a, basis_points, d):
    """rnd(a * p%) for a >= 0 (docs/rules.md §1)."""
    if basis_points == 0:
        return "0"
    return d.idiv(f"2 * ({a}) * {basis_points} + 10000", "20000")


def generate(dialect, profile, month, employees, out, serial_csv=False):
    d = Dialect(dialect)
    with open(employees, newline="", encoding="utf-8-sig") as f:
        header = [h.strip(SPACES) for h in next(csv.reader(f))]
    known = {c for c, _ in COLUMNS}
    missing = REQUIRED_HEADER - set(header)
    if missing:
        sys.exit(f"{employees}: the header lacks {sorted(missing)}")
    for extra in ("tax_regime", "chapter_via_deductions"):
        if extra in header:
            sys.exit(f"{employees}: column {extra} (old tax regime) is not rendered in SQL")
    position = {h: i for i, h in enumerate(header) if h in known}

    y, m = int(month[:4]), int(month[5:7])
    days = calendar.monthrange(y, m)[1]
    ym = y * 12 + m - 1
    matrix = in_force(profile["pay_matrix"], month)["levels"]
    da = bp(in_force(profile["da"], month)["percent"])
    age = int(profile["retirement_age"])
    subs = bp(profile["subsistence_percent"])
    hra = profile["hra"]
    tier = max((t for t in hra["tiers"] if bp(t["da_at_least"]) <= da),
               key=lambda t: t["da_at_least"])
    npa = profile["npa"]
    gpf = profile["gpf"]
    nps = profile["nps"]
    no_sub = int(gpf.get("no_subscription_last_months", 0))
    fy_start = f"{y if m >= 4 else y - 1}-04"
    tax = [e for e in profile["income_tax"] if e["from"] == fy_start]
    if not tax:
        sys.exit(f"profile: no income-tax entry from {fy_start}")
    tax = tax[0]
    k = (m - 4) % 12 + 1
    deductions = profile.get("deductions", [])
    allowances = profile.get("allowances", [])
    ded_codes = [x["code"].upper() for x in deductions]

    tmp = "TEMP" if d.duck else "UNLOGGED"  # PostgreSQL scans no temporary table in parallel
    view = "TEMP VIEW" if d.duck else "VIEW"  # stages that are only read once: inlined
    sql = []
    emit = sql.append
    if d.duck:
        emit("SET preserve_insertion_order = true;")
    else:
        emit("\\timing on")  # psql: each statement's time, for run.py's breakdown
        emit("SET client_min_messages = warning;")
        emit("DROP SCHEMA IF EXISTS vetan_run CASCADE;")
        emit("CREATE SCHEMA vetan_run;")
        emit("SET search_path = vetan_run;")

    # ---- reading: every field as text, NULL where the row has no such field
    n = len(header)
    if d.duck:
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n + EXTRA))
        emit(f"""CREATE TABLE raw AS SELECT * FROM read_csv({q(employees)}, header = false, skip = 1,
  auto_detect = false, delim = ',', quote = '"', escape = '"', null_padding = true,
  nullstr = '\x01vetan-no-null\x01', strict_mode = false, parallel = {'false' if serial_csv else 'true'},
  columns = {{{cols}}});""")
        allempty = " AND ".join(f"coalesce({d.trim(f'c{i}')}, '') = ''" for i in range(n + EXTRA))
        fields = ", ".join(f"c{i}" for i in range(n))
        # Line numbers skip the records whose fields are all empty (blank lines DuckDB skips
        # itself): numbered on (rowid) alone, then joined back, not sorting whole rows.
        # (ascii(c0) printable: surely not empty, without trimming every field.) With no such
        # record (the usual file), the line is rowid + 1 and the window is not computed.
        # (CASE, not OR: DuckDB evaluates both sides of an OR for every row.)
        nonempty = f"(CASE WHEN ascii(c0) BETWEEN 33 AND 126 THEN true ELSE NOT ({allempty}) END)"
        emit(f"""CREATE TEMP TABLE skipped AS SELECT rowid AS rid FROM raw WHERE NOT {nonempty};""")
        emit(f"""CREATE TEMP TABLE ln AS
SELECT rowid AS rid, rowid + 1 AS line FROM raw WHERE (SELECT count(*) FROM skipped) = 0
UNION ALL
SELECT rowid AS rid, row_number() OVER (ORDER BY rowid) AS line FROM raw
  WHERE (SELECT count(*) FROM skipped) > 0 AND {nonempty};""")
        emit(f"""CREATE TEMP VIEW src AS SELECT ln.line, {fields},
  (c{n - 1} IS NULL OR c{n} IS NOT NULL) AS bad_count FROM (SELECT rowid AS rid, * FROM raw) r
  JOIN ln ON ln.rid = r.rid;""")
    else:
        emit(f"""CREATE UNLOGGED TABLE raw (n bigserial, t text);
COPY raw (t) FROM {q(employees)} WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', HEADER true);""")
        split = ("CASE WHEN strpos(t, '\"') = 0 THEN string_to_array(t, ',') ELSE "
                 "(SELECT array_agg(CASE WHEN left(x[1], 1) = '\"' "
                 "THEN replace(substr(x[1], 2, length(x[1]) - 2), '\"\"', '\"') ELSE x[1] END "
                 "ORDER BY o) FROM regexp_matches(t || ',', '(\"(?:[^\"]|\"\")*\"|[^,\"]*),', 'g') "
                 "WITH ORDINALITY AS p(x, o)) END")
        emit(f"""CREATE UNLOGGED TABLE split AS SELECT n, {split} AS f FROM raw
  WHERE t IS NOT NULL AND {d.trim("replace(t, ',', '')")} <> '';""")
        fields = ", ".join(f"f[{i + 1}] AS c{i}" for i in range(n))
        emit(f"""CREATE UNLOGGED TABLE src AS SELECT row_number() OVER (ORDER BY n) AS line, {fields},
  cardinality(f) <> {n} AS bad_count FROM split;
DROP TABLE raw;
DROP TABLE split;""")
        # PostgreSQL: a record of only separators holds no field (all empty), dropped above
        # with a quick test on the line; a quoted empty field on such a line is still empty.

    # ---- trimmed, upper-cased fields ('' where the column is absent or the field missing)
    sel = ["line", "bad_count"]
    for c, _ in COLUMNS:
        if c in position:
            v = d.trim(f"c{position[c]}")
            if c in UPPER:
                v = f"upper({v})"
            sel.append(f"{v} AS {c}")
            sel.append(f"(c{position[c]} IS NULL) AS {c}__absent")
        else:
            sel.append(f"CAST('' AS VARCHAR) AS {c}")
            sel.append(f"false AS {c}__absent")
    emit("CREATE {view} t AS SELECT " + ",\n  ".join(sel) + " FROM src;")

    # ---- readability (step 0) and parsed values
    int_re = "[0-9]{1,12}"
    date_re = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def date_ok(c):
        yy = f"CAST(substr({c}, 1, 4) AS INTEGER)"
        mm = f"CAST(substr({c}, 6, 2) AS INTEGER)"
        dd = f"CAST(substr({c}, 9, 2) AS INTEGER)"
        leap = f"({yy} % 4 = 0 AND ({yy} % 100 <> 0 OR {yy} % 400 = 0))"
        dim = (f"CASE WHEN {mm} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
               f"WHEN {mm} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
        return (f"(CASE WHEN {d.match(c, date_re)} THEN {mm} BETWEEN 1 AND 12 AND {dd} >= 1 "
                f"AND {dd} <= {dim} ELSE false END)")

    codes_re = ";".join([])  # noqa: built below
    piece = "(" + "|".join(ded_codes) + ")" if ded_codes else "(?!)"
    ws = "[" + "".join(ch for ch in SPACES if ch not in "\n") + "\n]*"
    codes_re = f"({ws}({piece}{ws})?)(;{ws}({piece}{ws})?)*"
    ok = []
    for c, kind in COLUMNS:
        if kind == "req":
            ok.append(f"{c} <> ''")
        elif kind == "date":
            ok.append(date_ok(c))
        elif kind == "optdate":
            ok.append(f"({c} = '' OR {date_ok(c)})")
        elif kind == "status":
            ok.append(f"{c} IN ('ACTIVE', 'SUSPENDED', 'RETIRED', 'DECEASED', 'VRS', 'TERMINATED')")
        elif kind == "fund":
            ok.append(f"{c} IN ('', 'SF', 'CA')")
        elif kind == "scheme":
            ok.append(f"{c} IN ('GPF', 'NPS')")
        elif kind == "class":
            ok.append(f"{c} IN ('X', 'Y', 'Z')")
        elif kind == "optclass":
            ok.append(f"{c} IN ('', 'X', 'Y', 'Z')")
        elif kind == "bool":
            ok.append(f"{c} IN ('', '0', '1', 'Y', 'N', 'TRUE', 'FALSE')")
        elif kind == "int":
            ok.append(d.match(c, int_re))
        elif kind == "cell":
            ok.append(f"(CASE WHEN {d.match(c, int_re)} THEN CAST({c} AS BIGINT) >= 1 ELSE false END)")
        elif kind == "lwp":
            ok.append(f"({c} = '' OR CASE WHEN {d.match(c, int_re)} THEN CAST({c} AS BIGINT) <= 31 ELSE false END)")
        elif kind in ("optint", "optint_none"):
            ok.append(f"({c} = '' OR {d.match(c, int_re)})")
        elif kind == "codes":
            ok.append(f"({c} = '' OR {d.match(c, codes_re)})")
        elif kind == "increment":
            ok.append(f"{c} IN ('', '07', '01')")
        # "text": anything
    readable = " AND ".join(f"({x})" for x in ok)

    def num(c, default="0"):
        return f"CASE WHEN {c} = '' THEN {default} ELSE CAST({c} AS BIGINT) END"

    def boolean(c):
        return f"({c} IN ('1', 'Y', 'TRUE'))"

    def ymd(c, part):
        return {"y": f"CAST(substr({c}, 1, 4) AS INTEGER)", "m": f"CAST(substr({c}, 6, 2) AS INTEGER)",
                "d": f"CAST(substr({c}, 9, 2) AS INTEGER)"}[part]

    level_rows = []
    for lvl, cells in matrix.items():
        row = [q(lvl), str(len(cells)), str(profile.get("licence_fee_by_level", {}).get(lvl, 0))]
        for ded in deductions:
            row.append(str(ded.get("by_level", {}).get(lvl, 0)) if "by_level" in ded else "0")
        level_rows.append("(" + ", ".join(row) + ")")
    ded_cols = "".join(f", d{i}" for i in range(len(deductions)))
    emit(f"CREATE {tmp} TABLE lv (level VARCHAR, ncells BIGINT, lf BIGINT{''.join(f', d{i} BIGINT' for i in range(len(deductions)))});")
    emit(f"INSERT INTO lv (level, ncells, lf{ded_cols}) VALUES " + ",\n  ".join(level_rows) + ";")
    cells = [f"({q(lvl)}, {i + 1}, {amt})" for lvl, cs in matrix.items() for i, amt in enumerate(cs)]
    emit("CREATE {tmp} TABLE mx (level VARCHAR, cell BIGINT, amount BIGINT);")
    emit("INSERT INTO mx VALUES " + ", ".join(cells) + ";")

    # Step 1: duplicate ids over all rows (readable or not) that have the field, not empty.
    # Step 3: duplicate (ifsc, bank_account), both well formed, over readable rows.
    pan_re, bank_re, ifsc_re = "[A-Z]{5}[0-9]{4}[A-Z]", "[0-9]{9,18}", "[A-Z]{4}0[A-Z0-9]{6}"
    emit(f"""CREATE {tmp} TABLE r AS SELECT t.*, coalesce(({readable}) AND NOT bad_count, false) AS readable,
  {d.match('pan', pan_re)} AS pan_ok, {d.match('bank_account', bank_re)} AS bank_ok,
  {d.match('ifsc', ifsc_re)} AS ifsc_ok FROM {d.fence('t')};""")
    emit("""CREATE {tmp} TABLE dup_id AS SELECT employee_id FROM r
  WHERE NOT employee_id__absent AND employee_id <> '' GROUP BY employee_id HAVING count(*) > 1;""")
    emit("""CREATE {tmp} TABLE dup_bank AS SELECT ifsc, bank_account FROM r
  WHERE readable AND ifsc_ok AND bank_ok GROUP BY ifsc, bank_account HAVING count(*) > 1;""")
    for name in (["VIEW t", "VIEW src", "TABLE raw", "TABLE ln", "TABLE skipped"] if d.duck
                 else ["VIEW t", "TABLE src"]):
        emit(f"DROP {name};")

    # ---- per readable row: dates, matrix, full-month and paid amounts
    dor_given = "date_of_retirement <> ''"
    dob_y, dob_m, dob_d = ymd("date_of_birth", "y"), ymd("date_of_birth", "m"), ymd("date_of_birth", "d")
    # the month of the retirement date, as y*12 + m - 1 (rules §3)
    dor_ym = (f"CASE WHEN {dor_given} THEN {ymd('date_of_retirement', 'y')} * 12 + "
              f"{ymd('date_of_retirement', 'm')} - 1 ELSE ({dob_y} + {age}) * 12 + {dob_m} - 1 "
              f"- CASE WHEN {dob_d} = 1 THEN 1 ELSE 0 END END")
    dor_day = f"CASE WHEN {dor_given} THEN {ymd('date_of_retirement', 'd')} ELSE 99 END"  # 99: month end
    doj_ym = f"{ymd('date_of_joining', 'y')} * 12 + {ymd('date_of_joining', 'm')} - 1"
    emit(f"""CREATE {view} p AS SELECT r.line, r.employee_id, r.ddo_code, r.treasury_code,
  r.bill_group, r.budget_head, CASE WHEN r.fund_type = '' THEN 'SF' ELSE r.fund_type END AS fund_type,
  r.status, r.pension_scheme AS scheme, r.pay_level, r.hra_class AS cls,
  CASE WHEN r.allowance_class = '' THEN r.hra_class ELSE r.allowance_class END AS acls,
  r.exempt_deductions AS exempt, r.stop_reason,
  {boolean('r.stop_payment')} AS stop, {boolean('r.govt_quarters')} AS gq,
  {boolean('r.npa_eligible')} AS npa_el,
  CAST(r.pay_cell AS BIGINT) AS pay_cell, CAST(r.basic_pay AS BIGINT) AS basic_pay,
  {num('r.gpf_subscription')} AS gpf_sub, {num('r.special_pay')} AS special,
  {num('r.lwp_days')} AS lwp, {num('r.loan_installment')} AS loan_inst,
  {num('r.loan_balance')} AS loan_bal, {num('r.income_tax_declared')} AS declared,
  {num('r.fy_gross_to_date')} AS fy_gross, {num('r.fy_tds_to_date')} AS fy_tds,
  {num('r.gpf_basis_pay', '-1')} AS gpf_basis,
  r.gpf_account = '' AS gpf_acct_missing, {d.match('r.pran', '[0-9]{12}')} AS pran_ok,
  r.pan_ok, r.bank_ok, r.ifsc_ok,
  (di.employee_id IS NOT NULL) AS dup_id,
  (db.ifsc IS NOT NULL) AS dup_bank,
  {dor_ym.replace('date_of', 'r.date_of')} AS dor_ym,
  {dor_day.replace('date_of', 'r.date_of')} AS dor_day,
  {doj_ym.replace('date_of', 'r.date_of')} AS doj_ym,
  {ymd('r.date_of_joining', 'd')} AS doj_day,
  lv.ncells, lv.lf{''.join(f', lv.d{i}' for i in range(len(deductions)))},
  (lv.level IS NOT NULL) AS level_known, mx.amount AS b
FROM r
LEFT JOIN dup_id di ON di.employee_id = r.employee_id
LEFT JOIN dup_bank db ON db.ifsc = r.ifsc AND db.bank_account = r.bank_account AND r.ifsc_ok AND r.bank_ok
LEFT JOIN lv ON lv.level = r.pay_level
LEFT JOIN mx ON mx.level = r.pay_level AND mx.cell = CAST(r.pay_cell AS BIGINT)
WHERE r.readable;""")

    # Fates of step 0-3, then the pay of the rows they leave.
    def has(reason):
        return {
            "DUPLICATE_EMPLOYEE_ID": "dup_id",
            "STATUS_NOT_PAYABLE": "status IN ('RETIRED', 'DECEASED', 'VRS', 'TERMINATED')",
            # DOR < first(M): its month is before M
            "RETIRED_BEFORE_MONTH": f"status IN ('ACTIVE', 'SUSPENDED') AND dor_ym < {ym}",
            "NOT_JOINED_YET": f"doj_ym > {ym}",
            "UNKNOWN_PAY_LEVEL": "NOT level_known",
            "INVALID_PAY_CELL": "level_known AND pay_cell > ncells",
            "BASIC_PAY_MISMATCH": "b IS NOT NULL AND basic_pay <> b",
            "INVALID_PAN": "NOT pan_ok",
            "INVALID_BANK_ACCOUNT": "NOT bank_ok",
            "INVALID_IFSC": "NOT ifsc_ok",
            "DUPLICATE_BANK_ACCOUNT": "dup_bank",
            "GPF_ACCOUNT_MISSING": "scheme = 'GPF' AND gpf_acct_missing",
            "PRAN_MISSING": "scheme = 'NPS' AND NOT pran_ok",
        }[reason]
    step3 = REASONS[1:14]
    reasons3 = " || ".join(f"CASE WHEN {has(x)} THEN ';{x}' ELSE '' END" for x in step3)

    # Service in the month (rules §3), as days of the month: start and end, both included.
    start = f"CASE WHEN doj_ym < {ym} THEN 1 WHEN doj_ym = {ym} THEN doj_day ELSE 99 END"
    end = (f"CASE WHEN dor_ym > {ym} THEN {days} WHEN dor_ym = {ym} THEN "
           f"CASE WHEN dor_day > {days} THEN {days} ELSE dor_day END ELSE 0 END")
    service = f"GREATEST(0, ({end}) - ({start}) + 1)"
    susp = "(status = 'SUSPENDED')"
    emit(f"""CREATE {tmp} TABLE q AS SELECT p.*, {reasons3} AS reasons3,
  GREATEST(0, {service} - lwp) AS pd,
  dor_ym - {ym} + 1 AS s_months FROM {d.fence('p')};""")

    # Full-month earnings (rules §4) for the rows without a step-3 reason.
    npa_raw = rnd_pct("b", bp(npa["percent"]), d)
    npa_full = (f"CASE WHEN npa_el AND NOT {susp} THEN GREATEST(0, LEAST({npa_raw}, "
                f"{int(npa['max_basic_plus_npa'])} - b)) ELSE 0 END")
    basic_full = f"CASE WHEN {susp} THEN {rnd_pct('b', subs, d)} ELSE b END"
    hra_pct = {c: bp(tier["percent"][c]) for c in "XYZ"}
    hra_full = ("CASE WHEN gq THEN 0 ELSE CASE cls " + " ".join(
        f"WHEN '{c}' THEN GREATEST({rnd_pct('b', hra_pct[c], d)}, {int(hra['minimum'][c])})"
        for c in "XYZ") + " END END")
    allow_exprs = []
    for a in allowances:
        bands = sorted(a["bands"], key=lambda bd: -int(bd.get("min_basic", 0)))
        whens = []
        for bd in bands:
            levels = ", ".join(q(x) for x in bd["levels"])
            amt = "CASE acls " + " ".join(f"WHEN '{c}' THEN {int(bd['amount'].get(c, 0))}"
                                          for c in "XYZ") + " END"
            whens.append(f"WHEN pay_level IN ({levels}) AND b >= {int(bd.get('min_basic', 0))} THEN {amt}")
        amt = "CASE " + " ".join(whens) + " ELSE 0 END"
        full = f"({amt}) + ({rnd_pct(f'({amt})', da, d)})" if a.get("da_applies") else amt
        if a.get("when_exempt_from"):
            code = a["when_exempt_from"].upper()
            full = f"CASE WHEN {exempt_has('exempt', code, d)} THEN {full} ELSE 0 END"
        allow_exprs.append((a["code"].lower(), full))
    emit(f"""CREATE {view} e AS SELECT q.*, {basic_full} AS basic_f, {npa_full} AS npa_f,
  {hra_full} AS hra_f{''.join(f', {full} AS {code}_f' for code, full in allow_exprs)}
FROM q WHERE reasons3 = '' AND NOT stop_hold(q);""".replace(
        "NOT stop_hold(q)", "NOT (stop AND NOT dup_id)"))
    dd = 2 * days

    def paid(full):
        return d.idiv(f"2 * ({full}) * pd + {days}", str(dd))
    da_full = rnd_pct("basic_f + npa_f", da, d)
    earn = [("basic", "basic_f"), ("npa", "npa_f"), ("da", da_full), ("hra", "hra_f")] + \
        [(code, f"{code}_f") for code, _ in allow_exprs] + [("special_pay", "special")]
    emit("CREATE {view} f AS SELECT e.*, " + ", ".join(f"{paid(x)} AS {c}" for c, x in earn)
         + f" FROM {d.fence('e')};")

    # Deductions (rules §5) and the GPF checks (§5.1); income tax (§6) below.
    in_last = f"(s_months <= {no_sub})"
    gpf_taken = f"(scheme = 'GPF' AND NOT {susp} AND NOT {in_last})"
    pmin = gpf_min(gpf, d)
    ded_exprs = []
    for i, ded in enumerate(deductions):
        code = ded["code"].upper()
        if "by_level" in ded:
            amount = f"d{i}"
        elif "by_gross" in ded:
            amount = bands_sql(ded["by_gross"], "gross")
        elif "by_basic" in ded:
            amount = bands_sql(ded["by_basic"], "b")
        else:
            sys.exit(f"deduction {code}: unknown kind")
        ded_exprs.append((code.lower(), f"CASE WHEN {exempt_has('exempt', code, d)} THEN 0 ELSE {amount} END"))
    gross = " + ".join(c for c, _ in earn)
    emit(f"""CREATE {view} g AS SELECT f.*, {gross} AS gross,
  CASE WHEN {gpf_taken} THEN gpf_sub ELSE 0 END AS gpf,
  CASE WHEN scheme = 'NPS' THEN {rnd_pct('basic + npa + da', bp(nps['employee_percent']), d)} ELSE 0 END AS nps,
  CASE WHEN scheme = 'NPS' THEN {rnd_pct('basic + npa + da', bp(nps['employer_percent']), d)} ELSE 0 END AS employer_nps,
  CASE WHEN gq THEN lf ELSE 0 END AS licence_fee, LEAST(loan_inst, loan_bal) AS loan,
  LEAST({13 - k}, s_months) AS rm,
  {gpf_taken} AND gpf_sub < {pmin} AS gpf_below, {gpf_taken} AND gpf_sub > b AS gpf_above
FROM {d.fence('f')};""")
    emit("CREATE {view} h AS " + nest("g", [(c, e) for c, e in ded_exprs] + tax_sql(tax, d), d) + ";")
    deds = ["gpf", "nps", "income_tax"] + [c for c, _ in ded_exprs] + ["licence_fee", "loan"]
    emit(f"CREATE {tmp} TABLE pay AS SELECT h.*, {' + '.join(deds)} AS total_deductions FROM {d.fence('h')};")

    # Fates (rules §2): step 0 unreadable, 2 stopped, 3 reasons, 4 computation.
    step4 = ("CASE WHEN y.pd = 0 THEN ';ZERO_PAYABLE_DAYS' ELSE "
             "(CASE WHEN y.gpf_below THEN ';GPF_BELOW_MINIMUM' ELSE '' END || "
             "CASE WHEN y.gpf_above THEN ';GPF_ABOVE_MAXIMUM' ELSE '' END || "
             "CASE WHEN y.gross - y.total_deductions < 0 THEN ';NEGATIVE_NET' ELSE '' END) END")
    emit(f"""CREATE {tmp} TABLE fate AS SELECT r.line, r.employee_id, r.ddo_code, r.stop_reason,
  CASE WHEN NOT r.readable THEN ';INVALID_RECORD'
       WHEN {boolean('r.stop_payment')} AND di.employee_id IS NULL THEN NULL
       WHEN x.reasons3 <> '' THEN x.reasons3 ELSE {step4} END AS reasons
FROM r LEFT JOIN dup_id di ON di.employee_id = r.employee_id
  LEFT JOIN q x ON x.line = r.line LEFT JOIN pay y ON y.line = r.line;""")
    amounts = [c for c, _ in earn] + ["gross"] + deds + ["total_deductions", "net", "employer_nps"]
    emit(f"""CREATE {tmp} TABLE slip AS SELECT y.employee_id, y.line,
  {q(month + '/')} || y.treasury_code || '/' || y.ddo_code || '/' || y.bill_group AS bill_id,
  y.treasury_code, y.ddo_code, y.bill_group, y.budget_head, y.fund_type, y.pd AS payable_days,
  {', '.join('y.' + a if a != 'net' else 'y.gross - y.total_deductions AS net' for a in amounts)}
FROM pay y JOIN fate z ON z.line = y.line WHERE z.reasons = '';""")

    # ---- the files (formats.md): quoted only where needed, empty text written empty
    def nz(c):
        return f"NULLIF({c}, '')"
    text_slip = {"employee_id", "bill_id", "treasury_code", "ddo_code", "bill_group",
                 "budget_head", "fund_type"}
    slip_cols = ["employee_id", "line", "bill_id", "treasury_code", "ddo_code", "bill_group",
                 "budget_head", "fund_type", "payable_days"] + amounts
    order_c = "" if d.duck else ' COLLATE "C"'
    files = {
        "payslips.csv": f"SELECT {', '.join(nz(c) + ' AS ' + c if c in text_slip else c for c in slip_cols)} "
                        f"FROM slip ORDER BY employee_id{order_c}",
        "bills.csv": f"SELECT bill_id, {q(month)} AS month, min(treasury_code) AS treasury_code, "
                     f"min(ddo_code) AS ddo_code, min(bill_group) AS bill_group, count(*) AS employees, "
                     + ", ".join(f"sum({a}) AS {a}" for a in amounts)
                     + f" FROM slip GROUP BY bill_id ORDER BY bill_id{order_c}",
        "bill_heads.csv": f"SELECT bill_id, {nz('budget_head')} AS budget_head, fund_type, count(*) AS employees, "
                          "sum(gross) AS gross, sum(total_deductions) AS total_deductions, sum(net) AS net "
                          f"FROM slip GROUP BY bill_id, budget_head, fund_type "
                          f"ORDER BY bill_id{order_c}, budget_head{order_c}, fund_type{order_c}",
        "mismatches.csv": f"SELECT line, {nz('employee_id')} AS employee_id, {nz('ddo_code')} AS ddo_code, "
                          "substr(reasons, 2) AS reasons, NULL AS detail FROM fate "
                          "WHERE reasons <> '' ORDER BY line",
        "stopped.csv": f"SELECT line, {nz('employee_id')} AS employee_id, {nz('ddo_code')} AS ddo_code, "
                       f"{nz('stop_reason')} AS stop_reason FROM fate WHERE reasons IS NULL ORDER BY line",
    }
    for name, query in files.items():
        path = q(f"{out}/{name}")
        if d.duck:
            emit(f"COPY ({query}) TO {path} (HEADER, DELIMITER ',');")
        else:
            emit(f"COPY ({query}) TO {path} WITH (FORMAT csv, HEADER);")
    return "\n".join(sql).replace("{tmp}", tmp).replace("{view}", view) + "\n"


def exempt_has(col, code, d):
    """The row's exempt_deductions (trimmed, upper-cased, ';'-separated) holds `code`."""
    if d.duck:
        return f"list_contains(list_transform(string_split({col}, ';'), x -> {d.trim('x')}), {q(code)})"
    return f"({q(code)} = ANY (SELECT {d.trim('x')} FROM unnest(string_to_array({col}, ';')) AS u(x)))"


def bands_sql(bands, value):
    """The amount of the first band whose up_to is null or >= value."""
    whens = []
    for bd in bands:
        if bd.get("up_to") is None:
            whens.append(f"ELSE {int(bd['amount'])}")
            break
        whens.append(f"WHEN {value} <= {int(bd['up_to'])} THEN {int(bd['amount'])}")
    if not whens[-1].startswith("ELSE"):
        whens.append("ELSE 0")
    return "CASE " + " ".join(whens) + " END"


def gpf_min(gpf, d):
    e = "CASE WHEN gpf_basis >= 0 THEN gpf_basis ELSE b END"
    if "minimum_percent_of_basic" in gpf:
        p = bp(gpf["minimum_percent_of_basic"])
        return d.idiv(f"({e}) * {p} + 9999", "10000")  # ceil(E * p%)
    if "minimum_by_basic" in gpf:
        return bands_sql(gpf["minimum_by_basic"], f"({e})")
    if "minimum_by_level" in gpf:
        whens = " ".join(f"WHEN {q(k)} THEN {int(v)}" for k, v in gpf["minimum_by_level"].items())
        return f"CASE pay_level {whens} ELSE 0 END"
    return "0"


def tax_sql(entry, d):
    """Rules §6, exact: amounts scaled by 10^12 (three percentages, each in 1/10000)."""
    big = d.big
    unit = 10 ** 12  # slab and rebate in 1/10^4 rupee, surcharge 1/10^8, cess 1/10^12

    def slab_tax_exact(taxable):
        prev, total = 0, Fraction(0)
        for s in entry["slabs"]:
            top = s["up_to"]
            part = max(0, (taxable if top is None else min(taxable, top)) - prev)
            total += Fraction(part) * Fraction(str(s["percent"])) / 100
            if top is None or taxable <= top:
                break
            prev = top
        return total

    def ts(taxable):  # tax + surcharge, exact, for a given taxable income (used for T(above))
        slab = slab_tax_exact(taxable)
        tax = Fraction(0) if taxable <= entry["rebate_limit"] else min(slab, taxable - entry["rebate_limit"])
        tiers = [t for t in entry.get("surcharge", []) if taxable > t["above"]]
        if not tiers:
            return tax
        t = max(tiers, key=lambda x: x["above"])
        total = tax + tax * Fraction(str(t["percent"])) / 100
        return min(total, ts(t["above"]) + (taxable - t["above"]))

    sd = int(entry["standard_deduction"])
    rounded = d.idiv(f"GREATEST(0, fy_gross + gross * rm - {sd}) + 5", "10")
    taxable = f"CAST(10 * {rounded} AS {big})"
    # slab tax in 1/10^4 rupee
    parts, prev = [], 0
    for s in entry["slabs"]:
        top = s["up_to"]
        upper = "tx" if top is None else f"LEAST(tx, {int(top)})"
        parts.append(f"GREATEST(0, {upper} - {prev}) * {bp(s['percent'])}")
        if top is None:
            break
        prev = int(top)
    slab = " + ".join(parts)
    rl = int(entry["rebate_limit"])
    tax = f"CASE WHEN tx <= {rl} THEN 0 ELSE LEAST({slab}, (tx - {rl}) * 10000) END"
    # tax + surcharge, in 1/10^8 rupee, with marginal relief
    tiers = sorted(entry.get("surcharge", []), key=lambda t: -t["above"])
    ts_expr = "tax4 * 10000"
    if tiers:
        whens = []
        for t in tiers:
            a = int(t["above"])
            cap = ts(a) * 10 ** 8
            assert cap.denominator == 1
            whens.append(f"WHEN tx > {a} THEN LEAST(tax4 * (10000 + {bp(t['percent'])}), "
                         f"{int(cap)} + (tx - {a}) * 100000000)")
        ts_expr = "CASE " + " ".join(whens) + " ELSE tax4 * 10000 END"
    cess = bp(entry["cess_percent"])
    annual12 = f"ts8 * (10000 + {cess})"  # tax + surcharge + cess, 1/10^12 rupee
    annual = f"10 * {d.div(f'{annual12} + {5 * unit}', str(10 * unit))}"
    owed = "annual - fy_tds"
    tds = f"CASE WHEN {owed} <= 0 THEN 0 ELSE {d.div(f'{owed} + rm - 1', 'rm')} END"
    # each step's value named in a nested select (no per-row subquery)
    steps = [("tx", taxable), ("tax4", tax), ("ts8", ts_expr), ("annual", annual),
             ("income_tax", f"CAST(GREATEST({tds}, declared) AS BIGINT)")]
    return steps


def nest(table, steps, d):
    """SELECT table.*, step1, step2, ... where each step may use the ones before it."""
    sql = f"SELECT {table}.* FROM {d.fence(table)}"
    for i, (name, expr) in enumerate(steps):
        inner = sql if d.duck else sql + " OFFSET 0"
        sql = f"SELECT z{i}.*, {expr} AS {name} FROM ({inner}) z{i}"
    return sql


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dialect", choices=["duckdb", "postgres"], required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--month", required=True)
    ap.add_argument("--employees", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--serial-csv", action="store_true",
                    help="DuckDB: read the CSV on one thread (its parallel reader refuses quoted "
                         "line breaks in a file whose short rows it must pad)")
    a = ap.parse_args()
    with open(a.profile, encoding="utf-8") as f:
        profile = json.load(f)
    sys.stdout.write(generate(a.dialect, profile, a.month, a.employees, a.out, a.serial_csv))


if __name__ == "__main__":
    main()
