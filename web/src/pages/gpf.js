// GPF pages (issue 11 with issue 10): the subscriber's sign-in with a one-time code sent to
// the mobile in the master, the GPF statement, the PF-9 application and its status; the
// PF-9 queues of the DDO, the Head of Office and the AG office (initiator, checker,
// approver) with the computed amount beside each case. Built against the routes of
// /work/notes/fund-routes.md (14:35 UTC); not yet run against them (see docs/web.md).
import { api, apiRaw, query } from "../api.js";
import { h, field, select, table, status, pager, rupees } from "../dom.js";
import { t } from "../i18n.js";

// The subscriber's sign-in: employee id -> code by SMS -> a session like a token's.
export function subscriberSignIn(onSession) {
  const s = status();
  const id = field(t("employee_id"), {name: "employee_id", required: true, autocomplete: "username"});
  const code = field(t("sms_code"), {name: "code", inputmode: "numeric", pattern: "[0-9]{6}", maxlength: "6", autocomplete: "one-time-code"});
  code.wrap.hidden = true;
  const button = h("button", {type: "submit"}, t("send_code"));
  let sent = false;
  return h("form", {class: "card signin", onsubmit: async e => {
    e.preventDefault();
    try {
      if (!sent) {
        const r = await api("POST", "/v1/auth/otp/request", {employee_id: id.input.value});
        s.ok(`${t("code_sent")} ${r.sent_to}`);
        sent = true;
        code.wrap.hidden = false;
        button.textContent = t("signin");
        code.input.focus();
        return;
      }
      const v = await api("POST", "/v1/auth/otp/verify", {employee_id: id.input.value, code: code.input.value});
      onSession(await api("POST", "/v1/session", {token: v.token}));
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("subscriber_signin")), id.wrap, code.wrap, button, s.el);
}

function fyOf(today) {
  const [y, m] = today.split("-").map(Number);
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

async function gpfAccount(session) {
  const cases = await api("GET", "/v1/pf9/cases" + query({page_size: 1})).catch(() => ({cases: []}));
  if (cases.cases.length) return cases.cases[0].gpf_account;
  const emp = await api("GET", `/v1/employees/${encodeURIComponent(session.scope)}`).catch(() => null);
  return emp ? emp.fields.gpf_account : "";
}

function statementPage(box, session) {
  const s = status();
  const account = field(t("gpf_account"), {name: "gpf_account", required: true});
  const fy = field(t("fy"), {name: "fy", value: fyOf(session.today), pattern: "[0-9]{4}-[0-9]{2}"});
  const out = h("div", {});
  const show = async () => {
    s.clear();
    try {
      const r = await api("GET", `/v1/gpf/${encodeURIComponent(account.input.value)}/statement` + query({fy: fy.input.value}));
      out.replaceChildren(h("p", {class: "totals"}, `${t("opening")} ${rupees(r.opening)} · ${t("credits")} ${rupees(r.credits)} · ` +
        `${t("debits")} ${rupees(r.debits)} · ${t("interest")} ${rupees(r.interest)} · ${t("closing")} ${rupees(r.closing)}`),
        table(`${t("gpf")} ${r.gpf_account} ${r.fy}`, [[t("month"), x => x.month], [t("credits"), x => rupees(x.credits), true],
          [t("debits"), x => rupees(x.debits), true], [t("balance"), x => rupees(x.balance), true], [t("rate"), x => x.rate, true]], r.months));
    } catch (err) { s.fail(err); }
  };
  box.append(h("form", {class: "card inline", onsubmit: e => { e.preventDefault(); show(); }}, account.wrap, fy.wrap,
    h("button", {type: "submit"}, t("find"))), s.el, out);
  gpfAccount(session).then(a => { if (a) { account.input.value = a; show(); } });
}

function caseView(c) {
  return h("section", {class: "card"}, h("h2", {}, `${c.case_id} ${c.application_number || ""} — ${c.state}`),
    h("p", {}, `${t("computed_amount")}: ${rupees(c.computed_amount)}` + (c.authorised_amount != null ? ` · ${t("authorised_amount")}: ${rupees(c.authorised_amount)}` : "")),
    table(t("history"), [[t("at"), x => x.at], [t("by"), x => x.by], [t("action"), x => x.action], [t("state"), x => x.to], [t("remark"), x => x.remark]], c.history || []));
}

function pf9Page(box, session) {
  const s = status();
  const out = h("div", {});
  const reason = select(t("pf9_reason"), [["RETIREMENT", "RETIREMENT"], ["QUIT", "QUIT"], ["TRANSFER", "TRANSFER"]]);
  const bank = field(t("bank_account"), {name: "bank_account", required: true, inputmode: "numeric"});
  const ifsc = field("IFSC", {name: "ifsc", required: true, pattern: "[A-Z]{4}0[A-Z0-9]{6}"});
  const month = field(t("payable_month"), {name: "payable_month", value: session.today.slice(0, 7), pattern: "[0-9]{4}-[0-9]{2}"});
  const load = async () => {
    const r = await api("GET", "/v1/pf9/cases" + query({page_size: 20}));
    out.replaceChildren(...r.cases.map(c => h("div", {}, caseView(c), ["DRAFT", "RETURNED"].includes(c.state) ? draftActions(c) : null)));
  };
  function draftActions(c) {
    const docs = ["SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"].map(kind => {
      const f = field(`${t("document")} ${kind} (PDF)`, {type: "file", accept: "application/pdf", name: kind});
      f.input.addEventListener("change", async () => {
        try {
          await apiRaw("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/documents/${kind}`, await f.input.files[0].arrayBuffer(), "application/pdf");
          s.ok(`${kind} ✓`);
        } catch (err) { s.fail(err); }
      });
      return f.wrap;
    });
    return h("div", {class: "card actions"}, docs, h("button", {type: "button", class: "primary", onclick: async () => {
      try { await api("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/lock`, {}); s.ok(t("submitted")); load(); } catch (err) { s.fail(err); }
    }}, t("submit_application")));
  }
  box.append(h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    try {
      await api("POST", "/v1/pf9/cases", {reason: reason.input.value, bank_account: bank.input.value, ifsc: ifsc.input.value, payable_month: month.input.value});
      s.ok(t("draft_saved"));
      load();
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("pf9")), reason.wrap, bank.wrap, ifsc.wrap, month.wrap, h("button", {type: "submit"}, t("save"))), s.el, out);
  load().catch(err => s.fail(err));
}

// What each queue acts on, by role: [state listed, [action, body maker]].
function queueFor(role, scope) {
  if (role === "ddo") return ["SUBMITTED", [["agree", () => ({final_deductions: [], advances: []})], ["sign", () => ({})], ["return", remark]]];
  if (role === "hoo") return ["DDO_SIGNED", [["forward", () => ({})], ["send-back", remark]]];
  if (role === "ag" && scope === "initiator") return ["FORWARDED", [["initiate", amount]]];
  if (role === "ag" && scope === "checker") return ["INITIATED", [["check", amount]]];
  if (role === "ag" && scope === "approver") return ["CHECKED", [["approve", amount]]];
  return ["", []];
}
const remark = (c, f) => ({remark: f.remark.value});
const amount = (c, f) => (Number(f.amount.value) === c.computed_amount ? {amount: c.computed_amount} : {amount: Number(f.amount.value), reason: f.remark.value});

function queuePage(box, session) {
  const [state, actions] = queueFor(session.role, session.scope);
  const s = status();
  const stateSel = select(t("state"), [[state, state], ["", t("all")]]);
  const act = c => {
    const amountField = field(t("amount"), {type: "number", name: "amount", value: c.computed_amount});
    const remarkField = field(t("remark"), {name: "remark"});
    const f = {amount: amountField.input, remark: remarkField.input};
    return h("form", {class: "inline", onsubmit: e => e.preventDefault()}, actions.some(([, b]) => b === amount) ? amountField.wrap : null, remarkField.wrap,
      actions.map(([name, body]) => h("button", {type: "button", onclick: async () => {
        try { await api("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/${name}`, body(c, f)); s.ok(`${c.case_id}: ${name}`); p.reload(); } catch (err) { s.fail(err); }
      }}, t("pf9_" + name))));
  };
  const p = pager(node => box.append(node), async token => {
    const r = await api("GET", "/v1/pf9/cases" + query({state: stateSel.input.value, page_size: 50, page_token: token}));
    return {node: table(t("pf9_queue"), [[t("case"), c => c.application_number || c.case_id], [t("employee_id"), c => c.employee_id],
      [t("ddo_code"), c => c.ddo_code], [t("state"), c => c.state], [t("computed_amount"), c => rupees(c.computed_amount), true],
      [t("actions"), act]], r.cases), next: r.next_page_token};
  });
  stateSel.input.addEventListener("change", () => p.reload());
  box.prepend(h("div", {class: "filters"}, stateSel.wrap), s.el);
}

export const employeePages = [{key: "gpf", render: statementPage}, {key: "pf9", render: pf9Page}];
export const queuePages = [{key: "pf9_queue", render: queuePage}];
