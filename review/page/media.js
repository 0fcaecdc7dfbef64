// media.js: a recording's video beside the EEG (GET /api/video, HTTP ranges so seeking works
// on files of any size), seeked to a time and followed by a cursor on the traces (included
// into review/page.html by the Makefile, after main.js).
//
// recordings.csv's video: a file in recordings/ with the recording's time at its first
// frame (video_offset_s, from "FILE@OFFSET" in the csv): recording time t_s is video time
// t_s - video_offset_s.
const VIDEO_LEAD_S = 5;       // an event's video starts this long before it
const CURSOR_COLOUR = "#0070c0";

// One <video> element and the recording it shows: { el, recording, onTime }.
function mediaPlayer(id, onTime) {
  const p = { el: $(id), recording: null, onTime: onTime };
  p.el.addEventListener("timeupdate", () => { if (p.recording) p.onTime(); });
  p.el.addEventListener("seeked", () => { if (p.recording) p.onTime(); });
  return p;
}

// The URL of a recording's video (the token in the query: a <video> sends no headers); by an
// event's handle when rec has one (blinded).
function mediaUrl(rec) {
  const q = rec.event ? { event: rec.event, blind: blindReviewer() }
                      : { recording: rec.recording, animal: rec.animal };
  return "/api/video?" + new URLSearchParams(Object.assign(q, { token: token })).toString();
}

// Show rec's video (or none: rec null or without video) at recording time t_s.
function mediaShow(p, rec, t_s) {
  if (!rec || !rec.video) {
    p.recording = null;
    p.el.hidden = true;
    p.el.removeAttribute("src");
    return;
  }
  const src = mediaUrl(rec);
  p.el.hidden = false;
  if (!p.recording || p.recording.recording !== rec.recording || p.recording.animal !== rec.animal)
    p.el.src = src;
  p.recording = rec;
  mediaSeek(p, t_s);
}

function mediaSeek(p, t_s) {
  p.el.currentTime = Math.max(0, t_s - p.recording.video_offset_s);
}

// The recording time the video shows, or null without video.
function mediaTime(p) {
  return p.recording ? p.el.currentTime + p.recording.video_offset_s : null;
}

// The cursor mark for the traces, [] without video.
function mediaMarks(p) {
  const t = mediaTime(p);
  return t === null ? [] : [{ t_s: t, colour: CURSOR_COLOUR }];
}

function mediaToggle(p) {
  if (!p.recording) return false;
  if (p.el.paused) p.el.play().catch(() => {}); else p.el.pause();
  return true;
}
