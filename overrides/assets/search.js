// Search with Pagefind: the header button opens a dialog; the index (pagefind/ inside this site or
// edition, built by scripts/search_index.py) loads only when a reader opens it, and then only the
// fragments each query needs. Keys: "/" opens, arrows move between results, Escape closes.
// overrides/partials/guide-search.html loads this file on first use.
(() => {
  "use strict";
  const root = document.querySelector(".guide-search");
  if (!root || !("showModal" in HTMLDialogElement.prototype)) return;
  const site = new URL("..", document.currentScript.src);  // this script lives in <site>/assets/
  const button = root.querySelector(".guide-search__open");
  const dialog = root.querySelector(".guide-search__dialog");
  const input = root.querySelector(".guide-search__input");
  const status = root.querySelector(".guide-search__status");
  const list = root.querySelector(".guide-search__results");
  let pagefind = null;
  let latest = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", site).href).then(async (module) => {
        await module.options({ baseUrl: site.pathname, excerptLength: 24 });
        await module.init();
        return module;
      });
      pagefind.catch(() => { pagefind = null; });
    }
    return pagefind;
  }

  // Pagefind's excerpts are HTML with <mark> around matches: keep the text and the marks, nothing else.
  function excerpt(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const out = document.createElement("p");
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(node.textContent);
      }
    }
    return out;
  }

  function link(url, text) {
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = text;
    return anchor;
  }

  function render(results) {
    list.replaceChildren(...results.map((data) => {
      const item = document.createElement("li");
      item.className = "guide-search__result";
      item.append(link(data.url, data.meta.title || data.url), excerpt(data.excerpt));
      // The sections of the page that match best (an FAQ question, a glossary term), by matches.
      const sections = (data.sub_results || [])
        .filter((sub) => sub.url !== data.url && sub.title !== data.meta.title)
        .sort((a, b) => b.locations.length - a.locations.length)
        .slice(0, 2);
      if (sections.length) {
        const nested = document.createElement("ul");
        for (const sub of sections) {
          const entry = document.createElement("li");
          entry.append(link(sub.url, sub.title));
          nested.append(entry);
        }
        item.append(nested);
      }
      return item;
    }));
  }

  // Pagefind finds pages with every word. A reader's question ("nothing has worked") often has no
  // page with every word, so pages with some of its words follow, best total score first.
  const COMMON = new Set(("a an and are be can do does for from has have how i if in is it me my of on or " +
    "the to was what when will with you your").split(" "));

  async function matches(module, query) {
    const all = (await module.search(query)).results;
    const words = query.toLowerCase().split(/\s+/).filter((word) => word && !COMMON.has(word));
    if (all.length >= 5 || words.length < 2) return all;
    const seen = new Set(all.map((result) => result.id));
    const partial = new Map();
    for (const search of await Promise.all(words.map((word) => module.search(word)))) {
      for (const result of search.results) {
        if (seen.has(result.id)) continue;
        const entry = partial.get(result.id) || { result, score: 0 };
        entry.score += result.score;
        partial.set(result.id, entry);
      }
    }
    return all.concat(Array.from(partial.values()).sort((a, b) => b.score - a.score).map((entry) => entry.result));
  }

  async function run() {
    const query = input.value.trim();
    const ticket = ++latest;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    try {
      const module = await load();
      const found = await matches(module, query);
      const results = await Promise.all(found.slice(0, 10).map((result) => result.data()));
      if (ticket !== latest) return;
      render(results);
      status.textContent = results.length
        ? `${found.length} ${found.length === 1 ? "page" : "pages"} found`
        : "No pages found. Try other words, or browse the guide's contents.";
    } catch (error) {
      if (ticket === latest) status.textContent = "Search could not load. Browse the guide's contents instead.";
    }
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load();
  }

  function links() {
    return Array.from(list.querySelectorAll("a"));
  }

  button.addEventListener("click", open);
  root.querySelector(".guide-search__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });  // the backdrop
  input.addEventListener("input", run);
  root.querySelector(".guide-search__form").addEventListener("submit", (event) => {
    event.preventDefault();
    const first = links()[0];
    if (first) first.click();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const all = links();
    const at = all.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else if (all[Math.min(next, all.length - 1)]) all[Math.min(next, all.length - 1)].focus();
    event.preventDefault();
  });
  // "/" opens search from anywhere except a text field, as in Material's own search.
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    open();
  });
})();
