// The treasury's page: the bills of its DDOs to pass or object, with totals by DDO; a bill's
// view holds its payment file (made for a PASSED bill) and the bank's returns.
import { api, billPath, query } from "../api.js";
import { h, field, select, table, status, pager, rupees, number } from "../dom.js";
import { t } from "../i18n.js";
import { billColumns, billDetail, pageTotals } from "./ddo.js";
import { paymentPanel } from "./payments.js";

function byDdo(bills) {
  const m = new Map();
  for (const b of bills) {
    const x = m.get(b.ddo_code) || {ddo_code: b.ddo_code, bills: 0, employees: 0, gross: 0, net: 0};
    x.bills++; x.employees += b.employees; x.gross += b.gross; x.net += b.net;
    m.set(b.ddo_code, x);
  }
  return [...m.values()].sort((a, b) => a.ddo_code < b.ddo_code ? -1 : 1);
}

function actions(bill, s, done) {
  return [passOrObject(bill, s, done), paymentPanel(bill, true)];
}

function passOrObject(bill, s, done) {
  if (bill.state !== "CONFIRMED") return null;
  const reason = field(t("reason"), {name: "reason", maxlength: "200"});
  const act = async (action, body, message) => {
    try { await api("POST", billPath(bill.bill_id) + "/" + action, body); s.ok(message); done(); } catch (e) { s.fail(e); }
  };
  return h("div", {class: "actions"},
    h("button", {type: "button", class: "primary", onclick: () => act("pass", {}, t("passed"))}, t("pass")),
    h("form", {class: "inline", onsubmit: e => { e.preventDefault(); act("object", {reason: reason.input.value}, t("objected")); }},
      reason.wrap, h("button", {type: "submit"}, t("object"))));
}

function billsPage(box, session) {
  const detail = h("div", {});
  const stateSel = select(t("filter_state"), [["CONFIRMED", "CONFIRMED"], ["", t("all")], ...["GENERATED", "PASSED", "OBJECTED", "REJECTED"].map(s => [s, s])]);
  const said = status();
  box.append(h("div", {class: "filters"}, stateSel.wrap), said.el, detail);
  const showBill = b => billDetail(detail, b, full => actions(full, said, () => { p.reload(); showBill(full); }))
    .catch(e => { const s = status(); s.fail(e); detail.replaceChildren(s.el); });
  const p = pager(node => box.insertBefore(node, said.el), async token => {
    const r = await api("GET", "/v1/bills" + query({treasury: session.scope, state: stateSel.input.value, page_size: 200, page_token: token}));
    const open = b => h("button", {type: "button", onclick: () => showBill(b)}, t("details"));
    return {node: h("div", {},
      table(t("to_pass"), [[t("ddo_code"), b => b.ddo_code], ...billColumns(open)], r.bills, t("empty_bills")), pageTotals(r.bills),
      table(t("by_ddo"), [[t("ddo_code"), x => x.ddo_code], [t("bills"), x => number(x.bills), true], [t("employees"), x => number(x.employees), true],
        [t("gross"), x => rupees(x.gross), true], [t("net"), x => rupees(x.net), true]], byDdo(r.bills), t("empty_bills"))),
      next: r.next_page_token};
  });
  stateSel.input.addEventListener("change", () => p.reload());
}

export const treasuryPages = [{key: "bills", render: billsPage}];
