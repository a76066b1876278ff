// Full-text search over the site's split index (written by
// src/render/search/): a small manifest, then only the term shards of the
// words typed, the records of the results shown, and, for a result whose
// title and summary do not show the words, its page for an excerpt. So a
// query fetches a few KB, not the whole index, however large the archive.
// Every word must match; the last one, while typed, also matches as a prefix.
// Title matches rank first, then the newest.
(() => {
  const script = document.currentScript;
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-query");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const SHOWN = 10;
  const manifestUrl = new URL(script.dataset.index, location.href);
  let manifest = null;
  const files = new Map();

  // As the index folds (src/render/search/text.rs): NFKD, no combining
  // diacritics, lower case, the whole text first and words after.
  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const words = (text) => fold(text).match(WORD) || [];

  // One fetch a file however often it is asked for; the manifest's
  // version keeps a browser from mixing files of two builds.
  function get(path) {
    const url = new URL(path + "?v=" + manifest.v, manifestUrl).href;
    if (!files.has(url)) {
      files.set(url, fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${url}: ${r.status}`);
        return r.json();
      }));
    }
    return files.get(url);
  }

  // FNV-1a of the UTF-8 of the term's first characters, as shard_of in Rust.
  const utf8 = new TextEncoder();
  function shardOf(term) {
    let h = 0x811c9dc5;
    for (const b of utf8.encode(Array.from(term).slice(0, manifest.prefix).join(""))) {
      h = Math.imul(h ^ b, 0x01000193) >>> 0;
    }
    return h & (manifest.s - 1);
  }

  // Posting lists, as src/render/search/postings.rs writes them.
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const VALUE = new Map([...B64].map((c, i) => [c, i]));
  function decode(text) {
    const ids = [];
    if (text.startsWith("~")) {
      for (let i = 1; i < text.length; i++) {
        const six = VALUE.get(text[i]);
        for (let b = 0; b < 6; b++) if (six & (1 << b)) ids.push((i - 1) * 6 + b);
      }
      return ids;
    }
    let number = 0, shift = 0;
    for (const c of text) {
      const v = VALUE.get(c);
      number += (v & 31) * 2 ** shift;
      shift += 5;
      if (!(v & 32)) {
        ids.push(ids.length ? ids[ids.length - 1] + number + 1 : number);
        number = 0; shift = 0;
      }
    }
    return ids;
  }

  // The query's words, and whether the last one matches as a prefix (it is
  // still being typed, and long enough that its terms share a shard).
  function parse(query) {
    const terms = words(query);
    const prefix = terms.length > 0 && !/[^\p{Alphabetic}\p{N}]$/u.test(query)
      && Array.from(terms[terms.length - 1]).length >= manifest.prefix;
    return { terms, prefix };
  }
  const matcher = ({ terms, prefix }) => {
    const exact = new Set(prefix ? terms.slice(0, -1) : terms);
    const last = prefix ? terms[terms.length - 1] : null;
    return (word) => words(word).some((w) => exact.has(w) || (last !== null && w.startsWith(last)));
  };

  // The briefings holding every term, title matches first, then newest.
  async function search(parsed) {
    const { terms, prefix } = parsed;
    const sets = await Promise.all(terms.map(async (term, i) => {
      const shard = await get(`t/${shardOf(term)}.json`);
      const all = new Set(), title = new Set();
      const names = prefix && i === terms.length - 1
        ? Object.keys(shard).filter((t) => t.startsWith(term))
        : (Object.prototype.hasOwnProperty.call(shard, term) ? [term] : []);
      for (const name of names) {
        const p = shard[name];
        const [a, t] = typeof p === "string" ? [p, ""] : p;
        for (const id of decode(a)) all.add(id);
        for (const id of decode(t)) title.add(id);
      }
      return { all, title };
    }));
    sets.sort((a, b) => a.all.size - b.all.size);
    const hits = [...sets[0].all].filter((id) => sets.every((s) => s.all.has(id)));
    const score = (id) => sets.filter((s) => s.title.has(id)).length;
    return hits.map((id) => [score(id), id]).sort((a, b) => b[0] - a[0] || b[1] - a[1]).map((h) => h[1]);
  }

  async function record(id) {
    const chunk = await get(`b/${Math.floor(id / manifest.records)}.json`);
    const [t, u, d, k, s] = chunk[id % manifest.records];
    return { t, u, d, k, s };
  }

  // `text` as nodes, each matching word in a <mark>.
  function marked(text, matches) {
    const out = document.createDocumentFragment();
    let at = 0;
    for (const m of text.matchAll(WORD)) {
      if (!matches(m[0])) continue;
      out.append(text.slice(at, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      out.append(mark);
      at = m.index + m[0].length;
    }
    out.append(text.slice(at));
    return out;
  }

  // About 240 characters of `text` around its first matching word.
  function excerpt(text, matches) {
    const first = [...text.matchAll(WORD)].find((m) => matches(m[0]));
    if (!first) return null;
    let start = Math.max(0, first.index - 90);
    if (start > 0) start = text.indexOf(" ", start) + 1;
    let end = Math.min(text.length, start + 240);
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), first.index + first[0].length);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  // The body text of a briefing's page, for an excerpt the summary lacks.
  async function bodyText(url) {
    const html = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    // A theme may mark the body; the default theme's is article .body.
    const body = doc.querySelector("[data-search-body]") || doc.querySelector("article .body")
      || doc.querySelector("article") || doc.body;
    return body.textContent.replace(/\s+/g, " ").trim();
  }

  function item(r, matches) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = r.u;
    a.append(marked(r.t, matches));
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [r.d, ...r.k].join(" · ");
    const summary = document.createElement("p");
    summary.className = "excerpt";
    summary.append(marked(r.s, matches));
    li.append(a, meta, summary);
    if (!summary.querySelector("mark")) {
      bodyText(r.u).then((text) => {
        const found = excerpt(text, matches);
        if (found) summary.replaceChildren(marked(found, matches));
      }).catch(() => {});
    }
    return li;
  }

  let latest = 0;
  async function show(query) {
    if (!manifest) return;
    const asked = ++latest;
    const parsed = parse(query);
    if (!parsed.terms.length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    try {
      const hits = await search(parsed);
      const matches = matcher(parsed);
      // The next SHOWN results, and a button for the ones after.
      const page = async (from) => {
        const records = await Promise.all(hits.slice(from, from + SHOWN).map(record));
        const items = records.map((r) => item(r, matches));
        if (from + SHOWN < hits.length) {
          const li = document.createElement("li");
          li.className = "more";
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = `Show more (${hits.length - from - SHOWN} more)`;
          button.addEventListener("click", async () => {
            const next = await page(from + SHOWN);
            if (asked === latest) li.replaceWith(...next);
          });
          li.append(button);
          items.push(li);
        }
        return items;
      };
      const first = await page(0);
      if (asked !== latest) return;
      // The list and the count change together.
      list.replaceChildren(...first);
      status.textContent = `${hits.length} ${hits.length === 1 ? "briefing" : "briefings"} found`;
    } catch {
      if (asked === latest) status.textContent = "The search index could not be loaded.";
    }
  }

  let timer = 0;
  input.addEventListener("input", () => {
    // Not a fetch a keystroke: wait for a pause in the typing.
    clearTimeout(timer);
    timer = setTimeout(() => show(input.value), 120);
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); show(input.value); });
  fetch(manifestUrl)
    .then((r) => r.json())
    .then((data) => {
      manifest = data;
      const q = new URLSearchParams(location.search).get("q") || "";
      input.value = q;
      show(q);
    })
    .catch(() => { status.textContent = "The search index could not be loaded."; });
})();
