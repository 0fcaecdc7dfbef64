// media.test.js: the review page's views of the data in headless Chromium (puppeteer-core):
// the event view's spectrogram, features and video with its cursor; browse mode with its
// keys and the overview strip (tests/test_browser_media.sh).
// Usage: node media.test.js video OUT.webm       writes a 3 s WebM (Chromium's MediaRecorder)
//        node media.test.js URL EVENT.png BROWSE.png
//   URL is the server's URL line (with its token).  Prints one `name: value` line per
//   observation for the shell test to judge; exits 1 only when the browser cannot be driven.
"use strict";
const fs = require("fs");
const { launch } = require("./common.js");

const STEP_MS = 15000;        // one step's limit (a loaded machine, the server under ASan)
function say(name, value) { console.log(name + ": " + value); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


// A 3 s, 160x120 WebM of changing colours with the frame number, recorded by the browser.
async function makeVideo(out) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const b64 = await page.evaluate(async () => {
      const c = document.createElement("canvas");
      c.width = 160;
      c.height = 120;
      document.body.appendChild(c);
      const g = c.getContext("2d");
      const rec = new MediaRecorder(c.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
      const chunks = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      let frame = 0;
      const timer = setInterval(() => {
        g.fillStyle = "hsl(" + (frame * 10 % 360) + ",80%,50%)";
        g.fillRect(0, 0, 160, 120);
        g.fillStyle = "#fff";
        g.font = "40px sans-serif";
        g.fillText(String(frame++), 20, 70);
      }, 40);
      rec.start(100);
      await new Promise((r) => setTimeout(r, 3000));
      rec.stop();
      await new Promise((r) => (rec.onstop = r));
      clearInterval(timer);
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let s = "";
      for (const x of bytes) s += String.fromCharCode(x);
      return btoa(s);
    });
    fs.writeFileSync(out, Buffer.from(b64, "base64"));
  } finally {
    await browser.close();
  }
}

async function main() {
  const [url, eventShot, browseShot] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1300, height: 1000 });
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push("console: " + m.text()); });
    page.on("pageerror", (e) => errors.push("pageerror: " + e.message));
    const until = (fn, ...args) => page.waitForFunction(fn, { timeout: STEP_MS }, ...args);

    await page.goto(url, { waitUntil: "networkidle0", timeout: STEP_MS });
    await page.select("#f-sort", "time");
    // The event view: traces, then the spectrogram and the features, each its own request.
    await until(() => events.length > 1 && events.every((e, i) => i === 0 || events[i - 1].start <= e.start) &&
                      events.some((e, i) => i > 0 && events[i - 1].score > e.score));
    // The queue keeps the selected event across a new sort: the first event by time.
    await page.evaluate(() => select(0));
    await until(() => sel === 0 && detail.spectro && detail.features && geometry &&
                      detail.event === events[sel]);
    const ev = await page.evaluate(() => ({
      start: events[sel].start_s, end: events[sel].end_s, channel: events[sel].channel,
      sg: [detail.spectro.label, detail.spectro.width, detail.spectro.n_freq].join(" "),
      traces: geometry.width, windows: detail.features.windows.length,
      t0: detail.data.t0_s, rows: document.querySelectorAll("#explain tr").length }));
    say("spectrogram label width bins", ev.sg);
    say("spectrogram columns per trace column", (ev.sg.split(" ")[1] / ev.traces).toFixed(2));
    say("event channel", ev.channel);
    say("feature windows", ev.windows);
    say("first window at t0", (await page.evaluate(() => detail.features.windows[0])) === Math.ceil(ev.t0));
    say("summary rows", ev.rows);
    // The detector's account, the event's own line first and in bold.
    await until(() => $("why").querySelector("p.this"));
    const why = await page.$eval("#why p.this", (p) => p.textContent);
    // The line prints its edges to the millisecond: compare them as numbers.
    const edges = /^candidate ([0-9.]+)-([0-9.]+) s/.exec(why);
    say("why: the event's candidate, typed and scored",
        edges !== null && Math.abs(edges[1] - ev.start) <= 0.0006 &&
        Math.abs(edges[2] - ev.end) <= 0.0006 &&
        why.includes(": " + (await page.evaluate(() => events[sel].type)) + ", score "));

    // The video: seeked to 5 s before the event, the cursor where the video is.
    await until(() => !$("video").hidden && $("video").readyState >= 1 &&
                      Math.abs(mediaTime(eventPlayer) - (events[sel].start_s - VIDEO_LEAD_S)) < 0.1);
    say("video src", await page.evaluate(() => new URL($("video").src).pathname));
    say("video at", (await page.evaluate(() => $("video").currentTime)).toFixed(2));
    say("cursor at event start minus",
        (ev.start - await page.evaluate(() => viewMarks().pop().t_s)).toFixed(2));
    await page.keyboard.press(" ");
    await until(() => !$("video").paused && $("video").currentTime > 1.5);
    await page.keyboard.press(" ");
    const played = await page.evaluate(() => ({ paused: $("video").paused, t: mediaTime(eventPlayer),
                                                mark: viewMarks().pop().t_s }));
    say("space plays, space pauses", played.paused);
    say("cursor follows the video", Math.abs(played.t - played.mark) < 1e-6 && played.t > ev.start - 4.5);
    await page.screenshot({ path: eventShot, fullPage: true });

    // Browse mode from the selected event: centred on it, 30 s pages.
    await page.keyboard.press("b");
    await until(() => browse.data && $("overview").dataset.drawn && !$("browse").hidden);
    say("browse shown, queue hidden", await page.evaluate(() => !$("browse").hidden && $("queue").hidden && $("view").hidden));
    const b0 = await page.evaluate(() => browse.t_s);
    say("browse page's middle minus the event's", (b0 + 15 - (ev.start + ev.end) / 2).toFixed(2));
    const at = async (key) => {
      const seq = await page.evaluate(() => browse.seq);
      await page.keyboard.press(key);
      await until((s) => browse.seq > s && browse.data && browse.data.t0_s === browse.t_s, seq);
      return page.evaluate(() => browse.t_s);
    };
    const steps = [await at("]"), await at("PageDown"), await at("["), await at("ArrowLeft")];
    say("pages after ] PageDown [ ArrowLeft", steps.map((t) => (t - b0).toFixed(1)).join(" "));
    say("the readout", await page.$eval("#b-time", (e) => e.textContent));
    say("the signal's window", await page.evaluate(() => [browse.data.t0_s - browse.t_s, browse.data.t1_s - browse.t_s].join(" ")));
    // c, r, u do nothing in browse mode.
    await page.keyboard.press("c");
    await sleep(300);
    // A click on the strip, 30 minutes into the recording: the page centred there.
    await until(() => overviews.get(browse.rec.recording + "|" + browse.rec.animal) &&
                      !(overviews.get(browse.rec.recording + "|" + browse.rec.animal) instanceof Promise));
    const box = await page.evaluate(() => {
      const c = $("overview"), r = c.getBoundingClientRect();
      const x = stripX(c, browse.rec.start_wall_s + 1800);
      return { x: r.left + x * r.width / c.width, y: r.top + 5 };
    });
    const seq = await page.evaluate(() => browse.seq);
    await page.mouse.click(box.x, box.y);
    await until((s) => browse.seq > s && browse.data && browse.data.t0_s === browse.t_s, seq);
    // Within one pixel of the strip (a click lands on a whole pixel).
    const middle = await page.evaluate(() => browse.t_s + browse.page_s / 2);
    const pixel_s = await page.evaluate(() => DAY_S / ($("overview").clientWidth - STRIP_LABEL_W));
    say("after a click on the strip at 30 min, the page's middle within a pixel",
        Math.abs(middle - 1800) <= pixel_s);
    // Shift+drag on CTX from 5 to 12 s into the page: a missed seizure added to the recording.
    const drag = await page.evaluate(() => {
      const c = $("b-signal"), r = c.getBoundingClientRect(), geo = browse.geo;
      const px = (x, y) => ({ x: r.left + x * r.width / c.width, y: r.top + y * r.height / c.height });
      const y = 1.5 * geo.rowH;
      return { a: px(geo.xOf(browse.t_s + 5), y), b: px(geo.xOf(browse.t_s + 12), y), t_s: browse.t_s };
    });
    await page.keyboard.down("Shift");
    await page.mouse.move(drag.a.x, drag.a.y);
    await page.mouse.down();
    await page.mouse.move(drag.b.x, drag.b.y, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up("Shift");
    await until(() => events.some((e) => e.kind === "added") && shownOverview() &&
                      shownOverview().events.some((e) => e.added));
    say("added from browse", await page.evaluate((t) => {
      const a = events.find((e) => e.kind === "added");
      const o = shownOverview().events.find((e) => e.added);
      return [a.recording === browse.rec.recording, a.animal === browse.rec.animal, a.channel,
              a.verdict, Math.abs(a.start_s - (t + 5)) < 0.1, Math.abs(a.end_s - (t + 12)) < 0.1,
              o.start_s === a.start_s && o.end_s === a.end_s].join(" ");
    }, drag.t_s));
    await page.screenshot({ path: browseShot, fullPage: true });
    await page.keyboard.press("b");
    await until(() => !$("queue").hidden);
    say("b again: the queue", await page.evaluate(() => $("browse").hidden && !$("view").hidden));
    say("verdicts", await page.$$eval("#rows tr", (trs) => trs.filter((tr) => tr.cells[8].textContent === "")
      .map((tr) => tr.cells[7].textContent).join(" ")));
    // Blinded: the same event's video, asked for by its handle, seeked as before.
    const id = await page.evaluate(() => events[sel].id);
    await page.type("#reviewer", "zoe");
    await page.click("#blind");
    await until(() => events.length > 0 && !events[0].recording);
    await page.evaluate((h) => select(events.findIndex((e) => e.id === h)), id);
    await until(() => signal && signal.event === events[sel] && !$("video").hidden &&
                      $("video").src.includes("event=") && $("video").readyState >= 1 &&
                      Math.abs(mediaTime(eventPlayer) - (events[sel].start_s - VIDEO_LEAD_S)) < 0.1);
    say("blind video", await page.evaluate(() => {
      const u = new URL($("video").src);
      return [u.pathname, u.searchParams.get("event") === events[sel].id,
              u.searchParams.has("recording"), $("video").currentTime.toFixed(2)].join(" ");
    }));
    say("errors", errors.length);
    for (const e of errors) say("error", e);
  } finally {
    await browser.close();
  }
}

(process.argv[2] === "video" ? makeVideo(process.argv[3]) : main())
  .catch((err) => { console.error("media.test.js: " + err.message); process.exit(1); });
