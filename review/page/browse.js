// browse.js: whole-recording browsing as in EDFbrowser, and the 24 h overview strip per
// animal and day (GET /api/recordings, /api/overview, /api/signal); the keys b (browse
// mode on / off), [ ] PageUp PageDown arrows (page), Home End, space (video), + - (gain);
// shift+drag adds a missed seizure (decide.js)
// (included into review/page.html by the Makefile, after main.js and media.js).
const DAY_S = 86400;
const STRIP_ROW_H = 14;       // px per channel row of the overview strip
const STRIP_MARK_H = 12;      // px of the artefact row and of the events row
const STRIP_LABEL_W = TRACE_LABEL_W;
const UNANALYSABLE_COLOUR = "#999999";
const ARTEFACT_COLOUR = "#e69500";
const VERDICT_COLOURS = { seizure: "#060", not_seizure: "#888", unsure: "#a60", "": "#d00000" };

let recordings = [];          // /api/recordings' list
const overviews = new Map();  // recording|animal -> /api/overview answer (or a promise of it)
const browse = { on: false, rec: null, t_s: 0, page_s: 30, gains: newGains(), data: null, seq: 0,
                 day0: 0, geo: null };
const browsePlayer = mediaPlayer("b-video", () => browseDraw());
const eventPlayer = mediaPlayer("video", () => draw());

async function loadRecordings() {
  try {
    recordings = (await api("/api/recordings")).recordings;
    if (signal) mediaEvent(signal.event);  // an event shown before the list came: its video
  } catch (err) {
    $("b-status").textContent = "cannot list the recordings: " + err.message;
  }
}

function recordingOf(path, animal) {
  return recordings.find((r) => r.recording === path && r.animal === animal) || null;
}

// The event view's video: the event's recording, from a little before it.  Blinded, the page
// has no recording list: it asks for the event's recording's video by the event's handle (an
// answer without names; the video named by the handle too, media.js).
async function mediaEvent(e) {
  if (!blindReviewer()) {
    mediaShow(eventPlayer, recordingOf(e.recording, e.animal), e.start_s - VIDEO_LEAD_S);
    return;
  }
  let rec = null;
  try {
    const q = new URLSearchParams({ event: e.id, blind: blindReviewer() });
    const list = (await api("/api/recordings?" + q.toString())).recordings;
    if (list.length) rec = Object.assign(list[0], { recording: e.rec, animal: "", event: e.id });
  } catch (err) {
    $("detail-status").textContent = "video: " + err.message;
  }
  if (signal && signal.event === e) mediaShow(eventPlayer, rec, e.start_s - VIDEO_LEAD_S);
}

function pad2(n) { return String(n).padStart(2, "0"); }
// "YYYY-MM-DD HH:MM:SS" of a naive local wall time in s (the recordings' clock, no zone).
function clock(wall_s, withDate) {
  const d = new Date(Math.round(wall_s) * 1000);
  const t = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) + ":" + pad2(d.getUTCSeconds());
  return withDate ? d.toISOString().slice(0, 10) + " " + t : t;
}

function dayStart(wall_s) { return Math.floor(wall_s / DAY_S) * DAY_S; }

// The animal's recordings by start.
function animalRecordings(animal) {
  return recordings.filter((r) => r.animal === animal)
                   .sort((a, b) => a.start_wall_s - b.start_wall_s);
}

// Fill the animal and day selectors for the current recording.
function fillBrowseSelects() {
  const animals = [...new Set(recordings.map((r) => r.animal))];
  const sa = $("b-animal");
  sa.replaceChildren();
  for (const a of animals) {
    const o = document.createElement("option");
    o.value = a;
    o.textContent = a;
    sa.appendChild(o);
  }
  sa.value = browse.rec.animal;
  const days = new Set();
  for (const r of animalRecordings(browse.rec.animal))
    for (let d = dayStart(r.start_wall_s); d < r.start_wall_s + r.duration_s; d += DAY_S)
      days.add(d);
  const sd = $("b-day");
  sd.replaceChildren();
  for (const d of [...days].sort((a, b) => a - b)) {
    const o = document.createElement("option");
    o.value = String(d);
    o.textContent = clock(d, true).slice(0, 10);
    sd.appendChild(o);
  }
  sd.value = String(browse.day0);
}

// Browse rec from t_s (s from its start).
function browseAt(rec, t_s) {
  browse.rec = rec;
  browse.t_s = Math.max(0, Math.min(t_s, rec.duration_s - browse.page_s));
  const day0 = dayStart(rec.start_wall_s + browse.t_s);
  const dayChanged = day0 !== browse.day0;
  browse.day0 = day0;
  fillBrowseSelects();
  if (dayChanged || !$("overview").dataset.drawn) loadStrip();
  else drawStrip();
  mediaShow(browsePlayer, rec, browse.t_s);
  fetchBrowse();
}

function browseOn(on) {
  if (on && blindReviewer()) {  // the strip and the pages show animals, dates, recordings
    setStatus("browsing is off while blinded (it shows animals and dates)");
    return;
  }
  browse.on = on;
  $("browse").hidden = !on;
  $("queue").hidden = on;
  $("view").hidden = on;
  $("agreement").hidden = on;
  $("b-toggle").textContent = on ? "back to the queue (b)" : "browse recordings (b)";
  if (!on) { browsePlayer.el.pause(); return; }
  eventPlayer.el.pause();
  if (!recordings.length) { $("b-status").textContent = "no recording to browse"; return; }
  const e = events[sel];
  const rec = (e && recordingOf(e.recording, e.animal)) || browse.rec || recordings[0];
  const t = e && rec.recording === e.recording && rec.animal === e.animal
          ? (e.start_s + e.end_s - browse.page_s) / 2 : browse.t_s;
  browseAt(rec, t);
}

// Step by `pages` pages; past either end of the recording, into the animal's next or
// previous one.
function browseStep(pages) {
  const list = animalRecordings(browse.rec.animal), i = list.indexOf(browse.rec);
  const last = browse.rec.duration_s - browse.page_s;
  if (pages > 0 && browse.t_s >= last - 1e-6 && list[i + 1]) return browseAt(list[i + 1], 0);
  if (pages < 0 && browse.t_s <= 1e-6 && list[i - 1]) return browseAt(list[i - 1], Infinity);
  return browseAt(browse.rec, browse.t_s + pages * browse.page_s);
}

async function fetchBrowse() {
  const seq = ++browse.seq, rec = browse.rec;
  const canvas = $("b-signal");
  if (canvas.clientWidth > 0) canvas.width = canvas.clientWidth;
  const q = new URLSearchParams({
    recording: rec.recording, animal: rec.animal, t0_s: String(browse.t_s),
    t1_s: String(browse.t_s + browse.page_s),
    width: String(Math.max(1, Math.min(MAX_COLUMNS, canvas.width - TRACE_LABEL_W))),
    filters: $("b-filters").checked ? "on" : "off" });
  showBrowseTime();
  try {
    const data = await api("/api/signal?" + q.toString());
    if (seq !== browse.seq) return;
    browse.data = data;
    $("b-status").textContent = "";
    browseDraw();
  } catch (err) {
    if (seq === browse.seq) $("b-status").textContent = "cannot load the signal: " + err.message;
  }
}

function showBrowseTime() {
  const r = browse.rec, w = r.start_wall_s + browse.t_s;
  const into = browse.t_s;
  $("b-time").textContent = clock(w, true) + " \u2013 " + clock(w + browse.page_s) + "  (" +
    r.recording + ", " + Math.floor(into / 3600) + ":" + pad2(Math.floor(into / 60) % 60) + ":" +
    pad2(Math.floor(into) % 60) + " into it)";
}

// The overview of the browsed recording when it has come, else null.
function shownOverview() {
  const ov = overviews.get(browse.rec.recording + "|" + browse.rec.animal);
  return ov && !(ov instanceof Promise) ? ov : null;
}

// The marks of the browse view: the recording's events' edges, and the video's cursor.
function browseMarks() {
  const ov = shownOverview();
  const marks = [];
  if (ov)
    for (const e of ov.events)
      if (e.end_s >= browse.t_s && e.start_s <= browse.t_s + browse.page_s)
        marks.push({ t_s: e.start_s, colour: VERDICT_COLOURS[e.verdict] || EDGE_COLOUR },
                   { t_s: e.end_s, colour: VERDICT_COLOURS[e.verdict] || EDGE_COLOUR });
  return marks.concat(mediaMarks(browsePlayer));
}

function browseDraw() {
  if (!browse.data) return;
  const start = browse.rec.start_wall_s;
  const canvas = $("b-signal");
  browse.geo = drawTraces(canvas, browse.data, {
    gains: browse.gains, marks: browseMarks(), origin_s: -(start % 60),
    tickLabel: (offset_s, t_s) => clock(start + t_s) });
  // The events reviewers added, shaded on their channel's row (decide.js), and a range being
  // dragged to add one.
  const labels = browse.data.channels.map((c) => c.label), ov = shownOverview();
  for (const e of ov ? ov.events : [])
    if (e.added && labels.includes(e.channel))
      drawAdded(canvas, browse.geo, labels.indexOf(e.channel), e.start_s, e.end_s, e.type);
  drawDragged(canvas, browse.geo);
  drawStrip();
}

// ---- the overview strip: the animal's day, minute by minute ----

function overviewOf(rec) {
  const key = rec.recording + "|" + rec.animal;
  if (!overviews.has(key)) {
    const q = new URLSearchParams({ recording: rec.recording, animal: rec.animal });
    overviews.set(key, api("/api/overview?" + q.toString()).then((ov) => {
      overviews.set(key, ov);
      return ov;
    }, (err) => { overviews.delete(key); throw err; }));
  }
  const v = overviews.get(key);
  return v instanceof Promise ? v : Promise.resolve(v);
}

// The animal's recordings that overlap the day.
function dayRecordings() {
  return animalRecordings(browse.rec.animal).filter((r) =>
    r.start_wall_s < browse.day0 + DAY_S && r.start_wall_s + r.duration_s > browse.day0);
}

async function loadStrip() {
  const day0 = browse.day0, animal = browse.rec.animal;
  $("strip-status").textContent = "computing the overview...";
  try {
    await Promise.all(dayRecordings().map(overviewOf));
    if (day0 !== browse.day0 || animal !== browse.rec.animal) return;
    $("strip-status").textContent = "";
    if (browse.data) browseDraw(); else drawStrip();  // the events' marks, too
  } catch (err) {
    $("strip-status").textContent = "overview: " + err.message;
  }
}

// Where the strip puts wall time w (s), and back.
function stripX(canvas, w) {
  return STRIP_LABEL_W + (w - browse.day0) / DAY_S * (canvas.width - STRIP_LABEL_W);
}
function stripWall(canvas, x) {
  return browse.day0 + (x - STRIP_LABEL_W) / (canvas.width - STRIP_LABEL_W) * DAY_S;
}

function drawStrip() {
  const canvas = $("overview"), g = canvas.getContext("2d");
  const recs = dayRecordings();
  const ovs = recs.map((r) => overviews.get(r.recording + "|" + r.animal))
                  .map((v) => (v instanceof Promise ? null : v));
  const labels = browse.rec.channels;
  canvas.height = labels.length * STRIP_ROW_H + 2 * STRIP_MARK_H + 18;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = "11px sans-serif";
  g.textBaseline = "middle";
  g.fillStyle = TRACE_COLOUR;
  labels.forEach((l, c) => g.fillText(l, 4, c * STRIP_ROW_H + STRIP_ROW_H / 2));
  const yMarks = labels.length * STRIP_ROW_H;
  g.fillText("artefact", 4, yMarks + STRIP_MARK_H / 2);
  g.fillText("events", 4, yMarks + STRIP_MARK_H * 1.5);
  const minW = (canvas.width - STRIP_LABEL_W) / (DAY_S / 60);
  // Minutes of the recordings outside the day fall outside the clip.
  g.save();
  g.beginPath();
  g.rect(STRIP_LABEL_W, 0, canvas.width - STRIP_LABEL_W, canvas.height);
  g.clip();
  labels.forEach((label, c) => {
    // Each channel's minutes against its median over the day: a line length twice the
    // median or more is the top of the scale.
    const all = [];
    ovs.forEach((ov) => { const ch = ov && ov.channels.find((x) => x.label === label);
                          if (ch) all.push(...ch.line_length); });
    const m = median(all);
    ovs.forEach((ov, i) => {
      const ch = ov && ov.channels.find((x) => x.label === label);
      if (!ch) return;
      ch.line_length.forEach((v, k) => {
        if (v === null || !m) return;
        const x = stripX(canvas, recs[i].start_wall_s + k * ov.bucket_s);
        g.fillStyle = spectroColour(Math.log2(v / m) / 2 + 0.5);
        g.fillRect(x, c * STRIP_ROW_H, Math.ceil(minW), STRIP_ROW_H - 1);
      });
    });
  });
  ovs.forEach((ov, i) => {
    if (!ov) return;
    ov.analysable.forEach((a, k) => {
      const x = stripX(canvas, recs[i].start_wall_s + k * ov.bucket_s);
      if (a !== null && a < 0.5) g.fillStyle = UNANALYSABLE_COLOUR;
      else if (ov.artefact_windows[k] > 0) g.fillStyle = ARTEFACT_COLOUR;
      else return;
      g.fillRect(x, yMarks + 1, Math.ceil(minW), STRIP_MARK_H - 2);
    });
    for (const e of ov.events) {
      const x0 = stripX(canvas, recs[i].start_wall_s + e.start_s);
      g.fillStyle = VERDICT_COLOURS[e.verdict] || EDGE_COLOUR;
      const w = Math.max(2, stripX(canvas, recs[i].start_wall_s + e.end_s) - x0);
      g.fillRect(x0, yMarks + STRIP_MARK_H + 1, w, STRIP_MARK_H - 2);
      if (e.added) {  // a reviewer's: framed
        g.strokeStyle = TRACE_COLOUR;
        g.strokeRect(x0 - 0.5, yMarks + STRIP_MARK_H + 0.5, w + 1, STRIP_MARK_H - 1);
      }
    }
  });
  g.restore();
  // Hours, and where the browse view is.
  g.fillStyle = TRACE_COLOUR;
  g.strokeStyle = "#bbbbbb";
  g.beginPath();
  const yAxis = yMarks + 2 * STRIP_MARK_H;
  for (let h = 0; h <= 24; h += 3) {
    const x = stripX(canvas, browse.day0 + h * 3600);
    g.moveTo(x, 0);
    g.lineTo(x, yAxis + 3);
    g.fillText(pad2(h) + ":00", Math.min(x + 2, canvas.width - 34), yAxis + 9);
  }
  g.stroke();
  if (browse.rec) {
    const w = browse.rec.start_wall_s + browse.t_s;
    g.strokeStyle = CURSOR_COLOUR;
    g.lineWidth = 2;
    g.strokeRect(stripX(canvas, w), 0, Math.max(2, stripX(canvas, w + browse.page_s) - stripX(canvas, w)), yAxis);
    g.lineWidth = 1;
  }
  canvas.dataset.drawn = "1";
}

// A click on the strip: browse there (the recording holding that time, the page centred).
function stripClick(ev) {
  const canvas = $("overview");
  const x = (ev.offsetX !== undefined ? ev.offsetX : 0) * canvas.width / (canvas.clientWidth || canvas.width);
  if (x < STRIP_LABEL_W) return;
  const w = stripWall(canvas, x);
  const rec = dayRecordings().find((r) => w >= r.start_wall_s && w < r.start_wall_s + r.duration_s);
  if (!rec) { $("b-status").textContent = "no recording at " + clock(w); return; }
  $("b-status").textContent = "";
  browseAt(rec, w - rec.start_wall_s - browse.page_s / 2);
}

// Keys for browsing and the video; true when the key was this module's (main.js's
// keydown asks first; in browse mode every key is this module's).
function seeingKey(ev) {
  if (ev.key === "b") { browseOn(!browse.on); return true; }
  if (ev.key === " ") { mediaToggle(browse.on ? browsePlayer : eventPlayer); return true; }
  if (!browse.on) return false;
  const pages = { "[": -1, "]": 1, PageUp: -1, PageDown: 1, ArrowLeft: -1, ArrowRight: 1 };
  if (pages[ev.key] !== undefined) browseStep(pages[ev.key]);
  else if (ev.key === "Home") browseAt(browse.rec, 0);
  else if (ev.key === "End") browseAt(browse.rec, browse.rec.duration_s);
  else if (ev.key === "+" || ev.key === "-") {
    gainStep(browse.gains, ev.key === "+" ? GAIN_STEP : 1 / GAIN_STEP);
    browseDraw();
  }
  return true;
}

$("b-toggle").addEventListener("click", () => { $("b-toggle").blur(); browseOn(!browse.on); });
$("overview").addEventListener("click", stripClick);
// Shift+drag on a channel adds a missed seizure to the browsed recording (decide.js), as in the
// event view; the strip is asked for again to show it.
$("b-signal").addEventListener("mousedown", (ev) => {
  const rec = browse.rec;
  if (!browse.geo || !browse.data) return;
  if (gainPick(browse.gains, browse.geo, browse.data, canvasX(ev, $("b-signal")),
               canvasY(ev, $("b-signal")))) { browseDraw(); return; }
  startAdd(ev, $("b-signal"), browse.geo, browse.data, browseDraw, async (channel, t0, t1) => {
    if (!(await addEvent({ recording: rec.recording, animal: rec.animal }, channel, t0, t1))) return;
    overviews.delete(rec.recording + "|" + rec.animal);
    loadStrip();
  });
});
$("b-page").addEventListener("change", () => {
  $("b-page").blur();
  browse.page_s = Number($("b-page").value);
  if (browse.rec) browseAt(browse.rec, browse.t_s);
});
$("b-filters").addEventListener("change", () => { $("b-filters").blur(); if (browse.rec) fetchBrowse(); });
$("b-animal").addEventListener("change", () => {
  $("b-animal").blur();
  const list = animalRecordings($("b-animal").value);
  if (list.length) browseAt(list[0], 0);
});
$("b-day").addEventListener("change", () => {
  $("b-day").blur();
  const d = Number($("b-day").value);
  const rec = animalRecordings(browse.rec.animal).find((r) => r.start_wall_s + r.duration_s > d);
  if (rec) browseAt(rec, Math.max(0, d - rec.start_wall_s));
});
loadRecordings();
