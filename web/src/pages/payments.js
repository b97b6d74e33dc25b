// Payment files (docs/payment.md "In the service"): a PASSED bill's pain.001 message, bank
// advice and signature, made by its treasury once and read by its DDO; the bank's pain.002
// return marking credits failed; the failed credits, which the DDO pays again once through
// other salary. The downloads are plain links: the browser sends the session cookie with them.
import { api, apiRaw, billPath, query } from "../api.js";
import { h, field, table, status, rupees, number, go, pager } from "../dom.js";
import { t } from "../i18n.js";

const paymentPath = id => "/v1/payments/" + encodeURIComponent(id);

// A return reason in the page's language: Hindi has its own text of the codes docs/payment.md
// lists (`rr_<code>`); otherwise the server's.
function reasonText(code, server) {
  const key = "rr_" + code;
  const text = t(key);
  return text === key ? server : text;
}

// The payment file's figures and its three downloads.
function fileView(p) {
  const mono = v => h("span", {class: "mono"}, v);
  const rows = [
    [t("message_id"), mono(p.message_id)], [t("payment_information_id"), mono(p.payment_information_id)],
    [t("month"), p.month], [t("execution_date"), p.execution_date], [t("credits_count"), number(p.transactions)],
    [t("control_sum"), rupees(p.control_sum)], [t("debtor_account"), p.debtor_account],
    [t("xml_sha256"), mono(p.sha256)], [t("advice_sha256"), mono(p.advice_sha256)],
    p.signature ? [t("signature"), h("span", {}, p.signature.subject, " · ", mono(p.signature.sha256))] : [t("signature"), t("unsigned")],
    [t("issued"), `${p.issued_by} · ${p.issued_at}`], [t("failed_credits"), number(p.failed_credits)],
  ];
  const link = (suffix, file, label) => h("a", {class: "button", href: paymentPath(p.message_id) + suffix, download: file}, label);
  return h("div", {},
    table(`${t("payment_file")} ${p.file}`, [[t("field_name"), ([k]) => k], [t("value"), ([, v]) => v]], rows),
    h("p", {class: "buttons downloads"}, link("", p.file, t("download_xml")), link("/advice", p.advice_file, t("download_advice")),
      p.signature ? link("/signature", p.signature.file, t("download_signature")) : null));
}

// The bank's return for message `p`: a pain.002 file posted as it is; the outcome or the
// server's refusal, as it says it (the line and the problem).
function returnsForm(p, reload) {
  const s = status();
  const out = h("div", {});
  const file = field(t("return_file"), {type: "file", name: "return_file", accept: ".xml,application/xml,text/xml", required: true});
  const form = h("form", {class: "inline", onsubmit: async e => {
    e.preventDefault();
    s.clear();
    out.replaceChildren();
    const chosen = file.input.files[0];
    if (!chosen) return;
    try {
      const r = await apiRaw("POST", paymentPath(p.message_id) + "/returns", await chosen.arrayBuffer(), "application/xml");
      s.ok(`${r.return_message_id}: ${t("statuses")} ${number(r.statuses)} · ${t("rejected_count")} ${number(r.rejected)} · ` +
           `${t("failed_newly")} ${number(r.failed_newly)}`);
      out.replaceChildren(table(`${t("marked_failed")} ${r.return_message_id}`, [[t("end_to_end_id"), x => x.end_to_end_id],
        [t("employee_id"), x => x.employee_id], [t("amount_col"), x => rupees(x.amount), true],
        [t("reason"), x => `${x.reason_code} ${reasonText(x.reason_code, x.reason)}`]], r.failed));
      reload();
    } catch (err) { s.fail(err); }
  }}, file.wrap, h("button", {type: "submit"}, t("upload_return")));
  return h("section", {class: "returns", "aria-label": `${t("bank_returns")} ${p.message_id}`},
    h("h3", {}, t("bank_returns")), h("p", {class: "hint"}, t("returns_help")), form, s.el, out);
}

// The payment card of a bill's view: its file if made; for the treasury (`mayIssue`) the
// button that makes it and the bank's returns; for a bill not PASSED, why there is none.
export function paymentPanel(bill, mayIssue) {
  const s = status();
  const body = h("div", {});
  const card = h("section", {class: "card payment", "aria-label": `${t("payment_file")} ${bill.bill_id}`},
    h("h2", {}, t("payment_file")), body, s.el);
  if (bill.state !== "PASSED") {
    body.append(h("p", {class: "hint"}, `${t("no_file")} ${t("why_" + bill.state)}`));
    return card;
  }
  let returns = null;  // kept across reloads: the outcome of the last return stays shown
  const show = async () => {
    let p = null;
    try {
      p = await api("GET", billPath(bill.bill_id) + "/payment");
    } catch (err) {
      if (err.status !== 404) { s.fail(err); return; }
    }
    if (p) {
      if (mayIssue && !returns) returns = returnsForm(p, show);
      body.replaceChildren(...[fileView(p), returns].filter(Boolean));
      return;
    }
    if (!mayIssue) { body.replaceChildren(h("p", {class: "hint"}, t("no_file_yet"))); return; }
    const date = field(t("execution_date_opt"), {name: "execution_date", pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}", placeholder: "YYYY-MM-DD"});
    body.replaceChildren(h("p", {class: "hint"}, t("make_help")), h("form", {class: "inline", onsubmit: async e => {
      e.preventDefault();
      try {
        const made = await api("POST", billPath(bill.bill_id) + "/payment", date.input.value ? {execution_date: date.input.value} : {});
        s.ok(`${t("file_made")} ${made.message_id}`);
        show();
      } catch (err) { s.fail(err); }
    }}, date.wrap, h("button", {type: "submit", class: "primary"}, t("make_file"))));
  };
  body.append(h("p", {class: "loading"}, t("loading")));
  show();
  return card;
}

// The credits the bank returned (GET /v1/payments/failed, scoped by the server: a DDO its
// own, a treasury its DDOs'). The DDO's rows not paid again link to the employee's master
// (to correct the account) and to the other-salary request, filled in.
function failedPage(box, session) {
  const s = status();
  const out = h("div", {});
  const ddo = session.role === "ddo";
  box.append(h("p", {class: "hint"}, t(ddo ? "failed_help_ddo" : "failed_help_treasury")), s.el, out);
  const act = f => f.repaid ? "" : h("span", {class: "buttons"},
    h("button", {type: "button", onclick: () => go("employee", {employee_id: f.employee_id})}, t("correct_account")),
    h("button", {type: "button", class: "primary", onclick: () => go("other_salary",
      {employee_id: f.employee_id, month: f.month, reason: `${f.reason_code} ${f.reason} (${f.end_to_end_id})`})}, t("pay_again")));
  const nowrap = text => h("span", {class: "nowrap"}, text);
  const again = f => f.repaid_by ? [`${t("yes")}: `, nowrap(f.repaid_by), ` (${f.repaid_state})`] : t("no");
  const columns = [[t("employee_id"), f => `${f.employee_id} · ${f.name}`], [t("bill"), f => nowrap(f.bill_id)], [t("month"), f => nowrap(f.month)],
    [t("amount_col"), f => rupees(f.amount), true], [t("bank_account"), f => [nowrap(f.bank_account), " ", nowrap(f.ifsc)]],
    [t("reason"), f => [f.reason_code, reasonText(f.reason_code, f.reason), f.additional_information].filter(Boolean).join(" · ")],
    [t("returned_at"), f => nowrap(f.returned_at.replace("T", " "))], [t("paid_again"), again]];
  if (ddo) columns.push([t("actions"), act]);
  api("GET", "/v1/payments/failed").then(r => {
    const open = r.failed.filter(f => !f.repaid);
    out.replaceChildren(table(t("returned_credits"), columns, r.failed, t("empty_failed")),
      h("p", {class: "totals"}, `${t("failed_credits")} ${number(r.failed.length)} · ${rupees(r.failed.reduce((a, f) => a + f.amount, 0))} · ` +
        `${t("not_paid_again")} ${number(open.length)} · ${rupees(open.reduce((a, f) => a + f.amount, 0))}`));
  }).catch(err => s.fail(err));
}

// The payment files issued (GET /v1/payments, scoped by the server: a DDO its own, a treasury
// its DDOs'), a month's or all, a page at a time in bill order, each with its downloads.
function issuedPage(box, session) {
  const month = field(t("month"), {name: "month", value: session.today.slice(0, 7), pattern: "[0-9]{4}-[0-9]{2}",
                                   placeholder: "YYYY-MM"});
  const nowrap = text => h("span", {class: "nowrap"}, text);
  const link = (p, suffix, file, label) => h("a", {href: paymentPath(p.message_id) + suffix, download: file}, label);
  const columns = [[t("bill"), p => nowrap(p.bill_id)], [t("message_id"), p => h("span", {class: "mono"}, p.message_id)],
    [t("execution_date"), p => nowrap(p.execution_date)], [t("credits_count"), p => number(p.transactions), true],
    [t("control_sum"), p => rupees(p.control_sum), true], [t("failed_credits"), p => number(p.failed_credits), true],
    [t("issued"), p => [p.issued_by, " · ", nowrap(p.issued_at.replace("T", " "))]],
    [t("files"), p => h("span", {class: "buttons"}, link(p, "", p.file, t("download_xml")),
      link(p, "/advice", p.advice_file, t("download_advice")))]];
  box.append(h("p", {class: "hint"}, t("issued_help")));
  const form = h("form", {class: "card inline", onsubmit: e => { e.preventDefault(); list.reload(); }}, month.wrap,
    h("button", {type: "submit"}, t("find")));
  box.append(form);
  const list = pager(node => box.append(node), async token => {
    const r = await api("GET", "/v1/payments" + query({month: month.input.value.trim(), page_size: 100, page_token: token}));
    const totals = r.payments.length ? h("p", {class: "totals"},
      `${t("credits_count")} ${number(r.payments.reduce((a, p) => a + p.transactions, 0))} · ` +
      `${t("control_sum")} ${rupees(r.payments.reduce((a, p) => a + p.control_sum, 0))}`) : null;
    return {node: h("div", {}, table(t("issued_payments"), columns, r.payments, t("empty_issued")), totals),
      next: r.next_page_token};
  });
}

export const failedPages = [{key: "failed_credits", render: failedPage}];
export const issuedPages = [{key: "payments_issued", render: issuedPage}];
