// The DDO's pages: bills (confirm with the authenticator's code, reject with a reason, the
// budget-head split), the mismatch report grouped by reason with what to fix, stopped
// payments (stop, release), proposals, an employee's master with edit, other salary; a
// PASSED bill's payment file (pages/payments.js).
import { api, billPath, query } from "../api.js";
import { h, field, select, table, status, windowed, pager, rupees, number } from "../dom.js";
import { t } from "../i18n.js";
import { paymentPanel } from "./payments.js";

const billColumns = (actions) => [
  [t("bill"), b => b.bill_id], [t("month"), b => b.month], [t("group"), b => b.bill_group],
  [t("state"), b => h("span", {class: "badge s-" + b.state}, b.state)],
  [t("employees"), b => number(b.employees), true], [t("gross"), b => rupees(b.gross), true],
  [t("deductions"), b => rupees(b.total_deductions), true], [t("net"), b => rupees(b.net), true],
  [t("actions"), actions],
];

// The page's totals: what the listed bills add up to.
function pageTotals(bills) {
  const sum = k => bills.reduce((a, b) => a + b[k], 0);
  return h("p", {class: "totals"}, `${t("page_totals")}: ${t("employees")} ${number(sum("employees"))} · ${t("gross")} ${rupees(sum("gross"))} · ${t("deductions")} ${rupees(sum("total_deductions"))} · ${t("net")} ${rupees(sum("net"))}`);
}

// A bill's totals and budget-head split, with the actions `act(bill, box)` adds.
export async function billDetail(box, bill, act) {
  box.replaceChildren(h("p", {class: "loading"}, t("loading")));
  const full = await api("GET", billPath(bill.bill_id));
  const heads = full.budget_heads || [];
  const totals = Object.entries(full.totals || {});
  box.replaceChildren(h("section", {class: "card detail", "aria-label": t("bill_detail") + " " + full.bill_id},
    h("h2", {}, `${t("bill_detail")} ${full.bill_id} — ${full.state}`),
    full.reason ? h("p", {}, `${t("reason")}: ${full.reason}`) : null,
    table(t("budget_split"), [[t("budget_head"), r => r.budget_head], [t("fund_type"), r => r.fund_type],
      [t("employees"), r => number(r.employees), true], [t("gross"), r => rupees(r.gross), true],
      [t("deductions"), r => rupees(r.total_deductions), true], [t("net"), r => rupees(r.net), true]], heads),
    h("details", {}, h("summary", {}, t("totals")),
      table(t("totals"), [["", ([k]) => k], ["₹", ([, v]) => number(v), true]], totals)),
    act(full)));
}

function billsPage(box, session) {
  const detail = h("div", {});
  const stateSel = select(t("filter_state"), [["", t("all")], ...["GENERATED", "CONFIRMED", "PASSED", "OBJECTED", "REJECTED", "SUPERSEDED"].map(s => [s, s])]);
  const said = status();
  box.append(h("div", {class: "filters"}, stateSel.wrap), said.el, detail);
  const p = pager(node => box.insertBefore(node, said.el), async (token) => {
    const r = await api("GET", "/v1/bills" + query({ddo: session.scope, state: stateSel.input.value, page_size: 50, page_token: token}));
    const open = b => h("button", {type: "button", onclick: () => showBill(b)}, t("details"));
    return {node: h("div", {}, table(t("bills"), billColumns(open), r.bills, t("empty_bills")), pageTotals(r.bills)), next: r.next_page_token};
  });
  const showBill = b => billDetail(detail, b, full => [ddoBillActions(full, said, () => { p.reload(); showBill(full); }),
    full.state === "PASSED" ? paymentPanel(full, false) : null])
    .catch(e => { const s = status(); s.fail(e); detail.replaceChildren(s.el); });
  stateSel.input.addEventListener("change", () => p.reload());
}

function ddoBillActions(bill, s, done) {
  if (bill.state !== "GENERATED") return null;
  const otp = field(t("otp"), {inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", name: "otp"});
  const reason = field(t("reason"), {name: "reason", maxlength: "200"});
  const act = async (action, body, message) => {
    try {
      await api("POST", billPath(bill.bill_id) + "/" + action, body);
      s.ok(message);
      done();
    } catch (e) { s.fail(e); }
  };
  return h("div", {class: "actions"},
    h("form", {class: "inline", onsubmit: e => { e.preventDefault(); act("confirm", {otp: otp.input.value}, t("confirmed")); }},
      otp.wrap, h("button", {type: "submit", class: "primary"}, t("confirm"))),
    h("form", {class: "inline", onsubmit: e => { e.preventDefault(); act("reject", {reason: reason.input.value}, t("rejected")); }},
      reason.wrap, h("button", {type: "submit"}, t("reject"))));
}

let fixes = null;
async function mismatchFixes() {
  if (!fixes) fixes = await api("GET", "/assets/mismatch-fixes.json");
  return fixes;
}

function mismatchesPage(box, session) {
  const reasonSel = select(t("filter_reason"), [["", t("all")]]);
  const list = h("div", {});
  box.append(h("div", {class: "filters"}, reasonSel.wrap), list);
  mismatchFixes().then(f => {
    for (const code of Object.keys(f)) reasonSel.input.append(h("option", {value: code}, code));
    const p = pager(node => list.replaceChildren(node), async (token) => {
      const r = await api("GET", "/v1/reports/mismatches" + query({ddo: session.scope, reason: reasonSel.input.value, page_size: 100, page_token: token}));
      // Grouped by reason: each row under each of its reasons, with what the DDO does.
      const groups = new Map();
      for (const row of r.mismatches) for (const code of row.reasons) {
        if (!groups.has(code)) groups.set(code, []);
        groups.get(code).push(row);
      }
      const sections = [...groups.entries()].map(([code, rows]) => h("section", {class: "card reason"},
        h("h2", {}, `${code} (${rows.length})`),
        h("p", {class: "fix"}, h("strong", {}, t("what_to_fix") + ": "), (f[code] || {}).fix || ""),
        table(code, [[t("line"), x => x.line, true], [t("employee_id"), x => x.employee_id], [t("detail"), x => x.detail]], rows)));
      return {node: h("div", {}, h("p", {}, `${t("month")} ${r.month} · run ${r.run_id}`), sections.length ? sections : h("p", {}, t("none"))), next: r.next_page_token};
    });
    reasonSel.input.addEventListener("change", () => p.reload());
  }).catch(e => { const s = status(); s.fail(e); box.append(s.el); });
}

function stoppedPage(box, session) {
  const s = status();
  const id = field(t("employee_id"), {name: "employee_id", required: true});
  const why = field(t("stop_reason"), {name: "stop_reason", required: true, maxlength: "200"});
  let p;
  const stopButton = windowed(h("button", {type: "submit"}, t("stop")), session.windows.stop_payment);
  box.append(h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    try {
      await api("POST", `/v1/employees/${encodeURIComponent(id.input.value)}/stop`, {reason: why.input.value});
      s.ok(t("stopped_ok"));
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("stop")), id.wrap, why.wrap, stopButton, s.el));
  const release = row => h("button", {type: "button", onclick: async () => {
    try {
      await api("POST", `/v1/employees/${encodeURIComponent(row.employee_id)}/release`, {});
      s.ok(t("released") + " " + row.employee_id);
    } catch (err) { s.fail(err); }
  }}, t("release"));
  p = pager(node => box.append(node), async token => {
    const r = await api("GET", "/v1/reports/stopped" + query({ddo: session.scope, page_size: 100, page_token: token}));
    return {node: table(`${t("stopped")} ${r.month}`, [[t("line"), x => x.line, true], [t("employee_id"), x => x.employee_id],
      [t("reason"), x => x.stop_reason], [t("actions"), release]], r.stopped, t("empty_stopped")), next: r.next_page_token};
  });
}

export function proposalsPage(box, session) {
  const s = status();
  const statusSel = select(t("status_filter"), [["PENDING", "PENDING"], ["APPROVED", "APPROVED"], ["REJECTED", "REJECTED"], ["", t("all")]]);
  const decide = x => x.status !== "PENDING" ? x.decided_by : h("span", {},
    windowed(h("button", {type: "button", onclick: () => act(x, "approve")}, t("approve")), session.windows.ddo_approval), " ",
    session.windows.ddo_approval.open ? h("button", {type: "button", onclick: () => act(x, "reject")}, t("reject")) : null);
  const list = h("div", {});
  const p = pager(node => list.replaceChildren(node), async token => {
    const r = await api("GET", "/v1/proposals" + query({status: statusSel.input.value, page_size: 50, page_token: token}));
    return {node: table(t("proposals"), [["#", x => x.proposal_id, true], [t("employee_id"), x => x.employee_id], [t("kind"), x => t("pk_" + x.kind) === "pk_" + x.kind ? x.kind : t("pk_" + x.kind)],
      [t("amount"), x => rupees(x.amount), true], [t("month"), x => x.month], [t("state"), x => x.status], [t("actions"), decide]], r.proposals, t("empty_proposals")),
      next: r.next_page_token};
  });
  async function act(x, action) {
    try {
      await api("POST", `/v1/proposals/${x.proposal_id}/${action}`, action === "reject" ? {reason: "rejected by DDO"} : {});
      s.ok(t("approved"));
      p.reload();
    } catch (err) { s.fail(err); }
  }
  statusSel.input.addEventListener("change", () => p.reload());
  const id = field(t("employee_id"), {name: "employee_id", required: true});
  const kind = select(t("kind"), ["GPF_SUBSCRIPTION", "INCOME_TAX"].map(k => [k, t("pk_" + k)]));
  const amount = field(t("amount"), {type: "number", min: "0", step: "1", name: "amount", required: true});
  box.append(h("div", {class: "filters"}, statusSel.wrap), s.el, list,
    h("form", {class: "card inline", onsubmit: async e => {
      e.preventDefault();
      try {
        await api("POST", `/v1/employees/${encodeURIComponent(id.input.value)}/proposals`, {kind: kind.input.value, amount: Number(amount.input.value)});
        s.ok(t("proposed"));
        p.reload();
      } catch (err) { s.fail(err); }
    }}, h("h2", {}, t("new_proposal")), id.wrap, kind.wrap, amount.wrap,
      windowed(h("button", {type: "submit"}, t("propose")), session.windows.employee_proposals)));
}

function employeePage(box, session, params) {
  const s = status();
  const id = field(t("employee_id"), {name: "employee_id", required: true, value: params && params.employee_id});
  const out = h("div", {});
  box.append(h("form", {class: "card inline", role: "search", onsubmit: async e => {
    e.preventDefault();
    s.clear();
    try { show(await api("GET", `/v1/employees/${encodeURIComponent(id.input.value)}`)); } catch (err) { s.fail(err); }
  }}, id.wrap, h("button", {type: "submit"}, t("find"))), s.el, out);
  if (params && params.employee_id) box.querySelector("form").requestSubmit();
  function show(emp) {
    const inputs = {};
    // Fields come typed (numbers, booleans, null when empty); the form edits their text.
    const rows = Object.entries(emp.fields).map(([k, typed]) => {
      const v = typed === null ? "" : typed === true ? "1" : typed === false ? "0" : String(typed);
      const f = field(k, {name: k, value: v, readonly: ["employee_id", "ddo_code", "treasury_code"].includes(k) || !session.windows.master_edit.open});
      inputs[k] = [f.input, v];
      return f.wrap;
    });
    const save = windowed(h("button", {type: "submit", class: "primary"}, t("save")), session.windows.master_edit);
    out.replaceChildren(h("form", {class: "card master", onsubmit: async e => {
      e.preventDefault();
      const changes = {};
      for (const [k, [input, was]] of Object.entries(inputs)) if (input.value !== was) changes[k] = input.value;
      if (!Object.keys(changes).length) { s.ok(t("unchanged")); return; }
      try {
        const r = await api("PATCH", `/v1/employees/${encodeURIComponent(emp.employee_id)}`, changes);
        s.ok(t("saved") + ((r && r.mismatch_reasons && r.mismatch_reasons.length) ? " " + r.mismatch_reasons.join(", ") : ""));
      } catch (err) { s.fail(err); }
    }}, h("h2", {}, `${emp.employee_id} (${t("line")} ${emp.line})`), emp.problems ? h("p", {class: "status fail"}, emp.problems) : null,
      h("div", {class: "grid"}, rows), save));
  }
}

// `params` (from a returned credit on the failed-credits page): the employee, month and reason
// filled in, to pay the credit again.
function otherSalaryPage(box, session, params) {
  const s = status();
  const p = params || {};
  const id = field(t("employee_id"), {name: "employee_id", required: true, value: p.employee_id});
  const month = field(t("withheld_month"), {name: "month", pattern: "[0-9]{4}-[0-9]{2}", required: true, value: p.month});
  const reason = field(t("reason"), {name: "reason", maxlength: "200", size: p.reason ? "48" : null, value: p.reason});
  if (p.employee_id) box.append(h("p", {class: "hint"}, t("repay_help")));
  box.append(h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    try {
      await api("POST", `/v1/employees/${encodeURIComponent(id.input.value)}/other-salary`, {month: month.input.value, reason: reason.input.value});
      s.ok(t("filed"));
    } catch (err) { s.fail(err); }
  }}, id.wrap, month.wrap, reason.wrap, windowed(h("button", {type: "submit"}, t("file")), session.windows.other_salary), s.el));
}

export const ddoPages = [
  {key: "bills", render: billsPage}, {key: "mismatches", render: mismatchesPage}, {key: "stopped", render: stoppedPage},
  {key: "proposals", render: proposalsPage}, {key: "employee", render: employeePage}, {key: "other_salary", render: otherSalaryPage},
];
export { billColumns, pageTotals };
