// GPF pages (issue 11 with issue 10): the subscriber's sign-in with a one-time code sent to
// the mobile in the master, the GPF statement, the PF-9 application and its status; the
// PF-9 queues of the DDO, the Head of Office and the AG office (initiator, checker,
// approver) with the computed amount beside each case (GET /v1/pf9/cases gives it).
// Tested end to end in tests/web/browser_test.py.
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
        await api("POST", "/v1/session/code", {employee_id: id.input.value});
        s.ok(t("code_sent"));
        sent = true;
        code.wrap.hidden = false;
        button.textContent = t("signin");
        code.input.focus();
        return;
      }
      onSession(await api("POST", "/v1/session/employee", {employee_id: id.input.value, code: code.input.value}));
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("subscriber_signin")), id.wrap, code.wrap, button, s.el);
}

function fyOf(today) {
  const [y, m] = today.split("-").map(Number);
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

// The subscriber's account: GET /v1/session names it for an employee's session.
async function gpfAccount(session) {
  if (session.gpf_account) return session.gpf_account;
  const cases = await api("GET", "/v1/pf9/cases" + query({page_size: 1})).catch(() => ({cases: []}));
  return cases.cases.length ? cases.cases[0].gpf_account : "";
}

function statementPage(box, session) {
  const s = status();
  const account = field(t("gpf_account"), {name: "gpf_account", required: true});
  const fy = field(t("fy"), {name: "fy", value: fyOf(session.today), pattern: "[0-9]{4}-[0-9]{2}"});
  const out = h("div", {});
  const show = async () => {
    s.clear();
    try {
      const r = await api("GET", "/v1/gpf/statement" + query({account: account.input.value, fy: fy.input.value}));
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

function caseView(c, computed) {
  const amounts = [computed != null ? `${t("computed_amount")}: ${rupees(computed)}` : null,
    c.authorised_amount != null ? `${t("authorised_amount")}: ${rupees(c.authorised_amount)}` : null].filter(Boolean).join(" · ");
  return h("section", {class: "card"}, h("h2", {}, `${c.application_number || c.case_id} — ${c.state}`),
    amounts ? h("p", {class: "totals"}, amounts) : null,
    h("p", {}, `${t("documents")}: ${c.documents.map(d => d.kind).join(", ") || "—"}`),
    table(`${t("history")} ${c.case_id}`, [[t("at"), x => x.at], [t("action"), x => x.action], [t("state"), x => x.to], [t("remark"), x => x.remark]], c.history || []));
}

// The gpf.md §5 amount the server computes: each case of GET /v1/pf9/cases carries it.
const computedOf = c => c.computed_amount ?? null;

function pf9Page(box, session) {
  const s = status();
  const out = h("div", {});
  const reason = select(t("pf9_reason"), ["RETIREMENT", "QUIT", "TRANSFER"].map(r => [r, t("pf9r_" + r)]));
  const bank = field(t("bank_account"), {name: "bank_account", required: true, inputmode: "numeric"});
  const ifsc = field("IFSC", {name: "ifsc", required: true, pattern: "[A-Z]{4}0[A-Z0-9]{6}"});
  const month = field(t("payable_month"), {name: "payable_month", value: session.today.slice(0, 7), pattern: "[0-9]{4}-[0-9]{2}"});
  const load = async () => {
    const r = await api("GET", "/v1/pf9/cases" + query({page_size: 20}));
    out.replaceChildren(...r.cases.map(c => h("div", {}, caseView(c, computedOf(c)), ["DRAFT", "RETURNED"].includes(c.state) ? draftActions(c) : null)));
    form.hidden = r.cases.length > 0;  // one final payment: the form opens the case
  };
  function draftActions(c) {
    const docs = ["SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"].map(kind => {
      const f = field(`${t("document")} ${kind} (PDF)`, {type: "file", accept: "application/pdf", name: kind});
      f.input.addEventListener("change", async () => {
        try {
          await apiRaw("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/documents/${kind}`, await f.input.files[0].arrayBuffer(), "application/pdf");
          s.ok(`${t("uploaded")} ${kind}`);
          load();
        } catch (err) { s.fail(err); }
      });
      return f.wrap;
    });
    return h("div", {class: "card actions"}, docs, h("button", {type: "button", class: "primary", onclick: async () => {
      try { await api("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/lock`, {}); s.ok(t("submitted")); load(); } catch (err) { s.fail(err); }
    }}, t("submit_application")));
  }
  const form = h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    try {
      await api("POST", "/v1/pf9/cases", {reason: reason.input.value, bank_account: bank.input.value, ifsc: ifsc.input.value, payable_month: month.input.value});
      s.ok(t("draft_saved"));
      load();
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("pf9")), reason.wrap, bank.wrap, ifsc.wrap, month.wrap, h("button", {type: "submit"}, t("save")));
  box.append(form, s.el, out);
  load().catch(err => s.fail(err));
}

// What each role does to a case in each state (gpf.md §7): {state: [[action, body maker]]}.
function stepsFor(role, scope) {
  if (role === "ddo") return {SUBMITTED: [["agree", () => ({final_deductions: [], advances: []})], ["return", remark]], DDO_AGREED: [["sign", () => ({})]]};
  if (role === "hoo") return {DDO_SIGNED: [["forward", () => ({})], ["send-back", remark]]};
  if (role === "ag" && scope === "initiator") return {FORWARDED: [["initiate", amount]]};
  if (role === "ag" && scope === "checker") return {INITIATED: [["check", amount]]};
  if (role === "ag" && scope === "approver") return {CHECKED: [["approve", amount]]};
  // The treasury pays what the approver authorised (the server refuses any other amount).
  if (role === "treasury") return {AUTHORISED: [["pay", (c, f) => ({voucher: f.remark.value, amount: c.authorised_amount})]]};
  return {};
}
const remark = (c, f) => ({remark: f.remark.value});
// The amount due: the computed one needs no reason; a differing one carries the remark as it.
const amount = (c, f) => (Number(f.amount.value) === c.computed ? {amount: c.computed} : {amount: Number(f.amount.value), reason: f.remark.value});

function queuePage(box, session) {
  const steps = stepsFor(session.role, session.scope);
  const s = status();
  const stateSel = select(t("state"), [["", t("to_act")], ...Object.keys(steps).map(k => [k, k]), ["*", t("all")]]);
  const act = c => {
    const actions = steps[c.state] || [];
    if (!actions.length) return "—";
    const amountField = field(`${t("amount")} ${c.case_id}`, {type: "number", name: "amount", value: c.computed ?? ""});
    const remarkField = field(`${t(session.role === "treasury" ? "voucher" : "remark")} ${c.case_id}`, {name: "remark"});
    const f = {amount: amountField.input, remark: remarkField.input};
    return h("form", {class: "inline", onsubmit: e => e.preventDefault()}, actions.some(([, b]) => b === amount) ? amountField.wrap : null, remarkField.wrap,
      actions.map(([name, body]) => h("button", {type: "button", "data-step": name, onclick: async () => {
        try { await api("POST", `/v1/pf9/cases/${encodeURIComponent(c.case_id)}/${name}`, body(c, f)); s.ok(`${c.case_id}: ${t("pf9_" + name)} ✓`); p.reload(); } catch (err) { s.fail(err); }
      }}, t("pf9_" + name))));
  };
  const p = pager(node => box.append(node), async token => {
    const wanted = stateSel.input.value;
    const r = await api("GET", "/v1/pf9/cases" + query({state: wanted === "*" || wanted === "" ? "" : wanted, page_size: 20, page_token: token}));
    const cases = wanted === "" ? r.cases.filter(c => steps[c.state]) : r.cases;
    for (const c of cases) c.computed = computedOf(c);
    return {node: table(t("pf9_queue"), [[t("case"), c => c.application_number || c.case_id], [t("employee_id"), c => c.employee_id],
      [t("ddo_code"), c => c.ddo_code], [t("state"), c => c.state], [t("computed_amount"), c => c.computed == null ? "—" : rupees(c.computed), true],
      [t("actions"), act]], cases, t("empty_pf9")), next: r.next_page_token};
  });
  stateSel.input.addEventListener("change", () => p.reload());
  const heading = box.querySelector("h1");
  if (heading) heading.after(h("div", {class: "filters"}, stateSel.wrap), s.el);
  else box.prepend(h("div", {class: "filters"}, stateSel.wrap), s.el);
}

export const employeePages = [{key: "gpf", render: statementPage}, {key: "pf9", render: pf9Page}];
export const queuePages = [{key: "pf9_queue", render: queuePage}];
