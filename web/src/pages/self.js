// The employee's own pages beside the GPF ones: a month's payslip (and its printable PDF in
// Hindi and English) and its deduction proposals (file one in the proposals window; see
// those filed and what the DDO decided).
import { api, query } from "../api.js";
import { h, field, select, table, status, rupees, windowed, pager } from "../dom.js";
import { t } from "../i18n.js";

// The payslip's column as the printed payslip names it (core/payslip/payslip_sheet.cc), else its code.
const label = code => { const text = t("pc_" + code); return text === "pc_" + code ? code.toUpperCase() : text; };

const lastMonth = today => {
  const [y, m] = today.slice(0, 7).split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
};

function payslipPage(box, session) {
  const s = status();
  const month = field(t("month"), {name: "month", value: lastMonth(session.today), pattern: "[0-9]{4}-[0-9]{2}", required: true});
  const out = h("div", {});
  const base = () => `/v1/employees/${encodeURIComponent(session.scope)}/payslips/${encodeURIComponent(month.input.value)}`;
  const show = async () => {
    s.clear();
    out.replaceChildren();
    try {
      const p = await api("GET", base());
      out.replaceChildren(h("p", {class: "totals"}, `${t("bill")} ${p.bill_id} · ${t("net")} ${rupees(p.amounts.net)}`),
        table(`${t("payslip")} ${p.month}`, [[t("field_name"), ([k]) => label(k)], [t("value"), ([, v]) => rupees(v), true]], Object.entries(p.amounts)),
        h("p", {}, h("a", {href: base() + ".pdf", download: `payslip-${p.employee_id}-${p.month}.pdf`}, t("payslip_pdf"))));
    } catch (err) {
      // A month not run yet is not an error to the employee: say so and what to do.
      if (err.code === "NOT_FOUND") out.replaceChildren(h("p", {class: "empty"}, t("no_payslip").replace("{month}", month.input.value)));
      else s.fail(err);
    }
  };
  box.append(h("form", {class: "card inline", onsubmit: e => { e.preventDefault(); show(); }}, month.wrap,
    h("button", {type: "submit", class: "primary"}, t("show")), s.el), out);
  show();
}

function myProposalsPage(box, session) {
  const s = status();
  const statusSel = select(t("status_filter"), [["", t("all")], ["PENDING", "PENDING"], ["APPROVED", "APPROVED"], ["REJECTED", "REJECTED"]]);
  const list = h("div", {});
  const p = pager(node => list.replaceChildren(node), async token => {
    const r = await api("GET", "/v1/proposals" + query({status: statusSel.input.value, page_size: 50, page_token: token}));
    return {node: table(t("proposals"), [["#", x => x.proposal_id, true], [t("kind"), x => t("pk_" + x.kind) === "pk_" + x.kind ? x.kind : t("pk_" + x.kind)], [t("amount"), x => rupees(x.amount), true],
      [t("month"), x => x.month], [t("state"), x => x.status], [t("reason"), x => x.reason || ""]], r.proposals, t("empty_proposals")), next: r.next_page_token};
  });
  statusSel.input.addEventListener("change", () => p.reload());
  const kind = select(t("kind"), ["GPF_SUBSCRIPTION", "INCOME_TAX"].map(k => [k, t("pk_" + k)]));
  const amount = field(t("amount"), {type: "number", min: "0", step: "1", name: "amount", required: true});
  box.append(h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    try {
      await api("POST", `/v1/employees/${encodeURIComponent(session.scope)}/proposals`, {kind: kind.input.value, amount: Number(amount.input.value)});
      s.ok(t("proposed"));
      p.reload();
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("new_proposal")), kind.wrap, amount.wrap,
    windowed(h("button", {type: "submit"}, t("propose")), session.windows.employee_proposals), s.el),
    h("div", {class: "filters"}, statusSel.wrap), list);
}

export const selfPages = [{key: "payslip", render: payslipPage}, {key: "my_proposals", render: myProposalsPage}];
