// Bytes a reader's browser transfers to search: open /search/, type one
// word, wait for the results (and the excerpts the page fetches for them).
// Run by bench/search_transfer.sh, which builds the corpus and serves it.
//
//   node bench/search_transfer.mjs URL WORD...
//
// Each word is measured in a fresh browser context (empty cache). Bytes are
// what Chromium reports per response (headers + body, as sent: the server
// here does not compress, so a host that gzips sends less).
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, ...words] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let worst = 0;
try {
  for (const word of words) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const responses = [];
    page.on("requestfinished", async (request) => {
      const sizes = await request.sizes();
      responses.push([request.url(), sizes.responseHeadersSize + sizes.responseBodySize]);
    });
    const total = () => responses.reduce((sum, [, n]) => sum + n, 0);
    await page.goto(url + "search/", { waitUntil: "networkidle" });
    const opened = total();
    await page.fill("#search-query", word);
    await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("found"));
    const count = await page.$eval("#search-status", (s) => s.textContent);
    const first = total();
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    const all = total();
    worst = Math.max(worst, all);
    console.log(`"${word}": ${count}; open /search/ ${kb(opened)}, first results ${kb(first)}, ` +
      `with every excerpt ${kb(all)} in ${responses.length} requests`);
    for (const [u, n] of responses) console.log(`    ${kb(n).padStart(9)}  ${u.replace(url, "/")}`);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`largest total: ${kb(worst)} (${worst} bytes)`);
