// Building the page without innerHTML: every text goes in as text, never as markup.
import { t, lang } from "./i18n.js";

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let ids = 0;
// A labelled input: <label for=…>text</label><input id=…>.
export function field(label, attrs) {
  const id = "f" + (++ids);
  const input = h(attrs.tag || "input", {...attrs, tag: undefined, id});
  return {wrap: h("div", {class: "field"}, h("label", {for: id}, label), input), input};
}

export function select(label, options, attrs = {}) {
  const id = "f" + (++ids);
  const s = h("select", {...attrs, id}, options.map(([v, text]) => h("option", {value: v}, text)));
  return {wrap: h("div", {class: "field"}, h("label", {for: id}, label), s), input: s};
}

const rupeeFormat = () => new Intl.NumberFormat(lang() === "hi" ? "hi-IN" : "en-IN");
export function rupees(n) { return (n < 0 ? "−₹" : "₹") + rupeeFormat().format(Math.abs(n)); }
export function number(n) { return rupeeFormat().format(n); }

// A code, an id or a month ("2026-11/TR01/DDO001/1"): kept on one line, never broken at "-" or "/".
const code = v => typeof v === "string" && v.length <= 40 && /^[\w./:-]+$/.test(v);
const cellClass = (num, v) => num ? "num" : code(v) ? "nowrap" : null;
// A table of `rows` with `columns` [[heading, row => cell, numeric?]]; `caption` names it;
// `empty` says what an empty list means and what to do (default: "Nothing to show."). It
// scrolls sideways inside its own box on a narrow screen, with a shadow at the edge hiding more.
export function table(caption, columns, rows, empty) {
  return h("div", {class: "scroll", tabindex: "0", role: "region", "aria-label": caption},
    h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map(([head, , num]) => h("th", {scope: "col", class: num ? "num" : null}, head)))),
      h("tbody", {}, rows.length === 0
        ? h("tr", {}, h("td", {colspan: columns.length, class: "empty"}, h("span", {}, empty || t("none"))))
        : rows.map(r => h("tr", {}, columns.map(([, cell, num]) => { const v = cell(r); return h("td", {class: cellClass(num, v)}, v); }))))));
}

// The message area of a section: success or the server's error, read out by screen readers.
export function status() {
  const el = h("p", {class: "status", role: "status", "aria-live": "polite"});
  return {
    el,
    ok(text) { el.className = "status ok"; el.textContent = text; },
    fail(e) { el.className = "status fail"; el.textContent = (e.code ? e.code + ": " : "") + e.message; },
    clear() { el.className = "status"; el.textContent = ""; },
  };
}

// A button disabled outside its calendar window, with the reason beside it.
export function windowed(button, window) {
  if (window && !window.open) {
    button.disabled = true;
    const note = h("span", {class: "closed"}, window.reason || t("window_closed"));
    return h("span", {class: "windowed"}, button, " ", note);
  }
  return button;
}

// To another of the role's pages (its `key`), with what that page fills in (`params`).
export function go(key, params) { window.dispatchEvent(new CustomEvent("vetan:go", {detail: {key, params}})); }

// Previous/next over a server's page tokens: `load(token)` returns {rows, next}.
export function pager(render, load) {
  const tokens = [""];
  let at = 0;
  const box = h("div", {});
  async function show() {
    box.replaceChildren(h("p", {class: "loading"}, t("loading")));
    try {
      const {node, next} = await load(tokens[at]);
      if (next) tokens[at + 1] = next;
      const prev = h("button", {type: "button", onclick: () => { at--; show(); }}, t("previous"));
      prev.disabled = at === 0;
      const nextButton = h("button", {type: "button", onclick: () => { at++; show(); }}, t("next"));
      nextButton.disabled = !next;
      box.replaceChildren(node, h("nav", {class: "pager", "aria-label": t("pages")}, prev, h("span", {}, t("page") + " " + (at + 1)), nextButton));
    } catch (e) {
      const s = status();
      s.fail(e);
      box.replaceChildren(s.el);
    }
  }
  render(box);
  show();
  return {reload() { tokens.length = 1; at = 0; show(); }};
}
