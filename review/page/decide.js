// decide.js: the review page's decisions: verdict keys, Racine stage, corrected type, note, edges
// dragged on the trace, missed events added by a drag, and the selected event's history
// (included into review/page.html by the Makefile, after main.js).
//
// A decision is stored whole (verdict, type, edges, Racine stage, note) as one POST /api/review,
// which appends it to the event's history.  A verdict key (c, r, u) stores and moves on.  A change
// to the other fields (a digit, t, e, n, an edge dragged) of an event that has a verdict is stored
// at once with that verdict; on an event without one it is pending (shown in orange) and goes with
// the verdict key.  Escape drops what is pending.
const PENDING_COLOUR = "#ff8800";   // edges or a range not stored yet
const DETECTED_COLOUR = "#f0a8a8";  // the detector's edges when a reviewer corrected them
const ADDED_FILL = "rgba(0, 150, 0, 0.18)";
const GRAB_PX = 6;                  // an edge is grabbed within this many px of its line
const MIN_ADD_PX = 3;               // a drag shorter than this adds nothing
const BUSY_ATTEMPTS = 5;            // a decision answered 503 (busy) is sent this often at most,
const BUSY_WAIT_MS = 1000;          // ... this long apart
let pending = {};                   // event id -> { racine, ctype, cstart_s, cend_s, note }
let drag = null;                    // { edge: "start"|"end" } or an added range being dragged:
                                    // { add: true, canvas, geo, row, x0, x1, redraw, done }
let addMode = false;                // the next drag on a trace adds a missed event

function reviewer() { return $("reviewer").value.trim(); }

// The decision an event shows: its stored one with what is pending over it.
function decision(e) {
  const d = { racine: e.racine, ctype: e.ctype, cstart_s: e.cstart_s, cend_s: e.cend_s,
              note: e.note };
  return Object.assign(d, pending[e.id] || {});
}

// The edges an event has now: corrected (stored or pending) or detected.
function edges(e) {
  const d = decision(e);
  return d.cstart_s === null ? { start_s: e.start_s, end_s: e.end_s }
                             : { start_s: d.cstart_s, end_s: d.cend_s };
}

// The vertical lines of the event view: the edges, red when stored, orange when pending, with
// the detector's own in pale red when they were corrected.
function edgeMarks(e) {
  const d = decision(e);
  const p = pending[e.id] || {};
  if (d.cstart_s === null)
    return [{ t_s: e.start_s, colour: EDGE_COLOUR }, { t_s: e.end_s, colour: EDGE_COLOUR }];
  const colour = p.cstart_s !== undefined ? PENDING_COLOUR : EDGE_COLOUR;
  const marks = [{ t_s: d.cstart_s, colour: colour }, { t_s: d.cend_s, colour: colour }];
  if (e.kind !== "added")
    marks.unshift({ t_s: e.start_s, colour: DETECTED_COLOUR }, { t_s: e.end_s, colour: DETECTED_COLOUR });
  return marks;
}

// Shade [x0, x1) of a channel's row of traces drawn with geometry geo.
function shadeRow(canvas, geo, x0, x1, row, fill) {
  const g = canvas.getContext("2d");
  g.fillStyle = fill;
  g.fillRect(Math.min(x0, x1), row * geo.rowH, Math.abs(x1 - x0), geo.rowH);
}

// An added event [start_s, end_s) of `type` on a channel's row: shaded green, labelled.
function drawAdded(canvas, geo, row, start_s, end_s, type) {
  shadeRow(canvas, geo, geo.xOf(start_s), geo.xOf(end_s), row, ADDED_FILL);
  const g = canvas.getContext("2d");
  g.fillStyle = "#060";
  g.fillText("added " + type, geo.xOf(start_s) + 2, row * geo.rowH + 10);
}

// The range being dragged on `canvas` to add a missed event, if any.
function drawDragged(canvas, geo) {
  if (drag && drag.add && drag.canvas === canvas)
    shadeRow(canvas, geo, drag.x0, drag.x1, drag.row, "rgba(255, 136, 0, 0.3)");
}

// Over the event view's traces: the events added on this recording (shaded on their channel's
// row) and the range being dragged to add one.
function drawOverlay(canvas, geo, e) {
  const labels = signal.data.channels.map((ch) => ch.label);
  for (const a of events) {
    const row = labels.indexOf(a.channel);
    if (a.kind !== "added" || a.rec !== e.rec || row < 0) continue;
    const ed = edges(a);
    drawAdded(canvas, geo, row, ed.start_s, ed.end_s, a.ctype || a.type);
  }
  drawDragged(canvas, geo);
}

// Store the decision `verdict` (with what is pending) of event e; true when stored.
async function post(e, verdict) {
  const d = decision(e);
  const review = { event: e.id, verdict: verdict, racine: d.racine, note: d.note,
                   reviewer: reviewer() };
  if (d.ctype) review.type = d.ctype;
  if (d.cstart_s !== null) { review.corrected_start_s = d.cstart_s; review.corrected_end_s = d.cend_s; }
  delete pending[e.id];
  try {
    // 503: the database stayed locked (a run committing) beyond the server's wait; try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await api("/api/review", { method: "POST", body: JSON.stringify(review),
                                   headers: { "Content-Type": "application/json" } });
        break;
      } catch (err) {
        if (err.status !== 503 || attempt === BUSY_ATTEMPTS) throw err;
        setStatus("the database is busy: trying again");
        await new Promise((r) => setTimeout(r, BUSY_WAIT_MS));
      }
    }
  } catch (err) {
    // Not stored: what was pending is pending again.
    pending[e.id] = Object.assign(d, pending[e.id] || {});
    setStatus("not stored: " + err.message);
    return false;
  }
  Object.assign(e, d, { verdict: verdict, reviewer: review.reviewer });
  setStatus("");
  return true;
}

// A verdict key: store, and move to the next event at once (the next key is for it, even
// while this one's answer is on its way; the row shows the verdict when it is stored).
async function decide(verdict) {
  const e = events[sel];
  if (!e) return;
  const stored = post(e, verdict);
  select(sel + 1);
  await stored;
  render();
  showDecision();
}

// Change some fields of the selected event's decision: stored at once when it has a verdict,
// else pending until the verdict key.
async function change(fields) {
  const e = events[sel];
  if (!e) return;
  pending[e.id] = Object.assign(pending[e.id] || {}, fields);
  if (e.verdict !== "") {
    await post(e, e.verdict);
    render();
  }
  showDecision();
  draw();
}

// The type after (step 1) or before (step -1) the event's current one among the study's types.
function cycleType(e, step) {
  const now = decision(e).ctype || e.type;
  const i = types.indexOf(now);
  return types[((i < 0 ? 0 : i + step) + types.length) % types.length];
}

// Keys of this module (main.js passes every key it does not use); true when used.
function decisionKey(key) {
  const verdicts = { c: "seizure", r: "not_seizure", u: "unsure" };
  const e = events[sel];
  if (verdicts[key]) decide(verdicts[key]);
  else if (/^[0-5]$/.test(key)) change({ racine: Number(key) });
  else if (key === "x") change({ racine: -1 });
  else if ((key === "t" || key === "T") && e && types.length) {
    const t = cycleType(e, key === "t" ? 1 : -1);
    change({ ctype: t === e.type ? "" : t });
  }
  else if (key === "e") change({ cstart_s: null, cend_s: null });
  else if (key === "n" && e) {
    const note = prompt("note for this event", decision(e).note);
    if (note !== null) change({ note: note });
  }
  else if (key === "a") { addMode = !addMode; showDecision(); }
  else if (key === "Escape") {
    if (e) delete pending[e.id];
    addMode = false;
    showDecision();
    draw();
  }
  else return false;
  return true;
}

// The selected event's decision under the trace: stored, pending, and its history.
function showDecision() {
  const e = events[sel];
  const d = e ? decision(e) : null;
  const p = e ? pending[e.id] || {} : {};
  const parts = [];
  if (e) {
    const ed = edges(e);
    parts.push(e.verdict === "" ? "not reviewed" : e.verdict + " by " + (e.reviewer || "(no name)"),
               "type " + (d.ctype || e.type) + (d.ctype ? " (detected " + e.type + ")" : ""),
               "edges " + ed.start_s.toFixed(2) + "-" + ed.end_s.toFixed(2) + " s" +
               (d.cstart_s !== null ? " (detected " + e.start_s.toFixed(2) + "-" +
                e.end_s.toFixed(2) + ")" : ""),
               "Racine " + (d.racine >= 0 ? d.racine : "-"));
    if (d.note) parts.push("note: " + d.note);
  }
  $("decision").textContent = parts.join(" \u00b7 ");
  $("pending").textContent = (Object.keys(p).length ? "pending (stored with the verdict): " +
    Object.keys(p).join(", ") : "") + (addMode ? " ADD MODE: drag on a channel to add a missed seizure" : "");
  loadHistory(e);
}

let historySeq = 0;
async function loadHistory(e) {
  const seq = ++historySeq;
  const list = $("history");
  if (!e) { list.replaceChildren(); return; }
  const q = new URLSearchParams({ event: e.id });
  if (blindReviewer()) q.set("blind", blindReviewer());
  try {
    const data = await api("/api/history?" + q.toString());
    if (seq !== historySeq) return;
    list.replaceChildren();
    for (const h of data.history) {
      const li = document.createElement("li");
      li.textContent = h.time + " " + (h.reviewer || "(no name)") + ": " + h.verdict +
        (h.racine >= 0 ? " R" + h.racine : "") + (h.type ? " as " + h.type : "") +
        (h.corrected_start_s !== null ? " edges " + h.corrected_start_s.toFixed(2) + "-" +
         h.corrected_end_s.toFixed(2) : "") + (h.note ? " \u2014 " + h.note : "");
      list.appendChild(li);
    }
  } catch (err) {
    if (seq === historySeq) $("view-status").textContent = "cannot load the history: " + err.message;
  }
}

// Store an added event: a seizure the detector missed on `channel` over [start_s, end_s) of a
// recording, named by `where` ({ event: the handle of any entry of it } or { recording, animal
// }), of the type the queue's selected event shows; then reload the queue, where it is listed
// as "added".  True when stored.
async function addEvent(where, channel, start_s, end_s) {
  const e = events[sel];
  const review = Object.assign({ added: true, channel: channel, start_s: start_s, end_s: end_s,
                                 verdict: "seizure", type: e ? decision(e).ctype || e.type : types[0],
                                 racine: -1, note: "", reviewer: reviewer() }, where);
  try {
    await api("/api/review", { method: "POST", body: JSON.stringify(review),
                               headers: { "Content-Type": "application/json" } });
  } catch (err) {
    setStatus("not stored: " + err.message);
    return false;
  }
  addMode = false;
  await load();
  return true;
}

// The canvas x of a mouse event, snapped to the middle of its pixel column.
function canvasX(ev, canvas) {
  const r = canvas.getBoundingClientRect();
  const x = (ev.clientX - r.left) * canvas.width / r.width;
  return Math.floor(x) + 0.5;
}
function canvasY(ev, canvas) {
  const r = canvas.getBoundingClientRect();
  return (ev.clientY - r.top) * canvas.height / r.height;
}

// A mouse press on traces drawn on `canvas` with geometry geo: with shift (or in add mode), the
// start of a drag adding a missed event on the channel's row; when released, a range of
// MIN_ADD_PX or more is given to done(channel, start_s, end_s); redraw() draws the traces and
// the range (drawDragged) while dragged.  True when it started one.
function startAdd(ev, canvas, geo, data, redraw, done) {
  const x = canvasX(ev, canvas), row = geo.rowOf(canvasY(ev, canvas));
  if (!(ev.shiftKey || addMode) || x < geo.left || row < 0) return false;
  drag = { add: true, canvas: canvas, geo: geo, row: row, x0: x, x1: x, redraw: redraw,
           done: (t0, t1) => done(data.channels[row].label, t0, t1) };
  ev.preventDefault();
  return true;
}

$("signal").addEventListener("mousedown", (ev) => {
  const c = $("signal");
  if (geometry && gainPick(gains, geometry, signal.data, canvasX(ev, c), canvasY(ev, c))) {
    draw();
    return;
  }
  const e = signal && signal.event;
  if (!e || !geometry || e !== events[sel]) return;
  if (startAdd(ev, $("signal"), geometry, signal.data, draw,
               (channel, t0, t1) => addEvent({ event: e.id }, channel, t0, t1))) return;
  const x = canvasX(ev, $("signal"));
  if (x < geometry.left || geometry.rowOf(canvasY(ev, $("signal"))) < 0) return;
  const ed = edges(e);
  if (Math.abs(x - geometry.xOf(ed.start_s)) <= GRAB_PX) drag = { edge: "start" };
  else if (Math.abs(x - geometry.xOf(ed.end_s)) <= GRAB_PX) drag = { edge: "end" };
  else return;
  ev.preventDefault();
});
window.addEventListener("mousemove", (ev) => {
  if (drag && drag.add) {
    const geo = drag.geo;
    drag.x1 = Math.max(geo.left, Math.min(canvasX(ev, drag.canvas), geo.left + geo.width));
    drag.redraw();
    return;
  }
  if (!drag || !signal || !geometry) return;
  const e = signal.event;
  const x = Math.max(geometry.left, Math.min(canvasX(ev, $("signal")), geometry.left + geometry.width));
  const ed = edges(e);
  const t = geometry.tOf(x);
  // An edge stays on its side of the other one (a column apart at least).
  const col_s = geometry.tOf(geometry.left + 1) - geometry.tOf(geometry.left);
  if (drag.edge === "start") ed.start_s = Math.min(t, ed.end_s - col_s);
  else ed.end_s = Math.max(t, ed.start_s + col_s);
  pending[e.id] = Object.assign(pending[e.id] || {}, { cstart_s: ed.start_s, cend_s: ed.end_s });
  drag.moved = true;
  draw();
});
window.addEventListener("mouseup", () => {
  const d = drag;
  drag = null;
  if (d && d.add) {
    d.redraw();
    if (Math.abs(d.x1 - d.x0) >= MIN_ADD_PX)
      d.done(d.geo.tOf(Math.min(d.x0, d.x1)), d.geo.tOf(Math.max(d.x0, d.x1)));
    return;
  }
  if (!d || !signal) return;
  const e = signal.event;
  if (!d.moved || e !== events[sel]) return;  // a click on an edge changes nothing
  const p = pending[e.id];
  change({ cstart_s: p.cstart_s, cend_s: p.cend_s });
});
