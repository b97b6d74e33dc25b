// A line chart in SVG (no library): one line per series over shared x labels, y from 0 or the
// lowest value, with axis labels; the figures themselves are in the table beside it.
import { number } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490"];

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// labels: x values; series: [{name, values}] of equal length to labels.
export function lineChart(title, labels, series) {
  const W = 720, H = 300, L = 90, R = 40, T = 20, B = 40;
  const all = series.flatMap(s => s.values);
  let lo = Math.min(0, ...all), hi = Math.max(0, ...all);
  if (hi === lo) hi = lo + 1;
  const x = i => L + (labels.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (labels.length - 1));
  const y = v => T + (hi - v) * (H - T - B) / (hi - lo);
  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, class: "chart"});
  svg.append(el("title", {}, title));
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    svg.append(el("line", {x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid"}));
    svg.append(el("text", {x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "tick"}, number(Math.round(v))));
  }
  labels.forEach((m, i) => svg.append(el("text", {x: x(i), y: H - B + 18, "text-anchor": "middle", class: "tick"}, m)));
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    svg.append(el("polyline", {points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: colour, "stroke-width": 2.5}));
    s.values.forEach((v, i) => svg.append(el("circle", {cx: x(i), cy: y(v), r: 3.5, fill: colour})));
    svg.append(el("text", {x: L + 10 + n * 200, y: H - 6, fill: colour, class: "legend"}, "■ " + s.name));
  });
  return svg;
}
