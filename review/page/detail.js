// detail.js: the event view's spectrogram, feature plot and feature summary, each from its
// own request after the signal's (GET /api/spectrogram, /api/features), drawn time-aligned
// under the traces (included into review/page.html by the Makefile, before main.js).
const SPECTRO_MAX_HZ = 100;   // the spectrogram's top frequency (rodent EEG: below 100 Hz)
const SPECTRO_COL_PX = 2;     // px per spectrogram column
const FEATURE_COLOUR = "#0b6e4f";
// The rows of the summary: a feature, what is shown of it, its label.
const SUMMARY_ROWS = [
  ["line_length", "ratio", "line length: event peak / surroundings median"],
  ["spike_rate", "mean", "spike rate in the event (/s)"],
  ["rms", "ratio", "RMS: event peak / surroundings median"],
  ["peak_freq", "median", "peak frequency in the event (Hz)"],
  ["spectral_entropy", "median", "spectral entropy in the event"],
];
const BANDS = ["delta", "theta", "alpha", "beta", "gamma"];

let detail = { event: null, data: null, spectro: null, features: null };
let detailSeq = 0;

// The query arguments of a request about event e: its handle (what a blinded page has; the
// server finds the recording), blind=REVIEWER while blinded, and `args`.
function eventArgs(e, args) {
  const q = Object.assign({ event: e.id }, args);
  if (blindReviewer()) q.blind = blindReviewer();
  return q;
}

// A new signal answer for event e: ask for its spectrogram and features.
function detailShow(e, data) {
  const seq = ++detailSeq;
  detail = { event: e, data: data, spectro: null, features: null };
  mediaEvent(e);
  for (const id of ["spectrogram", "featureplot"]) $(id).width = $("signal").width;
  const labels = data.channels.map((c) => c.label);
  const select = $("sg-channel");
  const keep = labels.includes(select.value) ? select.value
             : labels.includes(e.channel) ? e.channel : labels[0];
  select.replaceChildren();
  for (const l of labels) {
    const o = document.createElement("option");
    o.value = l;
    o.textContent = l;
    select.appendChild(o);
  }
  select.value = keep;
  $("explain").replaceChildren();
  const base = eventArgs(e, { t0_s: String(data.t0_s), t1_s: String(data.t1_s) });
  requestSpectrogram();
  $("why").replaceChildren(para("the detector's account: running the detection over the " +
                                "recording (once per recording)...", ""));
  api("/api/explain?" + new URLSearchParams(base).toString())
    .then((x) => { if (seq === detailSeq) showWhy(e, x); })
    .catch((err) => { if (seq === detailSeq) $("why").replaceChildren(para("explanation: " + err.message, "")); });
  api("/api/features?" + new URLSearchParams(base).toString())
    .then((f) => { if (seq === detailSeq) { detail.features = f; detailDraw(); } })
    .catch((err) => { if (seq === detailSeq) $("detail-status").textContent = "features: " + err.message; });
}

function requestSpectrogram() {
  const seq = detailSeq, e = detail.event, data = detail.data;
  if (!e) return;
  const q = new URLSearchParams(eventArgs(e, {
    t0_s: String(data.t0_s), t1_s: String(data.t1_s),
    channel: $("sg-channel").value, max_hz: String(SPECTRO_MAX_HZ),
    width: String(Math.max(1, Math.min(MAX_COLUMNS, Math.round(data.width / SPECTRO_COL_PX)))),
    filters: data.filters ? "on" : "off" }));
  detail.spectro = null;
  $("detail-status").textContent = "";
  api("/api/spectrogram?" + q.toString())
    .then((sg) => { if (seq === detailSeq) { detail.spectro = sg; detailDraw(); } })
    .catch((err) => { if (seq === detailSeq) $("detail-status").textContent = "spectrogram: " + err.message; });
}

function detailClear() {
  detailSeq++;
  detail = { event: null, data: null, spectro: null, features: null };
  for (const id of ["spectrogram", "featureplot"]) {
    const c = $(id);
    c.getContext("2d").clearRect(0, 0, c.width, c.height);
  }
  $("explain").replaceChildren();
  $("why").replaceChildren();
}

function para(text, cls) {
  const p = document.createElement("p");
  p.textContent = text;
  if (cls) p.className = cls;
  return p;
}

// The detector's account of the candidates in view (GET /api/explain), the event's first.
function showWhy(e, x) {
  const near = (c) => Math.abs(c.start_s - e.start_s) < 1e-3 && Math.abs(c.end_s - e.end_s) < 1e-3;
  const items = x.candidates.filter(near).concat(x.candidates.filter((c) => !near(c)));
  const out = [para("The detector (" + x.preset + ") on what it saw here:", "")];
  if (!x.candidates.some(near))
    out.push(para("This event is not among today's candidates (the file or the preset " +
                  "changed since the run, or it was added by hand).", "this"));
  for (const c of items) out.push(para(c.text, near(c) ? "this" : ""));
  $("why").replaceChildren(...out);
}

// The features of channel `label` (null when not analysed) as { t: centres, v: values }.
function featureSeries(f, label, name) {
  const ch = f.channels.find((c) => c.label === label);
  const k = f.features.indexOf(name);
  if (!ch || k < 0) return null;
  return { t: f.windows.map((s) => s + f.win_s / 2), v: ch.values.map((row) => row[k]) };
}

function median(xs) {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
}

function fmt(v, digits) {
  return v === null || !isFinite(v) ? "-" : Number(v.toPrecision(digits || 3)).toString();
}

// Redraw what has come in with the traces' geometry and marks (main.js's draw()).
function detailDraw() {
  if (!detail.event || !geometry) return;
  const marks = viewMarks();
  if (detail.spectro && detail.spectro.label === $("sg-channel").value)
    drawSpectrogram($("spectrogram"), detail.spectro, geometry, marks);
  const f = detail.features;
  if (!f) return;
  drawFeature(f, marks);
  summarise(f);
}

function drawFeature(f, marks) {
  const canvas = $("featureplot"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const name = $("ft-name").value || "line_length";
  if ($("ft-name").options.length === 0) {
    for (const n of f.features) {
      const o = document.createElement("option");
      o.value = n;
      o.textContent = n;
      $("ft-name").appendChild(o);
    }
    $("ft-name").value = name;
  }
  const label = $("sg-channel").value;
  const s = featureSeries(f, label, name);
  g.font = "11px sans-serif";
  g.textBaseline = "middle";
  g.fillStyle = TRACE_COLOUR;
  g.fillText(name, 4, 8);
  if (!s) { g.fillText(label + ": not analysed", 4, 22); return; }
  const hi = Math.max(...s.v.filter((v) => v !== null), 0);
  const h = canvas.height - 4;
  g.fillText("max " + fmt(hi), 4, 22);
  g.strokeStyle = FEATURE_COLOUR;
  g.beginPath();
  let pen = false;
  s.v.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const x = geometry.xOf(s.t[i]), y = h - (hi > 0 ? v / hi : 0) * (h - 4);
    if (pen) g.lineTo(x, y); else g.moveTo(x, y);
    pen = true;
  });
  g.stroke();
  drawMarks(g, geometry, marks, h);
}

// The table under the view: per analysed channel, the event against its surroundings.
function summarise(f) {
  const e = detail.event;
  const inside = f.windows.map((s) => s + f.win_s / 2 >= e.start_s && s + f.win_s / 2 < e.end_s);
  const table = document.createElement("table");
  const head = document.createElement("tr");
  cell(head, "event " + e.type + ", score " + e.score.toFixed(3) + " (" + f.preset + ")");
  for (const ch of f.channels) cell(head, ch.label);
  table.appendChild(head);
  const d = f.detector;
  const limits = { line_length: "detector: on " + d.on_ratio + "x, off " + d.off_ratio + "x its baseline",
                   spike_rate: "detector: >= " + d.min_spike_rate + " to start, " +
                               d.sustain_spike_rate + " to go on" };
  for (const [name, how, text] of SUMMARY_ROWS) {
    const tr = document.createElement("tr");
    cell(tr, text + (limits[name] ? " (" + limits[name] + ")" : ""));
    for (const ch of f.channels) {
      const s = featureSeries(f, ch.label, name);
      const inV = s.v.filter((v, i) => inside[i] && v !== null);
      const outV = s.v.filter((v, i) => !inside[i]);
      let v = null;
      if (how === "ratio") {
        const m = median(outV);
        v = inV.length && m ? Math.max(...inV) / m : null;
      } else if (how === "mean") {
        v = inV.length ? inV.reduce((a, b) => a + b, 0) / inV.length : null;
      } else {
        v = median(inV);
      }
      cell(tr, fmt(v) + (how === "ratio" && v !== null ? "x" : ""), "num");
    }
    table.appendChild(tr);
  }
  const band = document.createElement("tr");
  cell(band, "dominant band in the event (mean share of power)");
  const artefacts = document.createElement("tr");
  cell(artefacts, "artefact windows in the event");
  for (const ch of f.channels) {
    const shares = BANDS.map((b) => {
      const s = featureSeries(f, ch.label, "rel_" + b);
      const vs = s.v.filter((v, i) => inside[i] && v !== null);
      return vs.length ? vs.reduce((a, x) => a + x, 0) / vs.length : -1;
    });
    const best = shares.indexOf(Math.max(...shares));
    cell(band, shares[best] >= 0 ? BANDS[best] + " " + Math.round(shares[best] * 100) + "%" : "-");
    const flagged = ch.artefact.filter((a, i) => inside[i] && a !== "");
    cell(artefacts, flagged.length + " / " + inside.filter((x) => x).length +
         (flagged.length ? " (" + [...new Set(flagged)].join(", ") + ")" : ""), "num");
  }
  table.appendChild(band);
  table.appendChild(artefacts);
  $("explain").replaceChildren(table);
}

$("sg-channel").addEventListener("change", () => { $("sg-channel").blur(); requestSpectrogram(); detailDraw(); });
$("ft-name").addEventListener("change", () => { $("ft-name").blur(); detailDraw(); });
