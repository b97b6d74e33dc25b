// The administrator's pages: DDO onboarding (register a DDO, issue its credentials with the
// TOTP enrolment as a QR code shown once, rotate, revoke: POST /v1/admin/ddos…) and the
// roll-out view per treasury against the target the administrator sets on the server
// (POST /v1/admin/rollout/targets). Every action is an audited event on the server.
import { api, query } from "../api.js";
import { h, field, table, status, number, pager } from "../dom.js";
import { t } from "../i18n.js";

// The credentials the server shows once: the token to hand over and the QR code to scan.
function credentialsCard(c) {
  const svg = "data:image/svg+xml;base64," + btoa(c.qr_svg);
  const token = field(t("token"), {name: "issued_token", value: c.token, readonly: true, spellcheck: "false"});
  const secret = field(t("totp_secret"), {name: "totp_secret", value: c.totp_secret, readonly: true, spellcheck: "false"});
  return h("section", {class: "card credentials", "aria-label": `${t("credentials_of")} ${c.ddo_code}`},
    h("h2", {}, `${t("credentials_of")} ${c.ddo_code} (${c.credential})`),
    h("p", {class: "warn"}, t("shown_once")),
    h("div", {class: "qr"}, h("img", {src: svg, width: "240", height: "240", alt: `${t("qr_alt")} ${c.ddo_code}`}),
      h("div", {}, token.wrap, secret.wrap, h("p", {class: "mono"}, c.otpauth_uri))));
}

function onboardingPage(box) {
  const s = status();
  const shown = h("div", {});
  const code = field(t("ddo_code"), {name: "ddo_code", required: true, pattern: "[A-Z0-9_\\-]{1,32}", autocomplete: "off"});
  const name = field(t("name"), {name: "name", required: true, autocomplete: "off"});
  const office = field(t("office"), {name: "office", required: true, autocomplete: "off"});
  const treasury = field(t("treasury_code"), {name: "treasury_code", required: true, autocomplete: "off"});
  const mobile = field(t("mobile"), {name: "mobile", type: "tel", required: true, autocomplete: "off"});
  const act = d => {
    const run = async (action) => {
      s.clear();
      try {
        const r = await api("POST", `/v1/admin/ddos/${encodeURIComponent(d.ddo_code)}/${action}`, {});
        if (r.token) shown.replaceChildren(credentialsCard(r));
        else shown.replaceChildren();
        s.ok(`${d.ddo_code}: ${t("done_" + action)}`);
        list.reload();
      } catch (err) { s.fail(err); }
    };
    const live = d.state === "ENROLLED";
    return h("span", {class: "buttons"},
      live ? null : h("button", {type: "button", onclick: () => run("credentials")}, t("issue_credentials")),
      live ? h("button", {type: "button", onclick: () => run("rotate")}, t("rotate")) : null,
      live ? h("button", {type: "button", class: "danger", onclick: () => run("revoke")}, t("revoke")) : null);
  };
  const form = h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    s.clear();
    try {
      const r = await api("POST", "/v1/admin/ddos", {ddo_code: code.input.value, name: name.input.value, office: office.input.value,
                                                     treasury_code: treasury.input.value, mobile: mobile.input.value});
      s.ok(`${r.ddo_code}: ${t("registered_ok")}`);
      form.reset();
      list.reload();
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("register_ddo")), code.wrap, name.wrap, office.wrap, treasury.wrap, mobile.wrap,
    h("button", {type: "submit"}, t("register")));
  box.append(form, s.el, shown);
  const list = pager(node => box.append(node), async token => {
    const r = await api("GET", "/v1/admin/ddos" + query({page_size: 50, page_token: token}));
    return {node: table(t("registered_ddos"), [[t("ddo_code"), d => d.ddo_code], [t("name"), d => d.name], [t("office"), d => d.office],
      [t("treasury"), d => d.treasury_code], [t("mobile"), d => d.mobile], [t("state"), d => t("st_" + d.state)],
      [t("credential"), d => d.credential || "—"], [t("actions"), act]], r.ddos, t("empty_ddos")), next: r.next_page_token};
  });
}

function rolloutPage(box, session) {
  const s = status();
  const month = field(t("month"), {name: "month", value: session.today.slice(0, 7), pattern: "[0-9]{4}-[0-9]{2}"});
  const treasury = field(t("treasury_code"), {name: "target_treasury", required: true, autocomplete: "off"});
  const target = field(t("target"), {type: "number", min: "0", step: "1", name: "target", required: true});
  const out = h("div", {});
  const pct = (n, d) => d > 0 ? `${number(n)} (${Math.round(100 * n / d)}%)` : number(n);
  const show = async () => {
    try {
      const r = await api("GET", "/v1/admin/rollout" + query({month: month.input.value}));
      const goal = x => x.target ?? 0;
      out.replaceChildren(table(`${t("rollout")} ${r.month}`, [[t("treasury"), x => x.treasury_code], [t("ddos"), x => number(x.ddos), true],
        [t("registered"), x => number(x.registered), true],
        [t("enrolled"), x => pct(x.enrolled, goal(x)), true], [t("with_bills"), x => pct(x.with_bills, goal(x)), true],
        [t("confirmed_online"), x => pct(x.confirmed_online, goal(x)), true],
        [t("target_col"), x => x.target === null ? "—" : number(x.target), true],
        [t("to_target"), x => x.target === null ? "—" : number(Math.max(0, x.target - x.confirmed_online)), true]], r.treasuries));
    } catch (err) { s.fail(err); }
  };
  box.append(h("form", {class: "card inline", onsubmit: e => { e.preventDefault(); show(); }}, month.wrap,
    h("button", {type: "submit"}, t("find"))),
  h("form", {class: "card inline", onsubmit: async e => {
    e.preventDefault();
    s.clear();
    try {
      const r = await api("POST", "/v1/admin/rollout/targets", {treasury_code: treasury.input.value, target: Number(target.input.value)});
      s.ok(`${r.treasury_code}: ${t("target_set")} ${number(r.target)}`);
      show();
    } catch (err) { s.fail(err); }
  }}, h("h2", {}, t("set_target")), treasury.wrap, target.wrap, h("button", {type: "submit"}, t("save"))), s.el, out);
  show();
}

export const adminPages = [{key: "onboarding", render: onboardingPage}, {key: "rollout", render: rolloutPage}];
