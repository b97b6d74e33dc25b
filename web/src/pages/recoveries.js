// Over-payment recoveries (docs/close.md §2): the DDO files one for a settled month
// (computed from a late LWP entry, or an amount it enters), sees each schedule's balance and
// may waive the rest with a reason; the employee sees its own.
import { api } from "../api.js";
import { h, field, table, status, rupees } from "../dom.js";
import { t } from "../i18n.js";

const path = id => `/v1/employees/${encodeURIComponent(id)}/recoveries`;

function recoveriesTable(id, list, act) {
  const columns = [[t("recovery"), r => r.recovery_id], [t("over_paid_month"), r => r.month_over_paid],
    [t("amount_over_paid"), r => rupees(r.amount), true], [t("instalment"), r => `${rupees(r.instalment)} × ${r.instalments}`, true],
    [t("recovered"), r => rupees(r.recovered), true], [t("pending"), r => rupees(r.pending), true],
    [t("balance"), r => rupees(r.balance), true], [t("state"), r => t("recovery_" + r.state)], [t("reason"), r => r.state === "WAIVED" ? `${r.reason} · ${r.waive_reason}` : r.reason]];
  if (act) columns.push([t("actions"), act]);
  return table(`${t("recoveries")} ${id}`, columns, list, t("empty_recoveries"));
}

function ddoRecoveriesPage(box) {
  const s = status();
  const id = field(t("employee_id"), {name: "employee_id", required: true});
  const month = field(t("month_over_paid"), {name: "month", pattern: "[0-9]{4}-[0-9]{2}", required: true});
  const instalments = field(t("instalments"), {name: "instalments", type: "number", min: "1", max: "120", value: "1", required: true});
  const lwp = field(t("lwp_days_late"), {name: "lwp_days", type: "number", min: "0", max: "31"});
  const amount = field(t("amount_entered"), {name: "amount", type: "number", min: "1"});
  const reason = field(t("reason"), {name: "reason", maxlength: "200", required: true});
  const out = h("div", {});
  const show = async () => {
    const employee = id.input.value.trim();
    if (!employee) return;
    const r = await api("GET", path(employee));
    out.replaceChildren(recoveriesTable(employee, r.recoveries, x => x.state !== "OPEN" ? "" : waiveForm(employee, x)),
      h("p", {class: "totals"}, `${t("balance")} ${rupees(r.balance)}`));
  };
  function waiveForm(employee, x) {
    const why = field(t("waive_reason"), {name: "waive_reason", maxlength: "200", required: true});
    return h("form", {class: "inline", onsubmit: async e => {
      e.preventDefault();
      try {
        await api("POST", `${path(employee)}/${encodeURIComponent(x.recovery_id)}/waive`, {reason: why.input.value});
        s.ok(`${x.recovery_id}: ${t("waived")}`);
        await show();
      } catch (err) { s.fail(err); }
    }}, why.wrap, h("button", {type: "submit"}, t("waive")));
  }
  box.append(h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    const body = {month: month.input.value, instalments: Number(instalments.input.value), reason: reason.input.value};
    if (lwp.input.value !== "") body.lwp_days = Number(lwp.input.value);
    if (amount.input.value !== "") body.amount = Number(amount.input.value);
    try {
      const r = await api("POST", path(id.input.value.trim()), body);
      s.ok(`${r.recovery.recovery_id}: ${t("recovery_filed")} ${rupees(r.recovery.amount)}`);
      await show();
    } catch (err) { s.fail(err); }
  }}, h("p", {class: "hint"}, t("recovery_help")), id.wrap, month.wrap, instalments.wrap, lwp.wrap, amount.wrap, reason.wrap,
    h("button", {type: "submit", class: "primary"}, t("recover")),
    h("button", {type: "button", onclick: async () => { s.clear(); try { await show(); } catch (err) { s.fail(err); } }}, t("find")), s.el), out);
}

function myRecoveriesPage(box, session) {
  const s = status();
  const out = h("div", {});
  box.append(s.el, out);
  api("GET", path(session.scope)).then(r => {
    out.replaceChildren(recoveriesTable(session.scope, r.recoveries, null), h("p", {class: "totals"}, `${t("balance")} ${rupees(r.balance)}`));
  }).catch(err => s.fail(err));
}

export const ddoRecoveryPages = [{key: "recoveries", render: ddoRecoveriesPage}];
export const employeeRecoveryPages = [{key: "recoveries", render: myRecoveriesPage}];
