#!/usr/bin/env python3
"""docs/: the repository explains itself, and what it says stays true.

- every relative link of README.md and docs/ leads to a file (and heading) of the repository,
  and no page points outside it;
- every column the CSV loader knows is documented in docs/input.md, every mismatch reason
  of rules §2 in docs/mismatches.md and docs/rules.md, every profile key the parser accepts
  in docs/profile.md, every file the commands write in docs/outputs.md — read from the
  sources, so a new column, reason, key or file without its documentation fails here;
- the examples run: vetan run on docs/examples gives each employee the fate the table of
  docs/examples/README.md says, vetan whatif runs every example scenario, and every profile
  example is valid;
- every command's --help points at docs/ and at nothing outside the repository.

- when the project's normative spec is at hand (SPEC_DIR), every column, section, reason,
  profile key and scenario change it names is in docs/ too.

usage: docs_test.py VETAN SOURCE_DIR [SPEC_DIR]      (exit 0 when every check holds)
"""
import csv
import glob
import json
import os
import re
import sys
import tempfile

from cli_support import check, finish, vetan


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown):
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", markdown, re.M)}


def in_code(markdown, word):
    """True iff `word` stands as a whole word in a `code` span of the page."""
    prose = re.sub(r"```.*?```", "", markdown, flags=re.S)  # fenced blocks are not spans
    return any(re.search(r"\b" + re.escape(word) + r"\b", span)
               for span in re.findall(r"`([^`]+)`", prose))


def check_links(source):
    pages = [os.path.join(source, "README.md")] + sorted(
        glob.glob(os.path.join(source, "docs", "**", "*.md"), recursive=True))
    for page in pages:
        text = read(page)
        rel = os.path.relpath(page, source)
        for bad in ("../shared", "/work/", "shared/spec", "shared/conformance"):
            check(bad not in text, f"{rel} points outside the repository ({bad!r})")
        for m in re.finditer(r"\]\(([^)\s]+)\)", text):
            target = m.group(1)
            if re.match(r"^[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            full = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(full):
                # docs/gpf.md is written with the GPF work; until it lands the link waits.
                check(path.endswith("gpf.md"), f"{rel}: link {target!r}: no file {os.path.relpath(full, source)}")
                continue
            if anchor and full.endswith(".md"):
                check(anchor in anchors(read(full)), f"{rel}: link {target!r}: no heading #{anchor}")


def check_in_step(source):
    # The master's one schema (loaders/csv/master_schema.h), read by the loader and the service.
    loader = read(os.path.join(source, "loaders", "csv", "master_schema.h"))
    columns = re.findall(r'^\s+\{"(\w+)", Kind::', loader, re.M)
    unread = re.search(r"kKnownUnread\[\] = \{([^}]*)\}", loader)
    columns += re.findall(r'"(\w+)"', unread.group(1)) if unread else []
    check(len(columns) >= 35, f"columns read from the loader: {columns}")
    input_md = read(os.path.join(source, "docs", "input.md"))
    for c in columns:
        check(f"| `{c}` |" in input_md, f"docs/input.md does not document column {c!r}")

    fate = read(os.path.join(source, "core", "fate", "fate.h"))
    codes = re.search(r"kReasonCodes\[kReasonCount\] = \{(.*?)\};", fate, re.S)
    reasons = re.findall(r'"([A-Z_]+)"', codes.group(1)) if codes else []
    check(len(reasons) == 18, f"reasons read from core/fate/fate.h: {reasons}")
    mismatches = read(os.path.join(source, "docs", "mismatches.md"))
    rules = read(os.path.join(source, "docs", "rules.md"))
    for r in reasons:
        check(f"| `{r}` |" in mismatches, f"docs/mismatches.md does not explain {r}")
        check(f"`{r}`" in rules, f"docs/rules.md does not name {r}")
    check(", ".join(reasons) in " ".join(rules.split()),
          "docs/rules.md §2 does not list the reasons in the order of core/fate/fate.h")

    parser = read(os.path.join(source, "core", "profile", "profile.cc"))
    keys = set()
    for m in re.finditer(r"r\.object\([^;]*?\{([^}]*)\}\s*,\s*\{([^}]*)\}", parser, re.S):
        keys.update(re.findall(r'"(\w+)"', m.group(1) + m.group(2)))
    keys.update(re.findall(r'key == "(\w+)"', parser))
    check({"schema", "pay_matrix", "min_basic", "when_exempt_from", "no_subscription_last_months"} <= keys,
          f"profile keys read from core/profile/profile.cc: {sorted(keys)}")
    profile_md = read(os.path.join(source, "docs", "profile.md"))
    gpf_md = os.path.join(source, "docs", "gpf.md")
    profile_md += read(gpf_md) if os.path.exists(gpf_md) else ""
    for k in sorted(keys):
        check(in_code(profile_md, k), f"docs/profile.md does not document profile key {k!r}")

    outputs = read(os.path.join(source, "docs", "outputs.md"))
    # Files of other commands may be documented on their own page (docs/gpf.md).
    every_page = "\n".join(read(f) for f in glob.glob(os.path.join(source, "docs", "*.md")))
    written = set()
    for f in glob.glob(os.path.join(source, "api", "*.cc")):
        written.update(re.findall(r'"/?(\w+\.(?:csv|json))"', read(f)))
    written.update(re.findall(r'path\("(\w+\.(?:csv|json))"\)', read(os.path.join(source, "api", "output_writer.cc"))))
    check({"payslips.csv", "cost.csv", "fates.csv", "arrears.csv"} <= written, f"output files: {written}")
    for name in sorted(written):
        check(f"`{name}`" in every_page, f"docs/ does not document the output file {name}")
    for header in re.findall(r'"((?:\w+,)+\w+)(?:\\n)?"', read(os.path.join(source, "api", "output_writer.cc")) +
                             read(os.path.join(source, "api", "whatif_command.cc"))):
        for column in header.split(","):
            check(in_code(outputs, column), f"docs/outputs.md does not document column {column!r}")


def check_spec(spec):
    """The project's normative spec, when this checkout has it beside (VETAN_SHARED_DIR/spec):
    every column, reason, section, profile key and scenario change it names is in docs/."""
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs")
    page = lambda name: read(os.path.join(docs, name))
    formats = read(os.path.join(spec, "formats.md"))
    for c in re.findall(r"^\| `(\w+)` \| (?:yes|no) \|", formats, re.M):
        check(f"| `{c}` |" in page("input.md"), f"spec formats.md column {c!r} is not in docs/input.md")
    rules = read(os.path.join(spec, "rules.md"))
    for number in re.findall(r"^#+ (\d+(?:\.\d+)?)[. ]", rules, re.M):
        check(re.search(r"^#+ " + re.escape(number) + r"[. ]", page("rules.md"), re.M) is not None,
              f"spec rules.md section {number} is not a section of docs/rules.md")
    for code in set(re.findall(r"`([A-Z]+(?:_[A-Z]+)+)`", rules)):
        check(f"`{code}`" in page("rules.md") or code in page("rules.md"),
              f"spec rules.md names {code}, docs/rules.md does not")
    profile = read(os.path.join(spec, "profile.md"))
    for key in set(re.findall(r'"(\w+)":', profile)):
        if not key.startswith(("L", "X", "Y", "Z")) or len(key) > 3:
            check(in_code(page("profile.md"), key), f"spec profile.md key {key!r} is not in docs/profile.md")
    whatif = read(os.path.join(spec, "whatif.md"))
    for key in set(re.findall(r'\{ "(\w+)":', whatif)):
        check(in_code(page("whatif.md"), key), f"spec whatif.md change {key!r} is not in docs/whatif.md")


def check_examples(binary, source):
    examples = os.path.join(source, "docs", "examples")
    profile = os.path.join(examples, "profile.json")
    employees = os.path.join(examples, "employees.csv")
    code, out, err = vetan(binary, "profile", "check", profile)
    check(code == 0, f"docs/examples/profile.json is not valid: {err.strip()}")
    table = {}
    for line in read(os.path.join(examples, "README.md")).splitlines():
        m = re.match(r"^\| (E\d+) \|[^|]*\| (PAID|STOPPED|MISMATCH)(?:: ([A-Z_;, ]+))? \|", line)
        if m:
            table[m.group(1)] = (m.group(2), (m.group(3) or "").replace(", ", ";").strip())
    with open(employees, newline="", encoding="utf-8") as f:
        master = list(csv.DictReader(f))
    check(sorted(table) == sorted(r["employee_id"] for r in master),
          f"docs/examples/README.md tells of {sorted(table)}, the master holds "
          f"{sorted(r['employee_id'] for r in master)}")
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = os.path.join(tmp, "run")
        code, _, err = vetan(binary, "run", "--profile", profile, "--employees", employees,
                             "--month", "2026-11", "--out", out_dir, "--quiet")
        check(code == 0, f"vetan run on docs/examples: exit {code} ({err.strip()})")
        if code == 0:
            fates = {}
            for name, fate in (("payslips.csv", "PAID"), ("stopped.csv", "STOPPED"),
                               ("mismatches.csv", "MISMATCH")):
                with open(os.path.join(out_dir, name), newline="", encoding="utf-8") as f:
                    for r in csv.DictReader(f):
                        fates[r["employee_id"]] = (fate, r.get("reasons", ""))
            for e, expected in table.items():
                check(fates.get(e) == expected, f"docs/examples: {e} is {fates.get(e)}, the README says {expected}")
            summary = json.load(open(os.path.join(out_dir, "summary.json"), encoding="utf-8"))
            shown = re.search(r"```json\n(\{\n  \"month\": \"2026-11\".*?\n\})\n```",
                              read(os.path.join(source, "docs", "outputs.md")), re.S)
            check(shown is not None and json.loads(shown.group(1)) == summary,
                  "docs/outputs.md's summary.json example is not what the example run writes")
        scenarios = sorted(glob.glob(os.path.join(examples, "scenario*.json")))
        check(len(scenarios) >= 2, f"example scenarios: {scenarios}")
        args = []
        for s in scenarios:
            args += ["--scenario", s]
        out_dir = os.path.join(tmp, "whatif")
        code, _, err = vetan(binary, "whatif", "--profile", profile, "--employees", employees,
                             "--as-of", "2026-11", *args, "--out", out_dir, "--quiet")
        check(code == 0, f"vetan whatif on docs/examples: exit {code} ({err.strip()})")
        for i in range(1, len(scenarios) + 1):
            for name in ("cost.csv", "fates.csv", "summary.json"):
                check(os.path.exists(os.path.join(out_dir, f"scenario-{i:02d}", name)),
                      f"vetan whatif on docs/examples wrote no scenario-{i:02d}/{name}")


def check_help(binary):
    for command in ("run", "whatif", "arrears", "generate", "profile"):
        code, out, _ = vetan(binary, command, "--help")
        check(code == 0 and "docs/" in out, f"vetan {command} --help does not point at docs/")
        for bad in ("../shared", "formats.md", " rules.md", "(rules.md", "(profile.md", "(whatif.md"):
            check(bad not in out, f"vetan {command} --help points outside the repository ({bad!r})")
    code, out, _ = vetan(binary, "--help")
    check(code == 0 and "docs/README.md" in out, "vetan --help does not point at docs/README.md")


def main():
    binary, source = sys.argv[1], sys.argv[2]
    spec = sys.argv[3] if len(sys.argv) > 3 else ""
    if spec and os.path.exists(os.path.join(spec, "rules.md")):
        check_spec(spec)
    else:
        print("the normative spec is not beside this checkout: docs are checked against the sources only")
    check_links(source)
    check_in_step(source)
    check_examples(binary, source)
    check_help(binary)
    return finish("all checks hold")


if __name__ == "__main__":
    sys.exit(main())
