// The console's entry: who is signed in (GET /v1/session), the sign-in form, the header with
// the day's calendar windows, and the pages of the role.
import { api, setCsrf } from "./api.js";
import { h, field, status } from "./dom.js";
import { t, lang, setLang } from "./i18n.js";
import { ddoPages } from "./pages/ddo.js";
import { treasuryPages } from "./pages/treasury.js";
import { analystPages } from "./pages/analyst.js";
import { adminPages } from "./pages/admin.js";
import { employeePages, queuePages, subscriberSignIn } from "./pages/gpf.js";
import { ddoRecoveryPages, employeeRecoveryPages } from "./pages/recoveries.js";
import { selfPages } from "./pages/self.js";
import { failedPages, issuedPages } from "./pages/payments.js";

const top = document.getElementById("top");
const main = document.getElementById("main");
let session = null;
let current = 0;
// The server's routes (GET /v1/openapi.json): the GPF pages show only where it has them.
let routes = new Set();
const hasGpf = () => routes.has("/v1/pf9/cases");
async function loadRoutes() {
  try { routes = new Set(Object.keys((await api("GET", "/v1/openapi.json")).paths)); } catch { routes = new Set(); }
}
function signedIn(s) {
  session = s;
  setCsrf(session.csrf_token);
  current = 0;
  render();
}

function signInForm() {
  document.title = t("title");
  top.replaceChildren(h("div", {class: "bar"}, h("span", {class: "brand"}, "vetan · वेतन"), languageButton()));
  const token = field(t("token"), {type: "password", name: "token", autocomplete: "current-password", required: true});
  const s = status();
  const form = h("form", {class: "card signin", onsubmit: async (e) => {
    e.preventDefault();
    try {
      signedIn(await api("POST", "/v1/session", {token: token.input.value}));
    } catch (err) { s.fail(err); }
  }}, h("h1", {}, t("signin")), h("p", {}, t("signin_help")), token.wrap, h("button", {type: "submit"}, t("signin")), s.el);
  main.replaceChildren(form);
  if (routes.has("/v1/session/code")) main.append(subscriberSignIn(signedIn));
  token.input.focus();
}

function languageButton() {
  return h("button", {type: "button", class: "lang", lang: lang() === "hi" ? "en" : "hi",
                      onclick: () => { setLang(lang() === "hi" ? "en" : "hi"); session ? render() : signInForm(); }},
           t("language"));
}

function pagesOf(role) {
  const ddo = [...ddoPages, ...ddoRecoveryPages, ...issuedPages, ...failedPages];
  const treasury = [...treasuryPages, ...issuedPages, ...failedPages];
  if (role === "ddo") return hasGpf() ? [...ddo, ...queuePages] : ddo;
  if (role === "treasury") return hasGpf() ? [...treasury, ...queuePages] : treasury;
  if (role === "employee") return [...selfPages, ...employeePages, ...employeeRecoveryPages];
  if (role === "hoo" || role === "ag") return queuePages;
  if (role === "analyst") return analystPages;
  return [...adminPages, ...treasury, ...analystPages];  // admin: roll-out, all bills, payments, costs
}

// The calendar windows each role acts in (README "REST"): a DDO edits, approves, stops and
// files other salary, and confirms what the automatic run made; an employee files proposals;
// a treasury passes what that run made; the administrator sees them all. Analysts, Heads of
// Office and the AG office act outside the monthly calendar.
const roleWindows = {
  ddo: ["master_edit", "ddo_approval", "stop_payment", "other_salary", "auto_run"],
  employee: ["employee_proposals"],
  treasury: ["auto_run"],
};

function windowsStrip() {
  const mine = session.role === "admin" ? null : roleWindows[session.role] || [];
  const items = Object.entries(session.windows).filter(([name]) => !mine || mine.includes(name)).map(([name, w]) =>
    h("li", {class: w.open ? "open" : "shut", "data-window": name},
      h("span", {class: "wname"}, t("w_" + name)), " ",
      h("span", {}, w.last >= 31 ? `${w.first}+` : `${w.first}–${w.last}`), " ",
      h("strong", {}, w.open ? t("open") : t("closed"))));
  const today = h("span", {}, `${t("today")}: ${session.today} (${t("day")} ${session.day})`);
  return items.length ? h("section", {class: "windows", "aria-label": t("windows")}, today, h("ul", {}, items))
                      : h("section", {class: "windows", "aria-label": t("today")}, today);
}

// `params`: what a page opened by another's link (dom.js go) fills in.
function render(params) {
  document.title = t("title");
  const pages = pagesOf(session.role);
  const signOut = h("button", {type: "button", onclick: async () => {
    try { await api("DELETE", "/v1/session"); } catch { /* the session may have expired already */ }
    session = null;
    setCsrf("");
    signInForm();
  }}, t("signout"));
  const tabs = h("nav", {class: "tabs", "aria-label": t("sections")}, pages.map((p, i) =>
    h("button", {type: "button", class: i === current ? "tab active" : "tab", "aria-current": i === current ? "page" : null,
                 onclick: () => { current = i; render(); }}, t(p.key))));
  top.replaceChildren(
    h("div", {class: "bar"}, h("span", {class: "brand"}, "vetan · वेतन"),
      h("span", {class: "who"}, `${t("role")} ${t(session.role === "employee" ? "employee_role" : session.role)} ${session.role === "ag" ? t("ag_" + session.scope) : session.scope}`), languageButton(), signOut),
    windowsStrip(), tabs);
  const page = pages[Math.min(current, pages.length - 1)];
  const body = h("div", {class: "page"}, h("h1", {}, t(page.key)));
  main.replaceChildren(body);
  page.render(body, session, params);
}

async function start() {
  await loadRoutes();
  try {
    session = await api("GET", "/v1/session");
    setCsrf(session.csrf_token);
    render();
  } catch (e) {
    if (e.status !== 401) { const s = status(); s.fail(e); main.replaceChildren(s.el); return; }
    signInForm();
  }
}

window.addEventListener("vetan:go", e => {
  const i = session ? pagesOf(session.role).findIndex(p => p.key === e.detail.key) : -1;
  if (i >= 0) { current = i; render(e.detail.params); }
});
// A write refused because the session expired sends the user back to the sign-in form.
window.addEventListener("unhandledrejection", (e) => {
  if (e.reason && e.reason.status === 401) { session = null; signInForm(); }
});
start();
