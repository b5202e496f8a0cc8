// Citation previews and glossary definitions on hover and keyboard focus.
// Nothing is set up per term or per citation: overrides/partials/guide-tooltips.html loads this
// file the first time a reader points at or focuses a citation mark or a glossary term, and its
// listeners on the document build one tooltip, reused for every host.
// Touch and screen-reader users keep the plain routes: a citation mark is a link to the
// page's reference list, and every term is defined on the Glossary page.
(() => {
  "use strict";
  const HOSTS = "a.footnote-ref, abbr[data-definition], abbr[title]";
  let tip = null;
  let host = null;
  let hideTimer = 0;

  function contentFor(element) {
    if (element.matches("a.footnote-ref")) {
      const note = document.getElementById(decodeURIComponent(element.hash.slice(1)));
      if (!note) return null;
      const copy = note.cloneNode(true);
      copy.querySelectorAll(".footnote-backref").forEach((link) => link.remove());
      copy.querySelectorAll("[id]").forEach((node) => node.removeAttribute("id"));
      return Array.from(copy.childNodes);
    }
    // The definition leaves `title` while shown, so the browser's own tooltip does not double it.
    if (element.title) {
      element.dataset.definition = element.title;
      element.removeAttribute("title");
    }
    return [document.createTextNode(element.dataset.definition)];
  }

  function place() {
    const box = host.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    tip.style.maxWidth = Math.min(320, width - 16) + "px";
    const own = tip.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.left, width - own.width - 8));
    const below = box.bottom + 6 + own.height <= window.innerHeight || box.top < own.height + 6;
    const top = below ? box.bottom + 6 : box.top - own.height - 6;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(element) {
    clearTimeout(hideTimer);
    if (element === host) return;
    hide();
    const nodes = contentFor(element);
    if (!nodes) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "guide-tooltip";
      tip.className = "guide-tooltip md-typeset";
      tip.setAttribute("role", "tooltip");
    }
    tip.replaceChildren(...nodes);
    document.body.append(tip);
    host = element;
    host.setAttribute("aria-describedby", tip.id);
    place();
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!host) return;
    host.removeAttribute("aria-describedby");
    if (host.dataset.definition) host.title = host.dataset.definition;
    host = null;
    tip.remove();
  }

  // WCAG 1.4.13: the tooltip stays while the pointer moves onto it, and Escape dismisses it.
  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300);
  }

  document.addEventListener("pointerover", (event) => {
    if (tip && tip.contains(event.target)) return clearTimeout(hideTimer);
    const element = event.target.closest && event.target.closest(HOSTS);
    if (element) show(element);
    else if (host) hideSoon();
  });
  document.addEventListener("focusin", (event) => {
    const element = event.target.closest && event.target.closest(HOSTS);
    if (element) show(element);
    else hide();
  });
  document.addEventListener("focusout", (event) => {
    if (host && event.target === host) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && host) hide();
  });
})();
