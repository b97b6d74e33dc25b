// The administrator's roll-out view: per treasury, DDOs in the master, enrolled for online
// confirmation, with bills of the month, and confirmed online, against a target number of
// DDOs per treasury (kept in this browser; the server does not store it yet).
import { api, query } from "../api.js";
import { h, field, table, status, number } from "../dom.js";
import { t } from "../i18n.js";

function rolloutPage(box, session) {
  const s = status();
  const month = field(t("month"), {name: "month", value: session.today.slice(0, 7), pattern: "[0-9]{4}-[0-9]{2}"});
  const target = field(t("target"), {type: "number", min: "0", step: "1", name: "target", value: localStorage.getItem("vetan.target") || "10"});
  const out = h("div", {});
  const pct = (n, d) => d > 0 ? `${number(n)} (${Math.round(100 * n / d)}%)` : number(n);
  const show = async () => {
    localStorage.setItem("vetan.target", target.input.value);
    try {
      const r = await api("GET", "/v1/admin/rollout" + query({month: month.input.value}));
      const goal = Number(target.input.value) || 0;
      out.replaceChildren(table(`${t("rollout")} ${r.month}`, [[t("treasury"), x => x.treasury_code], [t("ddos"), x => number(x.ddos), true],
        [t("enrolled"), x => pct(x.enrolled, goal), true], [t("with_bills"), x => pct(x.with_bills, goal), true],
        [t("confirmed_online"), x => pct(x.confirmed_online, goal), true],
        [t("to_target"), x => number(Math.max(0, goal - x.confirmed_online)), true]], r.treasuries));
    } catch (err) { s.fail(err); }
  };
  box.append(h("form", {class: "card inline", onsubmit: e => { e.preventDefault(); show(); }}, month.wrap, target.wrap,
    h("button", {type: "submit"}, t("find"))), s.el, out, h("p", {class: "closed"}, t("admin_note")));
  show();
}

export const adminPages = [{key: "rollout", render: rolloutPage}];
