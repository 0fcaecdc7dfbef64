"use strict";
// common.js: what the browser tests share.
//   launch(args): Debian's Chromium (CHROMIUM, else /usr/bin/chromium) headless through
//     puppeteer-core, never a downloaded browser; --no-sandbox when run as root.
//   openSelfContained(browser, url, viewport): a page that records console and page errors,
//     dialogs (a script smuggled in through a name would raise one) and every request but the
//     page itself and its data: URLs (a report is self-contained), then loads url.
const puppeteer = require("puppeteer-core");

function launch(args) {
  const all = ["--disable-gpu"].concat(args || []);
  if (process.getuid && process.getuid() === 0) all.push("--no-sandbox");
  return puppeteer.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
                            headless: true, args: all });
}

async function openSelfContained(browser, url, viewport) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const seen = { page: page, errors: [], fetched: [], dialogs: 0 };
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push("console: " + m.text());
  });
  page.on("pageerror", (e) => seen.errors.push("pageerror: " + e.message));
  page.on("dialog", async (d) => { seen.dialogs++; await d.dismiss(); });
  page.on("request", (r) => {
    if (r.url() !== url && !r.url().startsWith("data:")) seen.fetched.push(r.url());
  });
  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  return seen;
}

module.exports = { launch, openSelfContained };
