// main.js: the review page's queue and event view (included into review/page.html by the Makefile,
// after trace.js, which draws the traces).
const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
let events = [];
let sel = 0;

// The event view: every channel of the selected event's recording around it.
const MAX_COLUMNS = 4000;     // the server's limit of columns
const MAX_WINDOW_S = 600;     // the server's limit of the window
const DEBOUNCE_MS = 150;      // wait for the selection to rest before fetching
const EDGE_COLOUR = "#d00000";
const GAIN_STEP = 1.5;
let shownKey = null;          // the event the view shows or is fetching
let signal = null;            // { event, data } last drawn
let signalSeq = 0;            // answers to older requests are dropped
let signalTimer = null;
let signalAbort = null;
let gain = 1;
let geometry = null;          // where the last drawn signal is on the canvas (trace.js)

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

function showCounts() {
  const left = events.filter((e) => e.verdict === "").length;
  $("counts").textContent = events.length + " events, " + left + " left to review";
}

function render() {
  const body = $("rows");
  body.replaceChildren();
  events.forEach((e, i) => {
    const tr = document.createElement("tr");
    tr.className = (i === sel ? "sel " : "") + e.verdict;
    cell(tr, String(i + 1), "num");
    cell(tr, e.animal);
    cell(tr, e.channel);
    cell(tr, e.type);
    cell(tr, e.start);
    cell(tr, e.duration_s.toFixed(1), "num");
    cell(tr, e.score.toFixed(3), "num");
    cell(tr, e.verdict === "" ? "-" : e.verdict + (e.racine >= 0 ? " (R" + e.racine + ")" : ""),
         "verdict");
    cell(tr, e.recording);
    tr.addEventListener("click", () => { sel = i; render(); });
    body.appendChild(tr);
  });
  showCounts();
  const row = body.children[sel];
  if (row) row.scrollIntoView({ block: "nearest" });
  const e = events[sel];
  const key = e ? [e.recording, e.animal, e.channel, e.start_s].join("|") : "";
  if (key !== shownKey) {
    shownKey = key;
    requestSignal();
  }
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
    recording: e.recording, animal: e.animal, t0_s: String(t0), t1_s: String(t1),
    width: String(Math.max(1, Math.min(MAX_COLUMNS, canvas.width - TRACE_LABEL_W))),
    filters: $("filters").checked ? "on" : "off" });
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
                        { gain: gain, origin_s: signal.event.start_s, marks: viewMarks() });
  detailDraw();
}

// The vertical lines of the event view: the event's edges, the video's cursor (media.js).
function viewMarks() {
  const e = signal.event;
  return [{ t_s: e.start_s, colour: EDGE_COLOUR }, { t_s: e.end_s, colour: EDGE_COLOUR }]
    .concat(mediaMarks(eventPlayer));
}

async function api(path, options) {
  const opts = Object.assign({ headers: {} }, options || {});
  opts.headers["X-Ictus-Token"] = token;
  const resp = await fetch(path, opts);
  const data = await resp.json();
  if (!resp.ok) throw new Error(data.error || resp.statusText);
  return data;
}

async function load() {
  const q = new URLSearchParams();
  for (const [key, id] of [["animal", "f-animal"], ["type", "f-type"],
                           ["reviewed", "f-reviewed"], ["sort", "f-sort"]])
    if ($(id).value) q.set(key, $(id).value);
  try {
    const data = await api("/api/events?" + q.toString());
    events = data.events;
    fillSelect($("f-animal"), data.animals);
    fillSelect($("f-type"), data.types);
    sel = Math.min(sel, Math.max(events.length - 1, 0));
    setStatus("");
    render();
  } catch (err) {
    setStatus("cannot load the events: " + err.message);
  }
}

async function decide(verdict) {
  const e = events[sel];
  if (!e) return;
  const review = { recording: e.recording, animal: e.animal, channel: e.channel,
                   start_s: e.start_s, end_s: e.end_s, verdict: verdict,
                   racine: Number($("racine").value), reviewer: $("reviewer").value };
  if ($("ctype").value.trim()) review.type = $("ctype").value.trim();
  try {
    await api("/api/review", { method: "POST", body: JSON.stringify(review),
                               headers: { "Content-Type": "application/json" } });
    e.verdict = verdict;
    e.racine = review.racine;
    $("ctype").value = "";
    $("racine").value = "-1";
    sel = Math.min(sel + 1, events.length - 1);
    setStatus("");
    render();
  } catch (err) {
    setStatus("not stored: " + err.message);
  }
}

document.addEventListener("keydown", (ev) => {
  if (ev.target.tagName === "INPUT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (seeingKey(ev)) { ev.preventDefault(); return; }  // browse.js: browsing, video
  const verdicts = { c: "seizure", r: "not_seizure", u: "unsure" };
  if (ev.key === "j") { sel = Math.min(sel + 1, events.length - 1); render(); }
  else if (ev.key === "k") { sel = Math.max(sel - 1, 0); render(); }
  else if (verdicts[ev.key]) decide(verdicts[ev.key]);
  else if (ev.key === "+" || ev.key === "-") {
    gain = ev.key === "+" ? gain * GAIN_STEP : gain / GAIN_STEP;
    draw();
  }
  else return;
  ev.preventDefault();
});
for (const id of ["f-animal", "f-type", "f-reviewed", "f-sort"])
  $(id).addEventListener("change", () => { sel = 0; $(id).blur(); load(); });
for (const id of ["context", "filters"])
  $(id).addEventListener("change", () => { $(id).blur(); requestSignal(); });
$("reviewer").value = localStorage.getItem("ictus-reviewer") || "";
$("reviewer").addEventListener("change", () =>
  localStorage.setItem("ictus-reviewer", $("reviewer").value));
load();
