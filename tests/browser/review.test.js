// review.test.js: the review page of `ictus serve` in headless Chromium (puppeteer-core), as a
// person uses it: the queue, the keys, a reload, a filter, a screenshot (tests/test_browser.sh).
// Usage: node review.test.js URL SCREENSHOT.png
//   URL is the server's URL line (with its token).  Prints one `name: value` line per
//   observation for the shell test to judge; exits 1 only when the browser cannot be driven.
"use strict";
const puppeteer = require("puppeteer-core");

const [url, shot] = process.argv.slice(2);
// How long one step (a page load, a stored decision) may take, in milliseconds: generous,
// for a loaded machine running the server under ASan; a passing run takes far less.
const STEP_MS = 15000;
// The columns of the queue's table (page.html): score and verdict.
const SCORE_COL = 6;
const VERDICT_COL = 7;

function say(name, value) { console.log(name + ": " + value); }

// The rows of the queue as arrays of cell texts, and the selected row's index (-1: none).
async function rows(page) {
  return page.$$eval("#rows tr", (trs) => trs.map((tr) => ({
    cells: Array.from(tr.cells, (td) => td.textContent),
    sel: tr.classList.contains("sel"),
  })));
}
async function selected(page) { return (await rows(page)).findIndex((r) => r.sel); }
async function verdicts(page) {
  return (await rows(page)).map((r) => r.cells[VERDICT_COL]).join(" ");
}
// Waits until row I's verdict cell reads TEXT.
async function waitVerdict(page, i, text) {
  await page.waitForFunction((i, col, text) => {
    const tr = document.querySelectorAll("#rows tr")[i];
    return tr && tr.cells[col].textContent === text;
  }, { timeout: STEP_MS }, i, VERDICT_COL, text);
}
async function waitRows(page) {
  await page.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0,
                             { timeout: STEP_MS });
}

async function main() {
  const args = ["--disable-gpu"];
  if (process.getuid && process.getuid() === 0) args.push("--no-sandbox");
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true, // puppeteer passes --headless=new
    args: args,
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 700 });
    // Every console error counts, the browser's own token-less request for
    // /favicon.ico included (the server answers it 204, with nothing).
    const errors = [];
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      errors.push("console: " + m.text() + " (" + (m.location().url || "") + ")");
    });
    page.on("pageerror", (e) => errors.push("pageerror: " + e.message));

    await page.goto(url, { waitUntil: "networkidle0", timeout: STEP_MS });
    await waitRows(page);
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

    await page.keyboard.press("c");
    await waitVerdict(page, 0, "seizure");
    say("after c, selected", await selected(page));
    await page.keyboard.press("r");
    await waitVerdict(page, 1, "not_seizure");
    await page.keyboard.press("j");
    await page.keyboard.press("u");
    await waitVerdict(page, 3, "unsure");
    const shown = await verdicts(page);
    say("verdicts", shown);
    say("counts after", await page.$eval("#counts", (e) => e.textContent));

    await page.reload({ waitUntil: "networkidle0", timeout: STEP_MS });
    await waitRows(page);
    say("verdicts after reload", await verdicts(page));
    say("reviewer after reload", await page.$eval("#reviewer", (e) => e.value));
    await page.screenshot({ path: shot, fullPage: true });

    await page.select("#f-reviewed", "no");
    await page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n,
                               { timeout: STEP_MS }, first.length - 3);
    say("rows unreviewed", (await rows(page)).length);
    say("verdicts unreviewed", [...new Set((await verdicts(page)).split(" "))].join(" "));

    say("errors", errors.length);
    for (const e of errors) say("error", e);
  } finally {
    await browser.close();
  }
}

main().catch((err) => { console.error("review.test.js: " + err.message); process.exit(1); });
