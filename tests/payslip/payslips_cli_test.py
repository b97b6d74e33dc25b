"""Issue 12 item 7: vetan payslips end to end on the documented example (docs/examples/).
The PDF has one page per paid employee; pdftotext finds on each page the employee's name
and net (in figures and in Hindi words: Devanagari extracted as written); a bill or a DDO
prints only its payslips; the same run prints the same bytes; pdftoppm renders pages that
are not blank; refusals write nothing.

usage: payslips_cli_test.py VETAN SOURCE_DIR"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from cli_support import check, finish, vetan  # noqa: E402

def indian(n):
    """n grouped as India writes it: 5,49,427."""
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


def pages_of(pdf):
    # -raw: the content stream's order, without the layout heuristics that put spaces
    # inside Devanagari words (a vowel sign drawn over its consonant reads as a gap)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def main():
    binary, source = sys.argv[1], sys.argv[2]
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        print("SKIP: poppler-utils (pdftotext, pdftoppm) not installed; .ci/setup-debian.sh installs it")
        return 0
    examples = os.path.join(source, "docs", "examples")
    profile, employees = os.path.join(examples, "profile.json"), os.path.join(examples, "employees.csv")
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        code, _, err = vetan(binary, "run", "--profile", profile, "--employees", employees,
                             "--month", "2026-11", "--out", run, "--quiet")
        check(code == 0, "vetan run: " + err)
        with open(os.path.join(run, "payslips.csv"), encoding="utf-8") as f:
            slips = list(csv.DictReader(f))
        with open(employees, encoding="utf-8") as f:
            master = {r["employee_id"]: r for r in csv.DictReader(f)}
        names = {k: r["name"] for k, r in master.items()}
        args = ["payslips", "--profile", profile, "--employees", employees, "--run", run]

        pdf = os.path.join(tmp, "all.pdf")
        code, out, err = vetan(binary, *args, "--out", pdf)
        check(code == 0, "vetan payslips: exit %d %s" % (code, err))
        check("%d pages" % len(slips) in out, "the summary counts the pages: " + out)
        pages = pages_of(pdf)
        check(len(pages) == len(slips), "one page per payslip: %d pages, %d payslips" % (len(pages), len(slips)))
        # Pages go bill by bill, then by employee_id.
        order = sorted(slips, key=lambda s: (s["bill_id"], s["employee_id"]))
        for page, slip in zip(pages, order):
            who = slip["employee_id"]
            check(names[who] in page, "%s's page names %s" % (who, names[who]))
            check(slip["bill_id"] in page, "%s's page names the bill %s" % (who, slip["bill_id"]))
            check(indian(int(slip["net"])) in page, "%s's page shows the net %s" % (who, slip["net"]))
            check(indian(int(slip["gross"])) in page, "%s's page shows the gross %s" % (who, slip["gross"]))
            check("रुपये मात्र" in page and "शुद्ध देय वेतन" in page,
                  "%s's page: the Hindi words are extracted as written" % who)
            check("Rupees " in page and " Only" in page, "%s's page has the net in English words" % who)
        # Hand-worked: E1001 is paid 44,998 (docs/examples/README.md's run).
        e1001 = next(p for p, s in zip(pages, order) if s["employee_id"] == "E1001")
        net = next(int(s["net"]) for s in slips if s["employee_id"] == "E1001")
        if net == 44998:
            check("चवालीस हज़ार नौ सौ अट्ठानवे रुपये मात्र" in e1001, "E1001's net in Hindi words")
            check("Rupees Forty-Four Thousand Nine Hundred Ninety-Eight Only" in e1001,
                  "E1001's net in English words")
        for page, slip in zip(pages, order):
            account = master[slip["employee_id"]]["bank_account"]
            check(account not in page and "X" * (len(account) - 4) + account[-4:] in page,
                  "%s's bank account is printed masked" % slip["employee_id"])

        again = os.path.join(tmp, "again.pdf")
        check(vetan(binary, *args, "--out", again, "--quiet")[0] == 0, "second print")
        with open(pdf, "rb") as a, open(again, "rb") as b:
            check(a.read() == b.read(), "the same run prints the same bytes")

        # One bill; one DDO.
        bill = order[0]["bill_id"]
        one = os.path.join(tmp, "bill.pdf")
        check(vetan(binary, *args, "--bill", bill, "--out", one, "--quiet")[0] == 0, "--bill")
        on_bill = [s for s in slips if s["bill_id"] == bill]
        check(len(pages_of(one)) == len(on_bill), "--bill prints the bill's %d payslips" % len(on_bill))
        ddo = order[-1]["ddo_code"]
        by_ddo = os.path.join(tmp, "ddo.pdf")
        check(vetan(binary, *args, "--ddo", ddo, "--out", by_ddo, "--quiet")[0] == 0, "--ddo")
        check(len(pages_of(by_ddo)) == sum(1 for s in slips if s["ddo_code"] == ddo),
              "--ddo prints the DDO's payslips")
        # A folder: one PDF per bill, the same pages.
        folder = os.path.join(tmp, "bills")
        os.mkdir(folder)
        check(vetan(binary, *args, "--out", folder, "--threads", "2", "--quiet")[0] == 0, "--out FOLDER")
        files = sorted(os.listdir(folder))
        bills = sorted({s["bill_id"].replace("/", "_") + ".pdf" for s in slips})
        check(files == bills, "one PDF per bill: %s" % files)
        check(sum(len(pages_of(os.path.join(folder, f))) for f in files) == len(slips),
              "the bills' PDFs hold every payslip once")

        # Pictures: pdftoppm renders the first pages; each has ink (not a blank page).
        subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "3", pdf,
                        os.path.join(tmp, "page")], check=True)
        pictures = sorted(p for p in os.listdir(tmp) if p.startswith("page"))
        check(len(pictures) == 3, "pdftoppm rendered 3 pages: %s" % pictures)
        for p in pictures:
            with open(os.path.join(tmp, p), "rb") as f:
                data = f.read()
            # PGM: header of three lines, then one byte per pixel.
            pixels = data.split(b"\n", 3)[3]
            dark = sum(1 for b in pixels if b < 128)
            check(0.005 < dark / len(pixels) < 0.5, "%s has text on it (%.3f dark)" % (p, dark / len(pixels)))

        # Refusals: exit 2, one line naming the problem, nothing written.
        refused = os.path.join(tmp, "refused.pdf")
        for extra, words in [(["--bill", "2026-11/NO/SUCH/1"], "no payslip on bill '2026-11/NO/SUCH/1'"),
                             (["--bill", bill, "--ddo", ddo], "not both"),
                             (["--ddo", "NOBODY"], "no payslip of DDO 'NOBODY'")]:
            code, _, err = vetan(binary, *args, *extra, "--out", refused)
            check(code == 2 and words in err and err.count("\n") == 1, "refused %s: %d %s" % (extra, code, err))
            check(not os.path.exists(refused), "a refusal writes nothing (%s)" % extra)
        other = os.path.join(tmp, "other.csv")
        with open(employees, encoding="utf-8") as f:
            rows = f.read().splitlines()
        with open(other, "w", encoding="utf-8") as f:
            f.write("\n".join(rows[:-1]) + "\n")  # a master without its last row
        code, _, err = vetan(binary, "payslips", "--profile", profile, "--employees", other, "--run", run,
                             "--out", refused)
        check(code == 2 and "not the run of this month and master" in err, "another master: %d %s" % (code, err))
        check(not os.path.exists(refused), "another master: nothing written")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
