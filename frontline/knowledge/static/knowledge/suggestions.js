/* The ticket page's suggestions panel: "Insert link" and "Insert text" put an article's
   help-centre address or its Markdown into the reply composer, at the cursor. */
(() => {
  "use strict";
  // The panel may be drawn again (htmx refreshes the side panels): listen once.
  if (window.frontlineSuggestions) return;
  window.frontlineSuggestions = true;

  function insertIntoReply(text) {
    const tab = document.querySelector("[data-composer-tab=reply]");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    const box = document.getElementById("reply-body");
    if (!box) return;
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    const before = box.value.slice(0, start);
    const spaced = before && !/\s$/.test(before) ? " " + text : text;
    box.setRangeText(spaced, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-insert-article]");
    if (!button) return;
    event.preventDefault();
    insertIntoReply(button.dataset.insertArticle);
  });
})();
