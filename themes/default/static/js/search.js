// Search over the site's search index: every word of the query must occur
// in a briefing's title, summary, topics or people. Title matches rank first.
(() => {
  const script = document.currentScript;
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-query");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  let entries = null;

  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const words = (text) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  function search(query) {
    const wanted = words(query);
    if (!wanted.length) return [];
    const hits = [];
    for (const e of entries) {
      const title = fold(e.t);
      const all = title + " " + fold(e.s) + " " + fold(e.k.join(" "));
      if (!wanted.every((w) => all.includes(w))) continue;
      const score = wanted.filter((w) => title.includes(w)).length;
      hits.push([score, e]);
    }
    hits.sort((a, b) => b[0] - a[0]);
    return hits.map((h) => h[1]);
  }

  function show(query) {
    list.replaceChildren();
    if (!entries) return;
    const hits = search(query);
    status.textContent = query.trim()
      ? `${hits.length} ${hits.length === 1 ? "briefing" : "briefings"} found`
      : "";
    for (const e of hits.slice(0, 100)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = e.u;
      a.textContent = e.t;
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = [e.d, ...e.k].join(" · ");
      const summary = document.createElement("p");
      summary.textContent = e.s;
      li.append(a, meta, summary);
      list.append(li);
    }
  }

  fetch(script.dataset.index)
    .then((r) => r.json())
    .then((data) => {
      entries = data;
      const q = new URLSearchParams(location.search).get("q") || "";
      input.value = q;
      show(q);
    })
    .catch(() => { status.textContent = "The search index could not be loaded."; });
  input.addEventListener("input", () => show(input.value));
  form.addEventListener("submit", (e) => { e.preventDefault(); show(input.value); });
})();
