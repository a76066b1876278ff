// Every page of a built site checked by axe-core against the WCAG 2.2 A
// and AA rules, in headless Chromium, at a phone's width (390 px) and a
// desktop's (1280 px), with the reader's colour scheme light and dark (the
// theme follows prefers-color-scheme, so contrast is checked in both).
// The site is served from a local port, as its links are root-relative.
// Usage: node axe.mjs SITE_DIR
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, extname, relative, sep } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const root = process.argv[2];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml" };

// Pages, not e-mails: email.html is checked for mail clients by email.mjs.
function pages(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...pages(path));
    else if (name.endsWith(".html") && name !== "email.html") out.push(relative(root, path).split(sep).join("/"));
  }
  return out;
}

const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = join(root, path);
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const urls = pages(root).sort().map((p) => "/" + p.replace(/(^|\/)index\.html$/, "$1"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0, checked = 0;
try {
  for (const width of [390, 1280]) {
    for (const colorScheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
      // Nothing leaves the machine: only the local site is served.
      await context.route("**/*", (route) => route.request().url().startsWith(origin) ? route.continue() : route.abort());
      const page = await context.newPage();
      for (const url of urls) {
        await page.goto(origin + url, { waitUntil: "load" });
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async (tags) => {
          const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
          return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 3).map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.split("\n").slice(1).join(" ") : "")).join("\n      ")}`);
        }, TAGS);
        checked++;
        if (violations.length) {
          failed++;
          console.log(`FAIL ${url} at ${width} px, ${colorScheme}:\n    ${violations.join("\n    ")}`);
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`axe: ${checked - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
