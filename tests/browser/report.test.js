"use strict";
// report.test.js: the report's index.html in headless Chromium (tests/test_report.sh).
// Usage: node report.test.js FILE_URL SCREENSHOT
// Prints `name: value` lines the shell test compares: console errors, dialogs (a script
// smuggled in through a name would raise one), sections, figures with an SVG and a JSON
// block, whether a header click sorts a table; saves a full-page screenshot.
const { launch, openSelfContained } = require("./common.js");

const [url, shot] = process.argv.slice(2);
function say(name, value) { console.log(name + ": " + value); }

async function main() {
  const browser = await launch(["--allow-file-access-from-files"]);
  try {
    const seen = await openSelfContained(browser, url, { width: 1100, height: 900 });
    const page = seen.page, errors = seen.errors, fetched = seen.fetched;

    say("sections", await page.$$eval("section[id]", (s) => s.map((x) => x.id).join(",")));
    const figs = await page.$$eval("figure[id]", (fs) => fs.map((f) => {
      const svg = f.querySelector("svg");
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const data = document.getElementById("data-" + f.id.slice(4));
      let parsed = false;
      try { parsed = data !== null && JSON.parse(data.textContent) !== null; } catch (e) { parsed = false; }
      return { id: f.id, drawn: svg !== null && box.width > 100 && box.height > 100, parsed };
    }));
    say("figures", figs.map((f) => f.id).join(","));
    // The gallery: cards drawn (an SVG) with their review link, against the data blocks' cards.
    const gallery = await page.evaluate(() => {
      const cards = Array.from(document.querySelectorAll("#gallery .card"));
      const drawn = cards.filter((c) => c.querySelector("svg") !== null).length;
      const linked = cards.filter((c) => {
        const a = c.querySelector("a.review");
        return a !== null && a.href.startsWith("http://127.0.0.1:8470/?event=");
      }).length;
      let data = 0;
      document.querySelectorAll('script[id^="data-gallery-"]').forEach((s) => {
        data += JSON.parse(s.textContent).cards.length;
      });
      return { n: cards.length, drawn, linked, data };
    });
    say("gallery cards", gallery.n + "/" + gallery.drawn + "/" + gallery.linked);
    say("gallery data cards", gallery.data);
    say("gallery figures", await page.$$eval('script[id^="data-gallery-"]', (s) => s.length));
    say("figures drawn", figs.filter((f) => f.drawn).length + "/" + figs.length);
    say("figures with data", figs.filter((f) => f.parsed).length + "/" + figs.length);
    // Click "change (%)" in the responders table: the column becomes ascending.
    const sorted = await page.evaluate(() => {
      const table = document.getElementById("responders");
      const th = Array.from(table.tHead.rows[0].cells).find((c) => c.textContent === "change (%)");
      th.click();
      const v = Array.from(table.tBodies[0].rows, (r) => parseFloat(r.cells[th.cellIndex].textContent))
        .filter((x) => !isNaN(x));
      return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1] <= x);
    });
    say("sorts", sorted);
    say("animals", await page.$$eval("#animals tbody tr", (r) => r.map((x) => x.cells[0].textContent).join("|")));
    await page.screenshot({ path: shot, fullPage: true });
    say("dialogs", seen.dialogs);
    say("fetched", fetched.length);
    say("errors", errors.length);
    for (const e of errors) console.log("  " + e);
  } finally {
    await browser.close();
  }
}

main().catch((err) => { console.error("report.test.js: " + err.message); process.exit(1); });
