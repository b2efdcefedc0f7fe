/* The ticket page's suggestions panel: "Insert link" and "Insert text" put an article's
   help-centre address or its Markdown into the reply composer, at the cursor. */
(() => {
  "use strict";
  // The panel may be drawn again (htmx refreshes the side panels): listen once.
  if (window.frontlineSuggestions) return;
  window.frontlineSuggestions = true;

  // A link joins the sentence; an article's text starts a paragraph of its own.
  function separator(before, block) {
    if (!before) return "";
    if (block) return before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    return /\s$/.test(before) ? "" : " ";
  }

  function insertIntoReply(text, block) {
    const tab = document.querySelector("[data-composer-tab=reply]");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    const box = document.getElementById("reply-body");
    if (!box) return;
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    box.setRangeText(separator(box.value.slice(0, start), block) + text, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-insert-article]");
    if (!button) return;
    event.preventDefault();
    insertIntoReply(button.dataset.insertArticle, "insertBlock" in button.dataset);
  });
})();
