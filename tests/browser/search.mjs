// The search page, in headless Chromium, against `briefing serve`.
// Usage: node search.mjs URL   (serving tests/fixtures/crosslinks)
// The search index is split (src/render/search/); these cases cover what a
// reader sees: title, person, summary, body-only words, all words, none.
import { chromium } from "playwright-core";

const [url] = process.argv.slice(2);
const results = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
async function check(name, fn) {
  try { await fn(); results.push([name, null]); } catch (e) { results.push([name, e]); }
}
try {
  const page = await browser.newPage();
  const titles = () => page.$$eval("#search-results li > a", (as) => as.map((a) => a.textContent));
  await page.goto(url + "search/?q=tianjin");
  await check("a query in the address finds by title", async () => {
    await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("found"));
    const found = await titles();
    if (found.join("|") !== "SCO summit opens in Tianjin") throw new Error(`found ${found}`);
  });
  await check("typing finds by person, across aliases", async () => {
    await page.fill("#search-query", "xi jinping");
    await page.waitForFunction(() => document.getElementById("search-status").textContent.startsWith("2 "));
    const found = (await titles()).sort();
    if (found.join("|") !== "Putin and Xi hold talks|SCO summit opens in Tianjin") throw new Error(`found ${found}`);
  });
  await check("every word must match", async () => {
    await page.fill("#search-query", "putin energy");
    await page.waitForFunction(() => document.getElementById("search-status").textContent.startsWith("1 "));
    const found = await titles();
    if (found.join("|") !== "Putin and Xi hold talks") throw new Error(`found ${found}`);
    const href = await page.$eval("#search-results li > a", (a) => a.getAttribute("href"));
    if (href !== "/briefings/talks/") throw new Error(`link ${href}`);
  });
  const marks = () => [...document.querySelectorAll("#search-results .excerpt mark")].map((m) => m.textContent).join("|");
  await check("a word only in a body is found, in an excerpt with the word marked", async () => {
    await page.fill("#search-query", "pipeline");
    // The count is the same as the last query's: wait for this word's mark.
    await page.waitForFunction(`(${marks})() === "pipeline"`);
    const found = await titles();
    if (found.join("|") !== "Putin and Xi hold talks") throw new Error(`found ${found}`);
    const excerpt = await page.$eval("#search-results .excerpt", (p) => p.textContent);
    if (!excerpt.includes("A memorandum on a pipeline.")) throw new Error(`excerpt ${excerpt}`);
  });
  await check("a summary match is marked in place, accents and case folded", async () => {
    await page.fill("#search-query", "GREAT HÄLL");
    await page.waitForFunction(`(${marks})() === "Great|Hall"`);
    const found = await titles();
    if (found.join("|") !== "Putin and Xi hold talks") throw new Error(`found ${found}`);
  });
  await check("the last word matches as a prefix while it is typed", async () => {
    await page.fill("#search-query", "memo");
    await page.waitForFunction(`(${marks})() === "memorandum"`);
    const found = await titles();
    if (found.join("|") !== "Putin and Xi hold talks") throw new Error(`found ${found}`);
  });
  await check("no match says so", async () => {
    await page.fill("#search-query", "zzzz");
    await page.waitForFunction(() => document.getElementById("search-status").textContent === "0 briefings found");
  });
  await check("a word that names a property of every object is just a word", async () => {
    // `term in shard` found "constructor" on Object.prototype and threw.
    await page.fill("#search-query", "tianjin");
    await page.waitForFunction(() => document.getElementById("search-status").textContent.startsWith("1 "));
    await page.fill("#search-query", "constructor toString ");
    await page.waitForFunction(() => document.getElementById("search-status").textContent === "0 briefings found");
  });
} finally {
  await browser.close();
}
let failed = 0;
for (const [name, error] of results) {
  if (error) { failed++; console.log(`FAIL ${name}: ${error.message}`); } else { console.log(`ok   ${name}`); }
}
console.log(`search: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
