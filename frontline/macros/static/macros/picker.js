/* The macro picker in the reply form: a combobox over a listbox of macros, most used first.
   Type to filter, arrow keys to move, Enter to put the macro's text in the reply box (the
   agent edits it as they like); sending the reply then makes the macro's changes. The key
   "m" on the ticket page focuses the picker. The list is drawn by the server; this file only
   filters it and asks /macros/tickets/<n>/preview/<id>/ for the text. */
(() => {
  if (window.frontlineMacroPicker) return; // htmx runs this again with each new composer
  window.frontlineMacroPicker = true;

  const pickerOf = (el) => el && el.closest && el.closest("[data-macro-picker]");
  const options = (picker) =>
    Array.from(picker.querySelectorAll("[data-macro-option]")).filter((o) => !o.hidden);

  function open(picker, show) {
    const list = picker.querySelector("[data-macro-options]");
    const box = picker.querySelector("[data-macro-search]");
    list.hidden = !show;
    box.setAttribute("aria-expanded", show ? "true" : "false");
    if (!show) box.removeAttribute("aria-activedescendant");
  }

  function filter(picker) {
    const words = picker.querySelector("[data-macro-search]").value.toLowerCase().split(/\s+/).filter(Boolean);
    picker.querySelectorAll("[data-macro-option]").forEach((o) => {
      o.hidden = !words.every((w) => o.dataset.name.includes(w));
    });
    highlight(picker, 0);
  }

  function highlight(picker, index) {
    const shown = options(picker);
    const box = picker.querySelector("[data-macro-search]");
    picker.querySelectorAll("[data-macro-option]").forEach((o) => o.setAttribute("aria-selected", "false"));
    if (!shown.length) { box.removeAttribute("aria-activedescendant"); return; }
    const current = shown[(index + shown.length) % shown.length];
    current.setAttribute("aria-selected", "true");
    box.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  function currentIndex(picker) {
    return options(picker).findIndex((o) => o.getAttribute("aria-selected") === "true");
  }

  async function choose(picker, option) {
    const url = picker.dataset.previewUrl.replace(/\/0\/$/, `/${option.dataset.macroOption}/`);
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const macro = await response.json();
    const form = picker.closest("form");
    const body = form.querySelector("textarea[name=body]");
    // Never lose what the agent typed: the macro's text goes after it.
    body.value = body.value.trim() ? `${body.value.replace(/\s+$/, "")}\n\n${macro.body}` : macro.body;
    picker.querySelector("[data-macro-picked]").value = macro.id;
    const status = form.querySelector("select[name=status]");
    if (macro.status && status && status.querySelector(`option[value="${macro.status}"]`)) status.value = macro.status;
    const summary = macro.changes.length ? `: ${macro.changes.join("; ")}` : "";
    picker.querySelector("[data-macro-summary]").textContent = `Sending applies “${macro.name}”${summary}.`;
    picker.querySelector("[data-macro-changes]").hidden = false;
    const box = picker.querySelector("[data-macro-search]");
    box.value = "";
    filter(picker);
    open(picker, false);
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
  }

  document.addEventListener("input", (e) => {
    const picker = pickerOf(e.target);
    if (picker && e.target.matches("[data-macro-search]")) { filter(picker); open(picker, true); }
  });

  document.addEventListener("focusin", (e) => {
    const picker = pickerOf(e.target);
    if (picker && e.target.matches("[data-macro-search]")) { open(picker, true); highlight(picker, 0); }
  });

  document.addEventListener("focusout", (e) => {
    const picker = pickerOf(e.target);
    if (picker && e.target.matches("[data-macro-search]")) setTimeout(() => {
      if (!picker.contains(document.activeElement)) open(picker, false);
    }, 150);
  });

  document.addEventListener("keydown", (e) => {
    const picker = pickerOf(e.target);
    if (picker && e.target.matches("[data-macro-search]")) {
      const list = picker.querySelector("[data-macro-options]");
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) open(picker, true);
        highlight(picker, currentIndex(picker) + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        e.preventDefault(); // never send the reply from the search box
        const option = options(picker)[currentIndex(picker)];
        if (option && !list.hidden) choose(picker, option);
      } else if (e.key === "Escape") {
        e.preventDefault();
        if (list.hidden) e.target.blur(); else open(picker, false);
      }
      return;
    }
    if (e.key !== "m" || e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
    const box = document.querySelector("[data-macro-search]");
    if (!box) return;
    e.preventDefault();
    const replyTab = document.querySelector('[data-composer-tab="reply"]');
    if (replyTab && replyTab.getAttribute("aria-selected") !== "true") replyTab.click();
    box.focus();
  });

  document.addEventListener("mousedown", (e) => {
    const option = e.target.closest && e.target.closest("[data-macro-option]");
    if (option) { e.preventDefault(); choose(pickerOf(option), option); }
  });

  document.addEventListener("click", (e) => {
    const clear = e.target.closest && e.target.closest("[data-macro-clear]");
    if (!clear) return;
    const picker = pickerOf(clear);
    picker.querySelector("[data-macro-picked]").value = "";
    picker.querySelector("[data-macro-changes]").hidden = true;
  });
})();
