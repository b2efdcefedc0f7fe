/* Frontline workspace and portal behaviour. Plain JavaScript, no build step.
 *
 * Live updates: the server sends small JSON notices over WebSocket ("ticket 12 changed");
 * this file turns them into DOM events (tickets-changed, ticket-changed,
 * notifications-changed) that htmx elements listen to and re-fetch their fragment on.
 * Everything else here is progressive enhancement: every form works without it.
 */
(function () {
  "use strict";

  const body = document.body;
  const myId = Number(body.dataset.userId || 0);
  const HEARTBEAT_MS = 20000;
  const TYPING_EVERY_MS = 3000;
  const TYPING_SHOWN_MS = 6000;
  const VIEWING_SHOWN_MS = 60000;

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const fire = (name, detail) => body.dispatchEvent(new CustomEvent(name, { detail }));

  /* ---------- toasts ---------- */

  function toast(message, ok) {
    const box = $("#toasts");
    if (!box) return;
    const item = document.createElement("div");
    item.className = "toast" + (ok === false ? " toast-error" : "");
    item.textContent = message;
    box.appendChild(item);
    setTimeout(() => item.remove(), ok === false ? 9000 : 5000);
  }
  $$("#toasts .toast").forEach((item) => setTimeout(() => item.remove(), 7000));
  body.addEventListener("frontline:toast", (e) => toast(e.detail.message, e.detail.ok));
  body.addEventListener("ticket-saved", () => toast("Saved.", true));

  /* ---------- sockets ---------- */

  function socket(path, handlers) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let ws = null;
    let delay = 1000;
    let timer = null;
    const connection = {
      send(message) {
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
    };
    function open() {
      ws = new WebSocket(scheme + location.host + path);
      ws.addEventListener("open", () => {
        delay = 1000;
        if (handlers.open) handlers.open(connection);
      });
      ws.addEventListener("message", (e) => {
        let data = null;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        handlers.message(data, connection);
      });
      ws.addEventListener("close", (e) => {
        if (handlers.close) handlers.close(e);
        if (e.code === 4403) return; // refused: signed out or no access
        clearTimeout(timer);
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }
    open();
    return connection;
  }

  function setLive(state) {
    const indicator = $("[data-live-indicator]");
    if (!indicator) return;
    indicator.dataset.state = state;
    $(".live-label", indicator).textContent = state === "on" ? "Live" : "Reconnecting";
  }

  if (body.dataset.workspaceSocket) {
    socket(body.dataset.workspaceSocket, {
      open(conn) {
        setLive("on");
        setInterval(() => conn.send({ type: "heartbeat" }), HEARTBEAT_MS);
      },
      close() { setLive("off"); },
      message(data) {
        if (data.type === "ticket.changed") ticketsChanged();
        if (data.type === "notification") fire("notifications-changed");
      },
    });
  }

  /* ---------- inbox: selection, bulk actions, keyboard ---------- */

  const selected = () => $$("[data-row-check]:checked");
  let cursorId = null;

  function ticketsChanged() {
    const list = $("[data-live-list]");
    if (list && selected().length) {
      const pill = $("[data-updates-pill]");
      if (pill) pill.hidden = false;
      return;
    }
    fire("tickets-changed");
  }

  function updateBulkBar() {
    const bar = $("[data-bulk-bar]");
    if (!bar) return;
    const count = selected().length;
    bar.hidden = count === 0;
    $("[data-bulk-count]", bar).textContent = count + " selected";
    $$("[data-ticket-row]").forEach((row) => {
      const box = $("[data-row-check]", row);
      row.classList.toggle("is-selected", Boolean(box && box.checked));
    });
  }

  document.addEventListener("change", (e) => {
    const target = e.target;
    if (target.matches("[data-select-all]")) {
      $$("[data-row-check]").forEach((box) => { box.checked = target.checked; });
    }
    if (target.matches("[data-row-check], [data-select-all]")) updateBulkBar();
    if (target.closest("[data-props-form]")) target.closest("form").dataset.dirty = "1";
    if (target.matches(".queue-assign select")) {
      const option = target.selectedOptions[0];
      const team = $("[data-team-for-select]", target.form);
      if (team) team.value = option ? option.dataset.team || "" : "";
    }
  });

  document.addEventListener("click", (e) => {
    const target = e.target;
    if (target.closest("[data-clear-selection]")) {
      $$("[data-row-check], [data-select-all]").forEach((box) => { box.checked = false; });
      updateBulkBar();
    }
    if (target.closest("[data-refresh-list]")) {
      const pill = $("[data-updates-pill]");
      if (pill) pill.hidden = true;
      fire("tickets-changed");
    }
    if (target.closest("[data-action=shortcuts]")) showShortcuts();
    const tab = target.closest("[data-composer-tab]");
    if (tab) switchComposer(tab.dataset.composerTab, true);
    const row = target.closest("[data-ticket-row]");
    if (row && !target.closest("a, input, button, label, select")) {
      location.href = row.dataset.href;
    }
  });

  body.addEventListener("htmx:afterRequest", (e) => {
    if (e.detail.elt.matches && e.detail.elt.matches("[data-bulk-form]") && e.detail.successful) {
      $$("[data-row-check], [data-select-all]").forEach((box) => { box.checked = false; });
      updateBulkBar();
    }
  });

  body.addEventListener("htmx:beforeRequest", (e) => {
    const elt = e.detail.elt;
    // A live refresh must not throw away what the agent is doing.
    if (elt.matches("[data-live-list]") && selected().length) e.preventDefault();
    if (elt.matches("[data-side-panel]")) {
      const form = $("[data-props-form]", elt);
      if (form && (form.dataset.dirty || form.contains(document.activeElement))) e.preventDefault();
    }
  });

  body.addEventListener("htmx:afterSwap", () => {
    updateBulkBar();
    if (cursorId) {
      const row = $('[data-ticket-row][data-ticket-id="' + cursorId + '"]');
      if (row) row.classList.add("is-cursor");
    }
    sizeFrames();
  });

  function rows() { return $$("[data-ticket-row]"); }

  function moveCursor(step) {
    const all = rows();
    if (!all.length) return;
    let index = all.findIndex((row) => row.classList.contains("is-cursor"));
    index = index < 0 ? 0 : Math.max(0, Math.min(all.length - 1, index + step));
    all.forEach((row) => row.classList.remove("is-cursor"));
    const row = all[index];
    row.classList.add("is-cursor");
    cursorId = row.dataset.ticketId;
    const link = $("a.subject", row);
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function cursorRow() { return $("[data-ticket-row].is-cursor"); }

  /* ---------- ticket page: composer, presence, collisions ---------- */

  function switchComposer(mode, focus) {
    const composer = $("[data-composer]");
    if (!composer) return;
    composer.dataset.mode = mode;
    $$("[data-composer-tab]", composer).forEach((tab) => {
      tab.setAttribute("aria-selected", String(tab.dataset.composerTab === mode));
    });
    $("#reply-pane").hidden = mode !== "reply";
    $("#note-pane").hidden = mode !== "note";
    if (focus) $(mode === "reply" ? "#reply-body" : "#note-body").focus();
  }

  const people = new Map();

  function renderPresence() {
    const box = $("[data-presence]");
    if (!box) return;
    const now = Date.now();
    const chips = [];
    people.forEach((person, id) => {
      if (person.until < now) { people.delete(id); return; }
      const typing = person.state === "typing" && person.typingUntil > now;
      chips.push('<span class="presence-chip' + (typing ? " typing" : "") + '">' +
        '<span class="presence-dot"></span>' + escapeHtml(person.name) +
        (typing ? " is typing…" : " is viewing") + "</span>");
    });
    box.innerHTML = chips.join("");
    box.hidden = chips.length === 0;
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  const ticketMain = $("[data-ticket-socket]");
  // "r" on a row of the inbox opens the ticket with the reply composer ready.
  if (ticketMain && location.hash === "#reply" && $("[data-composer]")) switchComposer("reply", true);
  if (ticketMain) {
    const isPortal = ticketMain.hasAttribute("data-portal");
    const conn = socket(ticketMain.dataset.ticketSocket, {
      open(c) {
        if (!isPortal) setInterval(() => c.send({ type: "viewing" }), 25000);
      },
      message(data) {
        if (data.type === "ticket.changed") {
          fire("ticket-changed", data);
          if (data.event === "message_added" && data.actor_id !== myId) warnNewMessage();
        }
        if (data.type === "presence" && data.user_id !== myId) {
          if (data.state === "left") people.delete(data.user_id);
          else {
            const person = people.get(data.user_id) || {};
            person.name = data.name;
            person.state = data.state === "joined" ? "viewing" : data.state;
            person.until = Date.now() + VIEWING_SHOWN_MS;
            if (data.state === "typing") person.typingUntil = Date.now() + TYPING_SHOWN_MS;
            people.set(data.user_id, person);
          }
          renderPresence();
        }
      },
    });
    setInterval(renderPresence, 2000);
    let lastTyping = 0;
    document.addEventListener("input", (e) => {
      if (!e.target.matches("[data-typing]")) return;
      const now = Date.now();
      if (now - lastTyping > TYPING_EVERY_MS) {
        lastTyping = now;
        conn.send({ type: "typing" });
      }
    });
  }

  function warnNewMessage() {
    const banner = $("[data-new-message-banner]");
    if (banner) banner.hidden = false;
  }

  /* ---------- message frames ---------- */

  function sizeFrames() {
    $$("iframe.message-frame").forEach((frame) => {
      const fit = () => {
        try {
          const doc = frame.contentDocument;
          if (doc && doc.documentElement) {
            frame.style.height = (doc.documentElement.scrollHeight + 4) + "px";
          }
        } catch (err) { /* cross-origin: keep the default height */ }
      };
      if (!frame.dataset.sized) {
        frame.dataset.sized = "1";
        frame.addEventListener("load", fit);
      }
      fit();
    });
  }
  sizeFrames();

  /* ---------- @mentions ---------- */

  let mentionTimer = null;
  document.addEventListener("input", (e) => {
    const area = e.target;
    if (!area.matches("[data-mentions]")) return;
    clearTimeout(mentionTimer);
    const before = area.value.slice(0, area.selectionStart);
    const match = /(?:^|\s)@([\w.+-]*)$/.exec(before);
    const menu = $("[data-mention-menu]", area.parentElement);
    if (!match) { menu.hidden = true; return; }
    mentionTimer = setTimeout(async () => {
      const response = await fetch(area.dataset.mentions + "?q=" + encodeURIComponent(match[1]),
        { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const handles = data.results.map((r) => r.handle);
      menu.innerHTML = "";
      data.results.forEach((person, index) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.dataset.handle = handles.indexOf(person.handle) !== handles.lastIndexOf(person.handle)
          ? person.email : person.handle;
        item.textContent = person.name + " — @" + item.dataset.handle;
        if (index === 0) item.setAttribute("aria-selected", "true");
        menu.appendChild(item);
      });
      menu.hidden = data.results.length === 0;
    }, 120);
  });

  function pickMention(area, item) {
    const caret = area.selectionStart;
    const before = area.value.slice(0, caret).replace(/@([\w.+-]*)$/, "@" + item.dataset.handle + " ");
    area.value = before + area.value.slice(caret);
    area.selectionStart = area.selectionEnd = before.length;
    item.parentElement.hidden = true;
    area.focus();
  }

  document.addEventListener("keydown", (e) => {
    const area = e.target;
    if (!area.matches || !area.matches("[data-mentions]")) return;
    const menu = $("[data-mention-menu]", area.parentElement);
    if (!menu || menu.hidden) return;
    const items = $$("li", menu);
    let index = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      index = (index + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pickMention(area, items[Math.max(index, 0)]);
    } else if (e.key === "Escape") {
      menu.hidden = true;
    }
  });

  document.addEventListener("mousedown", (e) => {
    const item = e.target.closest("[data-mention-menu] li");
    if (!item) return;
    e.preventDefault();
    pickMention($("[data-mentions]", item.closest(".mention-wrap")), item);
  });

  /* ---------- confirmations ---------- */

  document.addEventListener("submit", (e) => {
    const form = e.target.closest("[data-confirm]") || (e.target.matches("[data-confirm]") && e.target);
    if (form && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  /* ---------- supervisor: drag a ticket onto an agent ---------- */

  document.addEventListener("dragstart", (e) => {
    const card = e.target.closest && e.target.closest("[data-drag-ticket]");
    if (!card) return;
    e.dataTransfer.setData("text/plain", card.dataset.dragTicket);
    e.dataTransfer.effectAllowed = "move";
    card.classList.add("is-dragging");
  });
  document.addEventListener("dragend", (e) => {
    const card = e.target.closest && e.target.closest("[data-drag-ticket]");
    if (card) card.classList.remove("is-dragging");
  });
  document.addEventListener("dragover", (e) => {
    const agent = e.target.closest && e.target.closest("[data-drop-agent]");
    if (!agent) return;
    e.preventDefault();
    agent.classList.add("is-drop-target");
  });
  document.addEventListener("dragleave", (e) => {
    const agent = e.target.closest && e.target.closest("[data-drop-agent]");
    if (agent) agent.classList.remove("is-drop-target");
  });
  document.addEventListener("drop", (e) => {
    const agent = e.target.closest && e.target.closest("[data-drop-agent]");
    if (!agent) return;
    e.preventDefault();
    agent.classList.remove("is-drop-target");
    const board = agent.closest("[data-reassign-url]");
    const ticket = e.dataTransfer.getData("text/plain");
    if (!board || !ticket || !window.htmx) return;
    window.htmx.ajax("POST", board.dataset.reassignUrl, {
      source: agent,
      swap: "none",
      values: { ticket: ticket, assignee: agent.dataset.dropAgent, team: agent.dataset.dropTeam },
    });
  });

  /* ---------- keyboard shortcuts ---------- */

  function showShortcuts() {
    const dialog = $("#shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  let pendingG = false;
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    const typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    const key = e.key;
    if (pendingG) {
      pendingG = false;
      if (key === "i") location.href = "/inbox/";
      return;
    }
    if (key === "/") {
      const box = $("[data-search-box]");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (key === "g") { pendingG = true; return; }
    if (key === "?") { showShortcuts(); return; }
    if (rows().length) {
      if (key === "j") { moveCursor(1); e.preventDefault(); }
      else if (key === "k") { moveCursor(-1); e.preventDefault(); }
      else if ((key === "Enter" || key === "o") && cursorRow()) { location.href = cursorRow().dataset.href; }
      else if (key === "r" && cursorRow()) { location.href = cursorRow().dataset.href + "#reply"; }
      else if (key === "x" && cursorRow()) {
        const box = $("[data-row-check]", cursorRow());
        box.checked = !box.checked;
        updateBulkBar();
      }
      return;
    }
    if (ticketMain && !ticketMain.hasAttribute("data-portal")) {
      if (key === "r") { switchComposer("reply", true); e.preventDefault(); }
      else if (key === "n") { switchComposer("note", true); e.preventDefault(); }
      else if (key === "a") { const take = $("[data-take-form] button"); if (take) take.click(); }
      else if (key === "j" && ticketMain.dataset.next) { location.href = ticketMain.dataset.next; }
      else if (key === "k" && ticketMain.dataset.previous) { location.href = ticketMain.dataset.previous; }
      else if (key === "u") { location.href = ticketMain.dataset.back; }
    }
  });
})();
