// trace.js: draws an /api/signal answer on a canvas, one row per channel, and says where
// things are on it (included into review/page.html by the Makefile, before main.js).
//
// drawTraces(canvas, data, opts) -> geometry
//   canvas: the <canvas>; its whole area is cleared and redrawn.
//   data:   an /api/signal answer: { t0_s, t1_s, width, channels: [{ label, unit, min, max }] }
//           with min/max of `width` columns each (null: a gap, nothing drawn).
//   opts:   { gains: newGains(),  amplitude factors (below); each channel fills its row at 1
//             marks: [{ t_s, colour }],   vertical lines across every row (edges, cursors)
//             origin_s: t0_s,     the time labelled "0 s" on the axis (ticks fall on it)
//             tickLabel: (offset_s, t_s) => offset_s + " s" }   the text of a tick
//   geometry: { left, width, plotH, rowH, xOf(t_s), tOf(x), rowOf(y) }: the traces span the
//           x range [left, left + width) and the y range [0, plotH); xOf and tOf convert between
//           a time in s (the recording's clock, as data.t0_s) and a canvas x in px; rowOf gives
//           the channel index under a canvas y (-1 outside the rows).
const TRACE_LABEL_W = 70;     // px left of the traces, for the channel labels
const TRACE_AXIS_H = 20;      // px below the traces, for the time axis
const TRACE_COLOUR = "#222222";
const PICKED_COLOUR = "#1f5fbf";  // the label of a channel picked for its own gain

// A view's gains: `all` for every channel, `per` (by label) on top of it for single channels,
// and the channels `picked` (a click on a label picks or lets go) whose gain + and - change;
// with none picked they change `all`.
function newGains() { return { all: 1, per: {}, picked: new Set() }; }

function gainOf(gains, label) { return gains.all * (gains.per[label] || 1); }

function gainStep(gains, factor) {
  if (!gains.picked.size) gains.all *= factor;
  for (const label of gains.picked) gains.per[label] = (gains.per[label] || 1) * factor;
}

// A click at canvas (x, y) on a channel's label picks it or lets it go; true when it was one.
function gainPick(gains, geo, data, x, y) {
  const row = geo.rowOf(y);
  if (x >= geo.left || row < 0 || row >= data.channels.length) return false;
  const label = data.channels[row].label;
  if (!gains.picked.delete(label)) gains.picked.add(label);
  return true;
}

// The extremes of a channel's finite columns, or null when all are gaps.
function traceExtent(ch) {
  let lo = Infinity, hi = -Infinity;
  ch.min.forEach((v, j) => { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, ch.max[j]); } });
  return lo <= hi ? { lo: lo, hi: hi } : null;
}

// A tick spacing in s that puts at most about 10 ticks in span_s.
function traceTickStep(span_s) {
  for (const s of [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600]) if (span_s / s <= 10) return s;
  return 7200;
}

// The geometry of data drawn on canvas (see drawTraces), without drawing.
function traceGeometry(canvas, data) {
  const plotH = canvas.height - TRACE_AXIS_H;
  const rowH = plotH / Math.max(data.channels.length, 1);
  const span_s = data.t1_s - data.t0_s;
  return {
    left: TRACE_LABEL_W, width: data.width, plotH: plotH, rowH: rowH,
    xOf: (t) => TRACE_LABEL_W + (t - data.t0_s) / span_s * data.width,
    tOf: (x) => data.t0_s + (x - TRACE_LABEL_W) / data.width * span_s,
    rowOf: (y) => (y >= 0 && y < plotH ? Math.floor(y / rowH) : -1),
  };
}

// Vertical lines at marks [{ t_s, colour }] from y = 0 to y = bottom, one path each.
function drawMarks(g, geo, marks, bottom) {
  for (const m of marks) {
    g.strokeStyle = m.colour;
    g.beginPath();
    g.moveTo(geo.xOf(m.t_s), 0);
    g.lineTo(geo.xOf(m.t_s), bottom);
    g.stroke();
  }
}

function drawTraces(canvas, data, opts) {
  const o = Object.assign({ gains: newGains(), marks: [], origin_s: data.t0_s,
                            tickLabel: (offset_s) => offset_s + " s" }, opts || {});
  const geo = traceGeometry(canvas, data);
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = "12px sans-serif";
  g.textBaseline = "middle";
  data.channels.forEach((ch, c) => {
    const mid = geo.rowH * (c + 0.5);
    const gain = gainOf(o.gains, ch.label);
    g.fillStyle = o.gains.picked.has(ch.label) ? PICKED_COLOUR : TRACE_COLOUR;
    g.fillText(ch.label, 4, mid);
    g.fillStyle = TRACE_COLOUR;
    const ext = traceExtent(ch);
    if (!ext) return;
    // Each channel fills its row; its scale says what half a row is, so that
    // amplitudes can be read and compared between channels and events.
    if (ext.hi > ext.lo)
      g.fillText("\u00b1" + Number(((ext.hi - ext.lo) / 2 / gain).toPrecision(3)) + " " +
                 (ch.unit === "uV" ? "\u00b5V" : ch.unit), 4, mid + 14);
    const centre = (ext.lo + ext.hi) / 2;
    const scale = ext.hi > ext.lo ? gain * (geo.rowH / 2) / ((ext.hi - ext.lo) / 2) : 0;
    const yOf = (v) => mid - (v - centre) * scale;
    g.strokeStyle = TRACE_COLOUR;
    g.beginPath();
    for (let j = 0; j < data.width; j++) {
      if (ch.min[j] === null) continue;  // a gap: nothing drawn
      const x = geo.left + j + 0.5;
      g.moveTo(x, yOf(ch.max[j]));
      g.lineTo(x, yOf(ch.min[j]) + 1);
    }
    g.stroke();
  });
  drawMarks(g, geo, o.marks, geo.plotH);
  const step = traceTickStep(data.t1_s - data.t0_s);
  g.fillStyle = TRACE_COLOUR;
  g.strokeStyle = TRACE_COLOUR;
  g.beginPath();
  for (let k = Math.ceil((data.t0_s - o.origin_s) / step); o.origin_s + k * step <= data.t1_s; k++) {
    const x = geo.xOf(o.origin_s + k * step);
    g.moveTo(x, geo.plotH);
    g.lineTo(x, geo.plotH + 4);
    g.fillText(o.tickLabel(k * step, o.origin_s + k * step), x + 2, geo.plotH + TRACE_AXIS_H / 2 + 2);
  }
  g.stroke();
  return geo;
}

// drawSpectrogram(canvas, sg, geo, marks): an /api/spectrogram answer on canvas, its time
// columns spread over geo's x range (the traces' geometry, so that both line up), low
// frequencies at the bottom, a frequency axis in the label column, and marks as in drawTraces.
const SPECTRO_STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const SPECTRO_GAP = "#dddddd";

// The colour of v in [0, 1] on a viridis-like scale.
function spectroColour(v) {
  const x = Math.min(Math.max(v, 0), 1) * (SPECTRO_STOPS.length - 1);
  const i = Math.min(Math.floor(x), SPECTRO_STOPS.length - 2), f = x - i;
  const c = SPECTRO_STOPS[i].map((a, k) => Math.round(a + (SPECTRO_STOPS[i + 1][k] - a) * f));
  return "rgb(" + c.join(",") + ")";
}

function drawSpectrogram(canvas, sg, geo, marks) {
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const h = canvas.height - 4;
  const colW = geo.width / sg.width, rowH = h / sg.n_freq;
  const range = sg.db_hi > sg.db_lo ? sg.db_hi - sg.db_lo : 1;
  for (let t = 0; t < sg.width; t++) {
    for (let f = 0; f < sg.n_freq; f++) {
      const v = sg.db[t * sg.n_freq + f];
      g.fillStyle = v === null ? SPECTRO_GAP : spectroColour((v - sg.db_lo) / range);
      g.fillRect(geo.left + t * colW, h - (f + 1) * rowH, Math.ceil(colW), Math.ceil(rowH));
    }
  }
  g.font = "11px sans-serif";
  g.textBaseline = "middle";
  g.fillStyle = TRACE_COLOUR;
  g.fillText(sg.label, 4, 8);
  const top_hz = (sg.n_freq - 0.5) * sg.df_hz;
  const step = [5, 10, 20, 25, 50, 100, 200, 500, 1000].find((s) => top_hz / s <= 5) || 2000;
  g.strokeStyle = TRACE_COLOUR;
  g.beginPath();
  for (let f = 0; f <= top_hz; f += step) {
    const y = h - (f / sg.df_hz + 0.5) * rowH;
    if (y < 18) break;  // its label would run into the channel's
    g.moveTo(geo.left - 4, y);
    g.lineTo(geo.left, y);
    g.fillText(f + " Hz", 30, y);
  }
  g.stroke();
  drawMarks(g, geo, marks || [], h);
}
