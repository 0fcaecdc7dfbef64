"use strict";
// compare.test.js: the cross-cohort report's index.html in headless Chromium
// (tests/test_compare_report.sh).
// Usage: node compare.test.js FILE_URL SCREENSHOT
// Prints `name: value` lines the shell test compares: console errors, dialogs (a script
// smuggled in through a name would raise one), requests other than the page, sections,
// figures with an SVG drawn and a JSON block that parses, the tables, whether a header click
// sorts a table, the warning about mixed settings, the exposures as shown; saves a full-page
// screenshot.
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
      // Drawn: an SVG of some size with more than the white background and axes in it.
      const marks = svg ? svg.querySelectorAll("path, use").length : 0;
      const data = document.getElementById("data-" + f.id.slice(4));
      let rows = -1;
      try { rows = JSON.parse(data.textContent).rows.length; } catch (e) { rows = -1; }
      return { id: f.id, drawn: svg !== null && box.width > 100 && box.height > 60 && marks > 20,
               rows };
    }));
    say("figures", figs.map((f) => f.id).join(","));
    say("figures drawn", figs.filter((f) => f.drawn).length + "/" + figs.length);
    say("figure rows", figs.map((f) => f.rows).join(","));
    say("tables", await page.$$eval("table.sortable", (t) => t.map((x) => x.id + ":" +
      x.tBodies[0].rows.length).join(",")));
    // Click "dose (mg/kg)" of the first drug table twice: the doses come out descending.
    const sorted = await page.evaluate(() => {
      const table = document.getElementById("table-1");
      const th = Array.from(table.tHead.rows[0].cells).find((c) => c.textContent === "dose (mg/kg)");
      th.click();
      th.click();
      const v = Array.from(table.tBodies[0].rows, (r) => parseFloat(r.cells[th.cellIndex].textContent))
        .filter((x) => !isNaN(x));
      return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1] >= x);
    });
    say("sorts", sorted);
    say("warning", await page.$$eval("#mixed-settings", (w) => w.length));
    say("exposures", await page.$$eval("#table-1 tbody tr", (r) => r.map((x) => x.cells[0].textContent)
      .sort().join("|")));
    say("cohorts", await page.$$eval("#cohort-list tbody tr", (r) => r.map((x) => x.cells[0].textContent)
      .join("|")));
    await page.screenshot({ path: shot, fullPage: true });
    say("dialogs", seen.dialogs);
    say("fetched", fetched.length);
    say("errors", errors.length);
    for (const e of errors) console.log("  " + e);
  } finally {
    await browser.close();
  }
}

main().catch((err) => { console.error("compare.test.js: " + err.message); process.exit(1); });
