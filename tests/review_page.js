// review_page.js: runs the review page's script against a live `ictus serve`, with a minimal
// stand-in for the browser's DOM (no browser needed), and presses keys as a reviewer would.
// Usage: node tests/review_page.js PAGE.js BASE_URL TOKEN KEYS
//   KEYS: the keys pressed in order, e.g. "cjr" (each waits for the page's request to end).
// Prints, one per line: the counts text after loading, after each key the selected row's
// index, and at the end the counts text, then "texts-only" when no element ever got HTML,
// then the event view of the last selected event: "signal EVENT T0 T1 WIDTH" (the last
// /api/signal request: the event's handle, the window, the columns) and "drawn LABELS|... traces N edges X0,X1" (the canvas calls:
// labels written, vertical trace segments, the x of the two edge lines).
"use strict";
const fs = require("fs");
const [script, base, token, keys] = process.argv.slice(2);

let htmlUsed = false;
// The 2D context of every canvas but #signal's: draws nothing, records nothing.
const quiet = new Proxy({}, { get: () => () => {}, set: () => true });
function element(tag) {
  const el = {
    tagName: tag.toUpperCase(), value: "", className: "", children: [], options: [],
    listeners: {}, textContent: "", width: 1200, height: 100, getContext: () => quiet,
    appendChild(child) { (this.tagName === "SELECT" ? this.options : this.children).push(child); },
    remove(i) { this.options.splice(i, 1); },
    replaceChildren() { this.children = []; },
    addEventListener(type, fn) { this.listeners[type] = fn; },
    scrollIntoView() {}, blur() {}, removeAttribute() {},
    getBoundingClientRect() { return { left: 0, top: 0, width: this.width, height: this.height }; },
  };
  Object.defineProperty(el, "innerHTML", { set() { htmlUsed = true; } });
  return el;
}
// A 2D context that records what is drawn: texts, and each line with the stroke colour
// current when it was stroked.
const drawn = { texts: [], lines: [] };
function context2d() {
  let path = [];
  return {
    strokeStyle: "", fillStyle: "", font: "", textBaseline: "",
    clearRect() { drawn.texts = []; drawn.lines = []; },
    fillRect() {},
    fillText(text) { drawn.texts.push(text); },
    beginPath() { path = []; },
    moveTo(x, y) { path.push({ x0: x, y0: y }); },
    lineTo(x, y) { Object.assign(path[path.length - 1], { x1: x, y1: y }); },
    stroke() { for (const l of path) drawn.lines.push(Object.assign({ colour: this.strokeStyle }, l)); },
  };
}
const byId = {};
const document = {
  listeners: {},
  getElementById(id) {
    if (!byId[id]) {
      byId[id] = element(id.startsWith("f-") && !/^f-(min|max)$/.test(id) ? "select" : "input");
      if (byId[id].tagName === "SELECT") byId[id].options.push(element("option"));
    }
    return byId[id];
  },
  createElement: element,
  addEventListener(type, fn) { this.listeners[type] = fn; },
};
document.getElementById("context").value = "30";
const canvas = document.getElementById("signal");
Object.assign(canvas, { width: 1070, height: 360, clientWidth: 0, getContext: context2d });
let lastSignal = "";
document.getElementById("f-sort").value = "score";
const store = {};
const sandbox = {
  document, location: { search: "?token=" + token },
  window: { addEventListener() {} }, prompt: () => null, confirm: () => false,
  localStorage: { getItem: (k) => store[k] || null, setItem: (k, v) => { store[k] = v; } },
  URLSearchParams, fetch: (path, opts) => fetch(base + path, opts), console,
};
let pending = Promise.resolve();
const realFetch = sandbox.fetch;
sandbox.fetch = (path, opts) => {
  if (path.startsWith("/api/signal?")) lastSignal = path;
  return (pending = realFetch(path, opts));
};

const settle = async () => { for (let i = 0; i < 20; i++) { await pending.catch(() => {}); await new Promise((r) => setTimeout(r, 10)); } };
const selected = () => byId.rows.children.findIndex((tr) => tr.className.startsWith("sel"));

(async () => {
  new Function(...Object.keys(sandbox), fs.readFileSync(script, "utf8"))(...Object.values(sandbox));
  await settle();
  console.log(byId.counts.textContent);
  byId.reviewer.value = "page";
  for (const key of keys) {
    document.listeners.keydown({ key, target: { tagName: "BODY" }, preventDefault() {} });
    await settle();
    console.log(selected());
  }
  console.log(byId.counts.textContent);
  if (byId.status.textContent) console.log("status: " + byId.status.textContent);
  if (!htmlUsed) console.log("texts-only");
  const q = new URLSearchParams(lastSignal.slice(lastSignal.indexOf("?")));
  console.log(["signal", q.get("event"), q.get("t0_s"), q.get("t1_s"), q.get("width")].join(" "));
  const edges = drawn.lines.filter((l) => l.colour === "#d00000" && l.x0 === l.x1);
  const traces = drawn.lines.filter((l) => l.colour === "#222222" && l.x0 === l.x1 && l.y0 < canvas.height - 20);
  const scale = (t) => t.startsWith("\u00b1");
  console.log("drawn " + drawn.texts.filter((t) => !t.endsWith(" s") && !scale(t)).join("|") +
              " traces " + traces.length + " edges " + edges.map((l) => l.x0.toFixed(1)).join(",") +
              " scales " + drawn.texts.filter(scale).join("|").replace(/ /g, "_"));
})();
