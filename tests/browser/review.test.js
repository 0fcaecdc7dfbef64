// review.test.js: the review page of `ictus serve` in headless Chromium (puppeteer-core), as a
// person uses it: the queue, the decision keys (verdicts, a Racine digit, a type change), an
// edge dragged, a missed event added by a drag, a reload, the history, a filter, blinded review,
// a screenshot of the event view (tests/test_browser.sh).
// Usage: node review.test.js URL SCREENSHOT.png
//   URL is the server's URL line (with its token).  Prints one `name: value` line per
//   observation for the shell test to judge; exits 1 only when the browser cannot be driven.
"use strict";
const { launch } = require("./common.js");

const [url, shot] = process.argv.slice(2);
// How long one step (a page load, a stored decision) may take, in milliseconds: generous,
// for a loaded machine running the server under ASan; a passing run takes far less.
const STEP_MS = 30000;
// The columns of the queue's table (page.html).
const ANIMAL_COL = 1;
const SCORE_COL = 6;
const VERDICT_COL = 7;
const KIND_COL = 8;
const RECORDING_COL = 9;

function say(name, value) { console.log(name + ": " + value); }

// The rows of the queue as arrays of cell texts, and the selected row's index (-1: none).
async function rows(page) {
  return page.$$eval("#rows tr", (trs) => trs.map((tr) => ({
    cells: Array.from(tr.cells, (td) => td.textContent),
    sel: tr.classList.contains("sel"),
  })));
}
async function selected(page) { return (await rows(page)).findIndex((r) => r.sel); }
async function column(page, col) {
  return (await rows(page)).map((r) => r.cells[col]).join("|");
}
// Waits until row I's verdict cell reads TEXT.
async function waitVerdict(page, i, text) {
  await page.waitForFunction((i, col, text) => {
    const tr = document.querySelectorAll("#rows tr")[i];
    return tr && tr.cells[col].textContent === text;
  }, { timeout: STEP_MS }, i, VERDICT_COL, text);
}
async function waitRows(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n ||
                             (n < 0 && document.querySelectorAll("#rows tr").length > 0),
                             { timeout: STEP_MS }, n);
}
// Waits until the event view shows the selected event's signal.
async function waitSignal(page) {
  await page.waitForFunction(() => signal && geometry && signal.event === events[sel],
                             { timeout: STEP_MS });
}
// The page's client coordinates of canvas x (px of the canvas) in row `row`'s middle.
async function at(page, x, row) {
  return page.evaluate((x, row) => {
    const c = document.getElementById("signal");
    const r = c.getBoundingClientRect();
    return { x: r.left + x * r.width / c.width,
             y: r.top + (row + 0.5) * geometry.rowH * r.height / c.height };
  }, x, row);
}
async function dragOnCanvas(page, x0, x1, row, shift) {
  const a = await at(page, x0, row), b = await at(page, x1, row);
  if (shift) await page.keyboard.down("Shift");
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let k = 1; k <= 5; k++) await page.mouse.move(a.x + (b.x - a.x) * k / 5, b.y);
  await page.mouse.up();
  if (shift) await page.keyboard.up("Shift");
}

async function main() {
  const browser = await launch(); // puppeteer passes --headless=new
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    // Every console error counts, the browser's own token-less request for
    // /favicon.ico included (the server answers it 204, with nothing).
    const errors = [];
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      errors.push("console: " + m.text() + " (" + (m.location().url || "") + ")");
    });
    page.on("pageerror", (e) => errors.push("pageerror: " + e.message));
    // Every API answer's text while blinded, to look for real names in it.
    let blindAnswers = null;
    const blindRoutes = new Set();
    page.on("response", async (r) => {
      if (blindAnswers && r.url().includes("/api/")) {
        blindRoutes.add(new URL(r.url()).pathname);
        blindAnswers.push(await r.text());
      }
    });
    page.on("dialog", (d) => d.accept());

    await page.goto(url, { waitUntil: "networkidle0", timeout: STEP_MS });
    await waitRows(page, -1);
    const first = await rows(page);
    say("rows", first.length);
    const scores = first.map((r) => Number(r.cells[SCORE_COL]));
    say("lowest score first", scores.every((s, i) => i === 0 || scores[i - 1] <= s));
    say("counts", await page.$eval("#counts", (e) => e.textContent));

    // The reviewer's name, typed; leaving the field stores it.
    await page.type("#reviewer", "browser");
    await page.$eval("#reviewer", (e) => e.blur());

    const moves = [await selected(page)];
    await page.keyboard.press("j");
    moves.push(await selected(page));
    await page.keyboard.press("k");
    moves.push(await selected(page));
    say("selected at start, after j, after k", moves.join(" "));

    // Row 0: Racine 3 and a type change, pending until c stores them with the verdict.
    await waitSignal(page);
    await page.keyboard.press("3");
    await page.keyboard.press("t");
    say("pending", await page.$eval("#pending", (e) => e.textContent));
    await page.keyboard.press("c");
    await waitVerdict(page, 0, "seizure (R3) as convulsive");
    say("after c, selected", await selected(page));
    await page.keyboard.press("r");
    await waitVerdict(page, 1, "not_seizure");
    await page.keyboard.press("j");
    await page.keyboard.press("u");
    await waitVerdict(page, 3, "unsure");

    // Row 4: drag its end edge 40 px to the right (pending), then confirm.
    await waitSignal(page);
    const edge = await page.evaluate(() => ({ x: geometry.xOf(events[sel].end_s),
                                              id: events[sel].id }));
    await dragOnCanvas(page, edge.x, edge.x + 40, 0, false);
    const dragged = await page.evaluate(() => decision(events[sel]).cend_s - events[sel].end_s);
    say("edge dragged by (s)", dragged.toFixed(3));
    say("edge colour while pending", await page.evaluate(() => edgeMarks(events[sel])
      .map((m) => m.colour).join(" ")));
    // Before the verdict, a missed seizure in the same view: shift+drag over 100 px of the
    // second channel, 20 s or so before the event.
    await dragOnCanvas(page, 200, 300, 1, true);
    await waitRows(page, first.length + 1);
    say("counts after", await page.$eval("#counts", (e) => e.textContent));
    say("selected after adding", await selected(page));
    // A click on the second channel's label picks it: + + then scale it alone; a second click
    // lets it go, and - scales every channel.
    const label = await at(page, 20, 1);
    await page.mouse.click(label.x, label.y);
    await page.keyboard.press("+");
    await page.keyboard.press("+");
    await page.mouse.click(label.x, label.y);
    await page.keyboard.press("-");
    say("channel gains", await page.evaluate(() => signal.data.channels.map((c) =>
      gainOf(gains, c.label).toFixed(3)).join(" ") + " picked " + gains.picked.size));
    await page.keyboard.press("c");
    await waitVerdict(page, 4, "seizure edges");

    await page.reload({ waitUntil: "networkidle0", timeout: STEP_MS });
    await waitRows(page, first.length + 1);
    say("verdicts after reload", await column(page, VERDICT_COL));
    say("entries after reload", await column(page, KIND_COL));
    say("reviewer after reload", await page.$eval("#reviewer", (e) => e.value));
    await page.$$eval("#rows tr", (trs) => trs[0].click());
    const jumps = [];
    for (const key of ["J", "J", "K"]) {
      await page.keyboard.press(key);
      jumps.push(await selected(page));
    }
    say("J J K from the 1st row", jumps.join(" "));
    // g reloads the queue (a new list from the server), the selected event kept.
    const before = await page.evaluate(() => { window.oldEvents = events; return events[sel].id; });
    await page.keyboard.press("g");
    await page.waitForFunction(() => events !== window.oldEvents, { timeout: STEP_MS });
    say("g: reloaded, the same event selected",
        await page.evaluate((id) => events[sel].id === id, before) + " " + await selected(page));
    // The corrected edge after the reload: row 4's view shows it, the detector's pale.
    const i4 = (await rows(page)).findIndex((r) => r.cells[0] === "5");
    await page.$$eval("#rows tr", (trs, i) => trs[i].click(), i4);
    await waitSignal(page);
    say("corrected edge after reload (s)", await page.evaluate(() =>
      (events[sel].cend_s - events[sel].end_s).toFixed(3) + " " +
      edgeMarks(events[sel]).map((m) => m.colour).join(" ")));
    // The screenshot once the event view's panels (spectrogram, features, account) are drawn.
    await page.waitForFunction(() => detail.event === events[sel] && detail.spectro &&
                               detail.features && $("why").querySelector("p.this"),
                               { timeout: STEP_MS });
    await page.$eval("#view", (e) => e.scrollIntoView());
    await (await page.$("#view")).screenshot({ path: shot });
    // Row 0 again: a Racine 5, stored at once (decided), two decisions in its history.
    await page.$$eval("#rows tr", (trs) => trs[0].click());
    await waitSignal(page);
    await page.keyboard.press("5");
    await waitVerdict(page, 0, "seizure (R5) as convulsive");
    await page.waitForFunction(() => document.querySelectorAll("#history li").length === 2,
                               { timeout: STEP_MS });
    say("history", await page.$$eval("#history li", (lis) => lis.map((li) =>
      li.textContent.replace(/^\S+ /, "")).join(" | ")));
    say("decision", await page.$eval("#decision", (e) => e.textContent));
    await page.select("#f-reviewed", "no");
    await page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n,
                               { timeout: STEP_MS }, first.length - 4);
    say("rows unreviewed", (await rows(page)).length);
    say("verdicts unreviewed", [...new Set((await column(page, VERDICT_COL)).split("|"))].join(" "));
    await page.select("#f-reviewed", "");
    await waitRows(page, first.length + 1);
    await waitSignal(page);

    // Blinded: pseudonyms, no recording, and no real name in any answer.
    blindAnswers = [];
    await page.click("#blind");
    await page.waitForFunction(() => events.length > 0 && !events[0].recording,
                               { timeout: STEP_MS });
    await waitSignal(page);
    await page.keyboard.press("j");
    await waitSignal(page);
    // The event view's panels, asked for by the event's handle.
    await page.waitForFunction(() => detail.event === events[sel] && detail.spectro &&
                               detail.features && $("why").querySelector("p.this"),
                               { timeout: STEP_MS });
    say("blind routes", [...blindRoutes].sort().join(" "));
    // Browsing shows animals and dates: neither b nor the button turns it on.
    await page.keyboard.press("b");
    say("blind: b", await page.evaluate(() => browse.on + " " + $("browse").hidden + " " +
                                        $("status").textContent));
    await page.click("#b-toggle");
    say("blind: the browse button", await page.evaluate(() => browse.on + " " + $("view").hidden));
    say("blind animals", [...new Set((await column(page, ANIMAL_COL)).split("|"))]
      .map((a) => /^A-[0-9a-f]{8}$/.test(a)).join(" "));
    say("blind recordings", [...new Set((await column(page, RECORDING_COL)).split("|"))].join(" "));
    const seen = blindAnswers.join("\n");
    say("blind answers", blindAnswers.length);
    if (process.env.DUMP) console.error(seen);
    say("blind answers name an animal or recording",
        /M0[12]|recordings\/|\.edf|2026-01-0/.test(seen));
    blindAnswers = null;

    // Unblinding from the page: the mapping shown, the queue named again.
    await page.click("#unblind");
    await page.waitForFunction(() => document.querySelectorAll("#unblinded li").length === 2 &&
                               events.length > 0 && events[0].recording, { timeout: STEP_MS });
    say("unblinded", await page.$$eval("#unblinded li", (lis) => lis.map((li) =>
      li.textContent.replace(/^A-[0-9a-f]{8} = /, "A-x = ")).sort().join(", ")));
    await waitSignal(page);

    // A second reviewer on the first two rows (by score): agrees on the 1st, not on the 2nd.
    await page.$eval("#f-sort", (e) => e.value = "score");
    await page.$eval("#reviewer", (e) => { e.value = ""; });
    await page.type("#reviewer", "second");
    await page.$eval("#reviewer", (e) => e.blur());
    await page.$$eval("#rows tr", (trs) => trs[0].click());
    await page.keyboard.press("c");
    await waitVerdict(page, 0, "seizure (R5) as convulsive");
    await page.keyboard.press("c");
    await waitVerdict(page, 1, "seizure");
    await page.type("#rev-a", "browser");
    await page.type("#rev-b", "second");
    await page.click("#agree");
    await page.waitForFunction(() => document.querySelectorAll("#kappa tr").length > 0,
                               { timeout: STEP_MS });
    say("agreement", await page.$$eval("#kappa tr", (trs) => trs.map((tr) =>
      Array.from(tr.cells, (td) => td.textContent).join(" ")).join(" | ")));
    say("disagreements", await page.$$eval("#disagreements li", (lis) => lis.length));
    await page.$$eval("#rows tr", (trs) => trs[5].click());
    await page.$eval("#disagreements li", (li) => li.click());
    await page.waitForFunction(() => sel === 1, { timeout: STEP_MS });
    say("adjudicate: jumped to row", await selected(page));

    say("errors", errors.length);
    for (const e of errors) say("error", e);
  } catch (err) {
    // Where it stopped: the page's state, for the log.
    const page = (await browser.pages()).pop();
    if (page)
      say("state at the failure", await page.evaluate(() => "selected " + sel + ", status '" +
        document.getElementById("status").textContent + "', decisions " +
        events.map((e) => e.verdict + "/" + e.reviewer).join(" ")).catch((e) => e.message));
    throw err;
  } finally {
    await browser.close();
  }
}

main().catch((err) => { console.error("review.test.js: " + err.message); process.exit(1); });
