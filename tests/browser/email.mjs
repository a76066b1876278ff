// Each edition's e-mail as clients would show it: its CSS checked against
// caniemail data (doiuse-email) for Gmail, Outlook and Apple Mail, and the
// page rendered in headless Chromium at 320 and 600 px wide.
// Usage: node email.mjs FILE...   (the email.html files of a built site)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { doIUseEmail } from "@jsx-email/doiuse-email";
import { chromium } from "playwright-core";

const files = process.argv.slice(2);
const results = [];
async function check(name, fn) {
  try { await fn(); results.push([name, null]); } catch (e) { results.push([name, e]); }
}

for (const file of files) {
  await check(`${file}: CSS supported by Gmail, Outlook and Apple Mail`, async () => {
    const html = readFileSync(file, "utf8");
    // Every e-mail has a <body>, which Outlook on Mac and phones replaces
    // with a <div>: the linter flags the element itself, so it reads what
    // is inside. HTML attributes it flags (role, stripped by one Outlook)
    // are shown but are not CSS.
    const body = html.slice(html.indexOf(">", html.indexOf("<body")) + 1, html.lastIndexOf("</body>"));
    const report = doIUseEmail(body, { emailClients: ["gmail.*", "outlook.*", "apple-mail.*"] });
    const errors = (report.errors || []).filter((e) => !/(element|attribute)` is not supported/.test(e));
    for (const e of report.errors || []) if (!errors.includes(e)) console.log(`note: ${e}`);
    if (errors.length) throw new Error(errors.join("\n"));
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  for (const width of [320, 600]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    // The e-mail's links point at the site; nothing is fetched.
    await page.route("**/*", (route) => route.request().url().startsWith("file:") ? route.continue() : route.abort());
    for (const file of files) {
      await check(`${file}: nothing wider than ${width} px`, async () => {
        await page.goto(pathToFileURL(file).href);
        const wide = await page.evaluate((w) => {
          const out = [];
          if (document.documentElement.scrollWidth > w) out.push(`the page is ${document.documentElement.scrollWidth} px`);
          for (const el of document.body.querySelectorAll("*")) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 0.5) out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)} px`);
          }
          return out;
        }, width);
        if (wide.length) throw new Error(wide.slice(0, 5).join("; "));
      });
    }
    await page.close();
  }
} finally {
  await browser.close();
}

let failed = 0;
for (const [name, error] of results) {
  if (error) { failed++; console.log(`FAIL ${name}\n  ${String(error.message || error).replace(/\n/g, "\n  ")}`); }
  else console.log(`ok   ${name}`);
}
console.log(`email: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
