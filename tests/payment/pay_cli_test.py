#!/usr/bin/env python3
"""vetan pay and vetan pay returns end to end (docs/payment.md), on docs/examples:

- one pain.001 per bill, its advice and manifest.csv; the XML parses, its NbOfTxs and
  CtrlSum are the bill's, each file's SHA-256 is the manifest's; a Devanagari name is
  credited transliterated;
- the same bills again: the same bytes, nothing new; a bill changed since it was issued is
  refused and nothing changes; a name outside the Latin set, an unknown DDO are refused;
- returns: a rejected credit goes to failed.csv with its reason (once, however often the
  file is imported); a return naming an unknown payment or malformed XML is refused naming
  the line, and failed.csv is unchanged.

usage: pay_cli_test.py VETAN SOURCE_DIR
"""
import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_support import check, finish, vetan  # noqa: E402

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def snapshot(folder):
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}


RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>BANK-RET-7</MsgId>
      <CreDtTm>2026-12-02T10:00:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>{msg}</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>{pmt}</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf>
          <Rsn>
            <Cd>AC01</Cd>
          </Rsn>
        </StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
"""


def main():
    binary, source = sys.argv[1], sys.argv[2]
    examples = os.path.join(source, "docs", "examples")
    profile = os.path.join(examples, "profile.json")
    tmp = tempfile.mkdtemp(prefix="vetan-pay-")
    try:
        run = os.path.join(tmp, "run")
        code, _, err = vetan(binary, "run", "--quiet", "--profile", profile, "--employees",
                             os.path.join(examples, "employees.csv"), "--month", "2026-11", "--out", run)
        check(code == 0, f"vetan run: {err}")
        config = os.path.join(tmp, "debtors.json")
        json.dump({"initiating_party": "Treasury Office Jaipur", "debtors": [
            {"ddo_code": "DDO-EDU-01", "name": "DDO Education Jaipur", "account": "10000000001", "ifsc": "SBIN0001234"},
            {"ddo_code": "DDO-HLT-02", "name": "DDO Health Jaipur", "account": "10000000002", "ifsc": "SBIN0004321"}]},
            open(config, "w"))
        pay = os.path.join(tmp, "pay")
        args = ["pay", "--quiet", "--profile", profile, "--run", run, "--config", config, "--out", pay]
        code, _, err = vetan(binary, *args)
        check(code == 0, f"vetan pay: exit {code} ({err.strip()})")
        bills = {b["bill_id"]: b for b in rows(os.path.join(run, "bills.csv"))}
        manifest = rows(os.path.join(pay, "manifest.csv"))
        check(sorted(m["bill_id"] for m in manifest) == sorted(bills), f"manifest bills: {manifest}")
        names = []
        for m in manifest:
            data = open(os.path.join(pay, m["file"]), "rb").read()
            check(hashlib.sha256(data).hexdigest() == m["sha256"], f"{m['file']}: sha256 is not the manifest's")
            advice = open(os.path.join(pay, m["advice_file"]), "rb").read()
            check(hashlib.sha256(advice).hexdigest() == m["advice_sha256"], f"{m['advice_file']}: sha256")
            root = ET.fromstring(data)
            check(root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=NS) == m["message_id"], "MsgId")
            n = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS)
            s = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS)
            bill = bills[m["bill_id"]]
            check(n == bill["employees"] == m["transactions"], f"{m['bill_id']}: NbOfTxs {n}, bill {bill['employees']}")
            check(s == bill["net"] + ".00" == m["control_sum"], f"{m['bill_id']}: CtrlSum {s}, bill net {bill['net']}")
            names += [e.text for e in root.iter("{%s}Nm" % NS["p"])]
        check("Rajesh Sharma" in names, f"the Devanagari name is not credited transliterated: {names}")

        # The same bills again: the same files, nothing issued twice.
        before = snapshot(pay)
        code, _, err = vetan(binary, *args)
        check(code == 0 and snapshot(pay) == before, f"a second vetan pay changed the folder ({err.strip()})")

        # A bill changed after it was issued is refused (a second file could pay twice).
        changed = os.path.join(tmp, "changed")
        shutil.copytree(run, changed)
        slips = open(os.path.join(changed, "payslips.csv"), encoding="utf-8").read()
        check("30211456789" in slips, "the example's first account")
        open(os.path.join(changed, "payslips.csv"), "w", encoding="utf-8").write(slips.replace("30211456789", "30211456700"))
        code, _, err = vetan(binary, "pay", "--profile", profile, "--run", changed, "--config", config, "--out", pay)
        check(code == 2 and "was issued as" in err and "other content" in err, f"re-issue with other content: {code} {err}")
        check(snapshot(pay) == before, "a refused re-issue changed the folder")

        # A name the bank's set cannot carry is refused naming the line; so is an unknown DDO.
        tamil = os.path.join(tmp, "tamil")
        shutil.copytree(run, tamil)
        open(os.path.join(tamil, "payslips.csv"), "w", encoding="utf-8").write(slips.replace("Meena Kumari", "மீனா"))
        code, _, err = vetan(binary, "pay", "--profile", profile, "--run", tamil, "--config", config,
                             "--out", os.path.join(tmp, "pay-tamil"))
        check(code == 2 and "payslips.csv: line 2 (E1001)" in err and "U+0BAE" in err, f"Tamil name: {err}")
        check(not os.path.exists(os.path.join(tmp, "pay-tamil", "manifest.csv")), "a refused pay wrote a manifest")
        one = os.path.join(tmp, "one.json")
        cfg = json.load(open(config))
        cfg["debtors"] = cfg["debtors"][:1]
        json.dump(cfg, open(one, "w"))
        code, _, err = vetan(binary, "pay", "--profile", profile, "--run", run, "--config", one,
                             "--out", os.path.join(tmp, "pay-one"))
        check(code == 2 and "no debtor account for DDO 'DDO-HLT-02'" in err, f"unknown DDO: {err}")

        # Returns: one rejected credit.
        edu = next(m for m in manifest if m["bill_id"] == "2026-11/TR01/DDO-EDU-01/1")
        advice = rows(os.path.join(pay, edu["advice_file"]))
        rejected = next(a for a in advice if a["employee_id"] == "E1002")
        ret = os.path.join(tmp, "return.xml")
        open(ret, "w").write(RETURN.format(msg=edu["message_id"], pmt=edu["payment_information_id"],
                                           e2e=rejected["end_to_end_id"]))
        for attempt in (1, 2):
            code, out, err = vetan(binary, "pay", "returns", "--payments", pay, "--returns", ret)
            check(code == 0, f"pay returns (attempt {attempt}): {err}")
            check(attempt == 2 or ("E1002" in out and "other salary" in out), f"the DDO's list: {out}")
            failed = rows(os.path.join(pay, "failed.csv"))
            check([(f["employee_id"], f["reason_code"], f["amount"], f["bill_id"]) for f in failed] ==
                  [("E1002", "AC01", rejected["amount"], edu["bill_id"])], f"failed.csv: {failed}")
        after_returns = snapshot(pay)
        bad = os.path.join(tmp, "bad.xml")
        open(bad, "w").write(RETURN.format(msg=edu["message_id"], pmt=edu["payment_information_id"],
                                           e2e="ffffffffffffffff-0000009"))
        code, _, err = vetan(binary, "pay", "returns", "--payments", pay, "--returns", bad)
        check(code == 2 and "line 14: <OrgnlEndToEndId> 'ffffffffffffffff-0000009' is not a payment" in err,
              f"unknown payment: {err}")
        open(bad, "w").write(RETURN.format(msg="VETAN-202611-0000000000000000", pmt="x", e2e="y"))
        code, _, err = vetan(binary, "pay", "returns", "--payments", pay, "--returns", bad)
        check(code == 2 and "line 8: <OrgnlMsgId> 'VETAN-202611-0000000000000000' is not a message" in err,
              f"unknown message: {err}")
        open(bad, "w").write(RETURN.format(msg=edu["message_id"], pmt=edu["payment_information_id"],
                                           e2e=rejected["end_to_end_id"]).replace("</TxSts>", "</TxSt>"))
        code, _, err = vetan(binary, "pay", "returns", "--payments", pay, "--returns", bad)
        check(code == 2 and "line 16, column" in err and "not well-formed XML" in err, f"malformed: {err}")
        check(snapshot(pay) == after_returns, "a refused return changed the payment folder")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("vetan pay: all checks hold")


if __name__ == "__main__":
    sys.exit(main())
