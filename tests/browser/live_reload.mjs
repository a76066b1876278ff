// Live reload, end to end, in headless Chromium.
//
// Usage: node live_reload.mjs URL SITE_ROOT
// `briefing serve` must be serving SITE_ROOT (a copy of tests/fixtures/crosslinks)
// at URL. The script edits files under SITE_ROOT and never reloads the page
// itself: every change it sees came through the live-reload script.
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, root] = process.argv.slice(2);
const briefing = join(root, "content/briefings/2025-08-31-summit.md");
const original = readFileSync(briefing, "utf8");
const results = [];

function check(name, fn) {
  return fn().then(
    () => results.push([name, null]),
    (e) => results.push([name, e]),
  );
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  let navigations = 0;
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) navigations++; });
  await page.goto(url + "briefings/summit/");
  const text = () => page.evaluate(() => document.body.innerText);
  const waitForText = (s) =>
    page.waitForFunction((s) => document.body.innerText.includes(s), s, { timeout: 10000 });

  await check("the page shows the briefing", async () => {
    if (!(await text()).includes("More than twenty leaders attend.")) throw new Error("initial text missing");
  });

  await check("a save shows up without the test reloading", async () => {
    const before = navigations;
    writeFileSync(briefing, original.replace("More than twenty leaders attend.", "Leaders from more than twenty countries attend."));
    await waitForText("Leaders from more than twenty countries attend.");
    if (navigations !== before + 1) throw new Error(`expected one reload by the page, saw ${navigations - before}`);
  });

  await check("a broken save shows an overlay with file and line", async () => {
    writeFileSync(briefing, original.replace("date: 2025-08-31", "date: 31 August"));
    const overlay = await page.waitForSelector("#briefing-error-overlay", { timeout: 10000 });
    const message = await overlay.innerText();
    const expected = "content/briefings/2025-08-31-summit.md:3:7: '31 August' is not a date";
    if (!message.includes(expected)) throw new Error(`overlay says: ${message}`);
    // The last good page stays underneath.
    if (!(await text()).includes("Leaders from more than twenty countries attend.")) throw new Error("last good page gone");
  });

  await check("fixing the file clears the overlay by itself", async () => {
    writeFileSync(briefing, original.replace("More than twenty leaders attend.", "Fixed: twenty leaders and more."));
    await waitForText("Fixed: twenty leaders and more.");
    await page.waitForSelector("#briefing-error-overlay", { state: "detached", timeout: 10000 });
  });

  await check("a CSS-only change swaps the stylesheet without a reload", async () => {
    const before = navigations;
    mkdirSync(join(root, "static/css"), { recursive: true });
    writeFileSync(join(root, "static/css/site.css"), "body { background: rgb(1, 2, 3); }\n");
    await page.waitForFunction(
      () => getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)",
      null,
      { timeout: 10000 },
    );
    if (navigations !== before) throw new Error("the page reloaded for a CSS change");
  });
} finally {
  await browser.close();
}

let failed = 0;
for (const [name, error] of results) {
  if (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message}`);
  } else {
    console.log(`ok   ${name}`);
  }
}
console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
