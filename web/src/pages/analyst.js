// The analyst's what-if builder: scenarios of DA, fitment factor, HRA, horizon and grouping,
// costed together by POST /v1/whatif; the extra cost by month as a chart, the cost by month
// and group as a table, the scenarios compared, and the lines as CSV.
import { api } from "../api.js";
import { h, field, table, status, rupees, number } from "../dom.js";
import { t } from "../i18n.js";
import { lineChart } from "../chart.js";

const GROUPS = ["department", "treasury_code", "ddo_code", "pay_level", "fund_type", "budget_head"];
const COST = ["baseline_employees", "scenario_employees", "baseline_gross", "scenario_gross", "baseline_employer_nps", "scenario_employer_nps", "delta_cost"];

function addMonths(month, n) {
  const [y, m] = month.split("-").map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String(k % 12 + 1).padStart(2, "0")}`;
}

function scenarioForm(n, month) {
  const f = {
    name: field(t("name"), {value: `${t("scenario")} ${n}`, required: true}),
    from: field(t("from"), {value: month, pattern: "[0-9]{4}-[0-9]{2}", required: true}),
    to: field(t("to"), {value: addMonths(month, 5), pattern: "[0-9]{4}-[0-9]{2}", required: true}),
    da: field(t("da"), {type: "number", min: "0", max: "500", step: "1", value: n === 1 ? "60" : ""}),
    daFrom: field(t("da_from"), {value: addMonths(month, 1), pattern: "[0-9]{4}-[0-9]{2}"}),
    fitment: field(t("fitment"), {type: "number", min: "0", step: "0.0001", value: n === 2 ? "1.1" : ""}),
    fitFrom: field(t("fitment_from"), {value: addMonths(month, 2), pattern: "[0-9]{4}-[0-9]{2}"}),
    hraX: field(t("hra_x"), {type: "number", min: "0", step: "1"}),
    hraY: field(t("hra_y"), {type: "number", min: "0", step: "1"}),
    hraZ: field(t("hra_z"), {type: "number", min: "0", step: "1"}),
  };
  const inc = field(t("increments"), {type: "checkbox"});
  const groups = GROUPS.map(g => ({g, box: field(t("g_" + g), {type: "checkbox", checked: g === "department"})}));
  const el = h("fieldset", {class: "card scenario"}, h("legend", {}, `${t("scenario")} ${n}`),
    h("div", {class: "grid"}, Object.values(f).map(x => x.wrap), inc.wrap),
    h("fieldset", {class: "groups"}, h("legend", {}, t("group_by")), groups.map(x => x.box.wrap)));
  return {
    el,
    value() {
      const changes = [];
      if (f.da.input.value !== "") changes.push({da: {from: f.daFrom.input.value, percent: Number(f.da.input.value)}});
      if (f.fitment.input.value !== "") {
        changes.push({pay_matrix_revision: {from: f.fitFrom.input.value, fitment_factor: Number(f.fitment.input.value), round_to: 100}});
      }
      if ([f.hraX, f.hraY, f.hraZ].some(x => x.input.value !== "")) {
        const pct = x => Number(x.input.value || 0);
        changes.push({hra: {tiers: [{da_at_least: 0, percent: {X: pct(f.hraX), Y: pct(f.hraY), Z: pct(f.hraZ)}}], minimum: {X: 0, Y: 0, Z: 0}}});
      }
      return {schema: "vetan.scenario/1", name: f.name.input.value, from: f.from.input.value, to: f.to.input.value,
              group_by: groups.filter(x => x.box.input.checked).map(x => x.g), increments: inc.input.checked, changes};
    },
  };
}

function csv(scenarios) {
  const quote = v => /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  const out = [["scenario", "month", "group", ...COST].join(",")];
  for (const s of scenarios) for (const l of s.lines) {
    out.push([s.name, l.month, s.group_by.map(g => l[g]).join(" / "), ...COST.map(c => l[c])].map(quote).join(","));
  }
  return out.join("\n") + "\n";
}

function results(reply) {
  const months = [...new Set(reply.scenarios.flatMap(s => s.lines.map(l => l.month)))].sort();
  const series = reply.scenarios.map(s => ({name: s.name, values: months.map(m =>
    s.lines.filter(l => l.month === m).reduce((a, l) => a + l.delta_cost, 0))}));
  const blob = new Blob([csv(reply.scenarios)], {type: "text/csv"});
  const download = h("a", {class: "button", href: URL.createObjectURL(blob), download: `whatif-${reply.as_of}.csv`}, t("csv"));
  return h("div", {class: "results"},
    h("p", {}, `as of ${reply.as_of} · run ${reply.run_id} · `, download),
    h("figure", {class: "card"}, lineChart(t("chart"), months, series), h("figcaption", {}, t("chart"))),
    table(t("compare"), [[t("scenario"), s => s.name], [t("from"), s => s.from], [t("to"), s => s.to],
      [t("baseline"), s => rupees(s.totals.baseline_gross), true], [t("scenario_gross"), s => rupees(s.totals.scenario_gross), true],
      [t("total_delta"), s => rupees(s.totals.delta_cost), true]], reply.scenarios),
    reply.scenarios.map(s => table(`${t("cost_table")}: ${s.name}`, [[t("month"), l => l.month],
      [t("group"), l => s.group_by.length ? s.group_by.map(g => l[g]).join(" / ") : t("one_group")],
      [t("employees"), l => number(l.scenario_employees), true], [t("baseline"), l => rupees(l.baseline_gross), true],
      [t("scenario_gross"), l => rupees(l.scenario_gross), true], [t("delta"), l => rupees(l.delta_cost), true]], s.lines)));
}

function whatifPage(box, session) {
  const month = session.today.slice(0, 7);
  const forms = [];
  const list = h("div", {class: "scenarios"});
  const add = () => { const f = scenarioForm(forms.length + 1, month); forms.push(f); list.append(f.el); };
  add();
  const s = status();
  const out = h("div", {});
  box.append(h("form", {onsubmit: async e => {
    e.preventDefault();
    s.ok(t("loading"));
    try {
      const reply = await api("POST", "/v1/whatif", forms.map(f => f.value()));
      s.clear();
      out.replaceChildren(results(reply));
    } catch (err) { s.fail(err); }
  }}, list, h("div", {class: "actions"},
    h("button", {type: "button", onclick: add}, t("add_scenario")),
    h("button", {type: "button", onclick: () => { if (forms.length > 1) forms.pop().el.remove(); }}, t("remove")),
    h("button", {type: "submit", class: "primary"}, t("run"))), s.el), out);
}

export const analystPages = [{key: "whatif", render: whatifPage}];
