// main.js: the review page's queue and event view (included into review/page.html by the Makefile,
// after trace.js, which draws the traces).
const token = new URLSearchParams(location.search).get("token") || "";
// The event a link names (the report's gallery: ?event=REF, its stable reference), selected
// once when the queue first loads.
let wantedRef = new URLSearchParams(location.search).get("event");
const $ = (id) => document.getElementById(id);
let events = [];
let sel = 0;

// The event view: every channel of the selected event's recording around it.
const MAX_COLUMNS = 4000;     // the server's limit of columns
const MAX_WINDOW_S = 600;     // the server's limit of the window
const DEBOUNCE_MS = 150;      // wait for the selection to rest before fetching
const EDGE_COLOUR = "#d00000";
const GAIN_STEP = 1.5;
// What the queue's "entry" column says of each kind of entry.
const KIND_TEXT = { detected: "", added: "added", orphan: "reviewed, not re-detected" };
let shownKey = null;          // the event the view shows or is fetching
let signal = null;            // { event, data } last drawn
let signalSeq = 0;            // answers to older requests are dropped
let signalTimer = null;
let signalAbort = null;
const gains = newGains();  // the event view's (trace.js): + - and a click on a label
let geometry = null;          // where the last drawn signal is on the canvas (trace.js)
let types = [];               // the study's event types (the preset's and those stored)

function setStatus(text) { $("status").textContent = text; }

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function fillSelect(select, values) {
  const keep = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const v of values) {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = v;
    select.appendChild(o);
  }
  select.value = values.includes(keep) ? keep : "";
}

// The counts of what is listed and what is left, by kind of entry.
function showCounts() {
  const left = events.filter((e) => e.verdict === "").length;
  const added = events.filter((e) => e.kind === "added").length;
  const orphans = events.filter((e) => e.kind === "orphan").length;
  $("counts").textContent = events.length + " events, " + left + " left to review" +
    (added ? ", " + added + " added" : "") + (orphans ? ", " + orphans + " not re-detected" : "");
}

// What the verdict cell says: the verdict, the Racine stage, the corrected type and edges.
function verdictText(e) {
  if (e.verdict === "") return "-";
  let text = e.verdict + (e.racine >= 0 ? " (R" + e.racine + ")" : "");
  if (e.ctype) text += " as " + e.ctype;
  if (e.cstart_s !== null) text += " edges";
  return text;
}

function render() {
  const body = $("rows");
  body.replaceChildren();
  events.forEach((e, i) => {
    const tr = document.createElement("tr");
    tr.className = (i === sel ? "sel " : "") + e.verdict + " " + e.kind;
    cell(tr, String(i + 1), "num");
    cell(tr, e.animal);
    cell(tr, e.channel);
    cell(tr, e.type || "-");
    cell(tr, e.start || "-");
    cell(tr, e.duration_s.toFixed(1), "num");
    cell(tr, e.score === null ? "-" : e.score.toFixed(3), "num");
    cell(tr, verdictText(e), "verdict");
    cell(tr, KIND_TEXT[e.kind], "kind");
    cell(tr, e.recording || "(blind)");
    tr.addEventListener("click", () => { select(i); });
    body.appendChild(tr);
  });
  showCounts();
  const row = body.children[sel];
  if (row) row.scrollIntoView({ block: "nearest" });
  const e = events[sel];
  const key = e ? e.id : "";
  if (key !== shownKey) {
    shownKey = key;
    requestSignal();
    showDecision();
  }
}

// Select the queue's row i (clamped) and show it.
function select(i) {
  sel = Math.max(0, Math.min(i, events.length - 1));
  render();
}

function requestSignal() {
  clearTimeout(signalTimer);
  signalTimer = setTimeout(fetchSignal, DEBOUNCE_MS);
}

async function fetchSignal() {
  const e = events[sel];
  if (signalAbort) signalAbort.abort();
  signalAbort = null;
  const seq = ++signalSeq;
  if (!e) { signal = null; draw(); return; }
  const canvas = $("signal");
  if (canvas.clientWidth > 0) canvas.width = canvas.clientWidth;
  const context = Number($("context").value);
  const t0 = e.start_s - context;
  const t1 = Math.min(e.end_s + context, t0 + MAX_WINDOW_S);
  const q = new URLSearchParams({
    event: e.id, t0_s: String(t0), t1_s: String(t1),
    width: String(Math.max(1, Math.min(MAX_COLUMNS, canvas.width - TRACE_LABEL_W))),
    filters: $("filters").checked ? "on" : "off" });
  if (blindReviewer()) q.set("blind", blindReviewer());
  signalAbort = new AbortController();
  $("view-status").textContent = "loading...";
  try {
    const data = await api("/api/signal?" + q.toString(), { signal: signalAbort.signal });
    if (seq !== signalSeq) return;
    signal = { event: e, data: data };
    $("view-status").textContent = "";
    detailShow(e, data);
    draw();
  } catch (err) {
    if (seq === signalSeq) $("view-status").textContent = "cannot load the signal: " + err.message;
  }
}

function draw() {
  const canvas = $("signal");
  if (!signal) {
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    geometry = null;
    detailClear();
    return;
  }
  geometry = drawTraces(canvas, signal.data,
                        { gains: gains, origin_s: signal.event.start_s, marks: viewMarks() });
  drawOverlay(canvas, geometry, signal.event);
  detailDraw();
}

// The vertical lines of the event view: the event's edges (decide.js), the video's cursor
// (media.js).
function viewMarks() {
  return edgeMarks(signal.event).concat(mediaMarks(eventPlayer));
}

async function api(path, options) {
  const opts = Object.assign({ headers: {} }, options || {});
  opts.headers["X-Ictus-Token"] = token;
  const resp = await fetch(path, opts);
  const data = await resp.json();
  if (!resp.ok) throw Object.assign(new Error(data.error || resp.statusText), { status: resp.status });
  return data;
}

// The queue's filters: query argument and the element that sets it.
const FILTERS = [["animal", "f-animal"], ["type", "f-type"], ["day", "f-day"],
                 ["period", "f-period"], ["reviewed", "f-reviewed"], ["sort", "f-sort"],
                 ["min_score", "f-min"], ["max_score", "f-max"]];

// Load the queue; keep the selected event selected when it is still listed.
async function load() {
  const q = new URLSearchParams();
  for (const [key, id] of FILTERS)
    if ($(id).value) q.set(key, $(id).value);
  if (blindReviewer()) q.set("blind", blindReviewer());
  const keep = events[sel] ? events[sel].id : null;
  try {
    const data = await api("/api/events?" + q.toString());
    events = data.events;
    types = data.types;
    fillSelect($("f-animal"), data.animals);
    fillSelect($("f-type"), data.types);
    fillSelect($("f-day"), data.days);
    fillSelect($("f-period"), data.periods);
    const at = events.findIndex((e) => e.id === keep);
    sel = at >= 0 ? at : Math.min(sel, Math.max(events.length - 1, 0));
    shownKey = null;
    setStatus("");
    if (wantedRef) await selectWanted();
    render();
  } catch (err) {
    setStatus("cannot load the events: " + err.message);
  }
}

// Select the event the page's link names (wantedRef), or say why it cannot be.
async function selectWanted() {
  const ref = wantedRef;
  wantedRef = null;
  try {
    const found = await api("/api/locate?ref=" + encodeURIComponent(ref));
    const at = events.findIndex((e) => e.id === found.id);
    if (at >= 0) sel = at;
    else setStatus("the linked event is not in the list (filters?)");
  } catch (err) {
    setStatus("the linked event: " + err.message);
  }
}

// The index of the next (step 1) or previous (step -1) unreviewed event from the selected one,
// wrapping around, or -1 when none is left.
function nextUnreviewed(step) {
  for (let k = 1; k <= events.length; k++) {
    const i = ((sel + step * k) % events.length + events.length) % events.length;
    if (events[i].verdict === "") return i;
  }
  return -1;
}

document.addEventListener("keydown", (ev) => {
  if (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA" || ev.ctrlKey ||
      ev.metaKey || ev.altKey) return;
  if (seeingKey(ev)) { ev.preventDefault(); return; }  // browse.js: browsing, video
  if (ev.key === "j") select(sel + 1);
  else if (ev.key === "k") select(sel - 1);
  else if (ev.key === "J" || ev.key === "K") {
    const i = nextUnreviewed(ev.key === "J" ? 1 : -1);
    if (i >= 0) select(i);
  }
  else if (ev.key === "g") load();  // new events after a run of `ictus run`
  else if (ev.key === "+" || ev.key === "-") {
    gainStep(gains, ev.key === "+" ? GAIN_STEP : 1 / GAIN_STEP);
    draw();
  }
  else if (!decisionKey(ev.key)) return;
  ev.preventDefault();
});
for (const [, id] of FILTERS)
  $(id).addEventListener("change", () => { sel = 0; $(id).blur(); load(); });
for (const id of ["context", "filters"])
  $(id).addEventListener("change", () => { $(id).blur(); requestSignal(); });
$("reviewer").value = localStorage.getItem("ictus-reviewer") || "";
$("reviewer").addEventListener("change", () => {
  localStorage.setItem("ictus-reviewer", $("reviewer").value);
  if (blindReviewer()) load();
});
