// The sandbox page: pick a person, chat with the real bot through the emulator, move the clock.
// Plain browser JavaScript, no build step and no network beyond this sandbox's own server.
"use strict";

(function () {
  const $ = (selector) => document.querySelector(selector);
  const state = {
    lang: localStorage.getItem("sandbox-lang") || "zh_CN",
    texts: {},
    boot: null,
    seq: 0,
    people: [],
    selected: null,
    keyboard: null,
    channel: "telegram",  // where the selected person talks to the bot: "telegram" or "dingtalk" (钉钉)
    unread: {},
    recent: [],  // the last events, replayed over a freshly loaded chat so none falls between the two
    followUntil: 0,  // until then, the chat scrolls to each new message (the bot answering an action)
    clock: null,
    uploadLimitMb: 20,
  };
  const ROLE_COLORS = { student: "#3b82f6", teacher: "#16a34a", mentor: "#d97706", office: "#7c3aed" };
  const SAFE_URL = /^(https?:|tg:)/i;
  const NARROW = window.matchMedia("(max-width: 760px)");  // the same width as the phone layout in style.css

  // ---- talking to the sandbox -----------------------------------------------------------------

  async function api(path, options) {
    const opts = options || {};
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs || 30000);
    const init = { method: opts.method || "GET", headers: { "X-Sandbox": "1" }, signal: controller.signal };
    if (opts.json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.json);
    } else if (opts.form) {
      init.body = opts.form;
    }
    try {
      const response = await fetch(path, init);
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || response.statusText);
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  function t(key, params) {
    let text = state.texts[key] || key;
    for (const [name, value] of Object.entries(params || {})) text = text.split(`%(${name})s`).join(value);
    return text.replace(/%\((\w+)\)d/g, (all, name) => (params && name in params ? String(params[name]) : all));
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- the page's own texts -------------------------------------------------------------------

  async function loadTexts(lang) {
    const body = await api(`/api/texts?lang=${encodeURIComponent(lang)}`);
    state.lang = body.lang;
    state.texts = body.texts;
    localStorage.setItem("sandbox-lang", state.lang);
    document.documentElement.lang = state.lang === "zh_CN" ? "zh-CN" : "en";
    document.title = t("title");
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    for (const el of document.querySelectorAll("[data-t-title]")) {
      el.title = t(el.dataset.tTitle);
      el.setAttribute("aria-label", el.title);
    }
    for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.classList.toggle("active", button.dataset.lang === state.lang);
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    }
  }

  // ---- people ---------------------------------------------------------------------------------

  function avatar(name, role) {
    const el = document.createElement("span");
    el.className = "avatar";
    el.textContent = name.length > 2 ? name.slice(-2) : name;
    el.style.background = ROLE_COLORS[role] || "#64748b";
    el.setAttribute("aria-hidden", "true");
    return el;
  }

  function renderPeople() {
    const list = $("#people");
    list.replaceChildren();
    let group = null;
    for (const person of state.people) {
      if (person.role !== group) {
        group = person.role;
        const heading = document.createElement("li");
        heading.className = "group";
        heading.textContent = person.role_label;
        list.appendChild(heading);
      }
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "person" + (person.id === state.selected ? " selected" : "");
      button.dataset.person = person.name;
      button.dataset.id = String(person.id);
      button.dataset.role = person.role;
      const info = document.createElement("span");
      info.className = "who";
      const name = document.createElement("strong");
      name.textContent = person.name;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = [person.role_label, person.school].join(" · ");
      info.append(name, label);
      if (person.detail) {
        const detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = person.detail;
        info.appendChild(detail);
      }
      button.append(avatar(person.name, person.role), info);
      const count = state.unread[person.id] || 0;
      if (count) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = String(count);
        button.appendChild(badge);
      }
      button.addEventListener("click", () => {
        selectPerson(person.id);
        // On a phone the chat is below the people: show it, as tapping a chat in Telegram would.
        if (NARROW.matches) $("#phone").scrollIntoView({ block: "start" });
      });
      item.appendChild(button);
      list.appendChild(item);
    }
  }

  function personById(id) {
    return state.people.find((p) => p.id === id) || null;
  }

  function renderHeader() {
    const person = personById(state.selected);
    $("#chat-sub").textContent = person
      ? t("you_are", { name: person.name }) + " · " + person.role_label + " · " + person.school
      : t("choose_person");
    $("#composer").classList.toggle("disabled", !person);
  }

  async function selectPerson(id) {
    state.selected = id;
    state.unread[id] = 0;
    localStorage.setItem("sandbox-person", String(id));
    renderPeople();
    renderHeader();
    const box = $("#messages");
    box.replaceChildren();
    const chat = await api(`/api/chats/${id}`);
    if (state.selected !== id) return;
    state.channel = chat.channel || "telegram";
    renderChannel();
    box.replaceChildren();
    for (const message of chat.messages) upsertMessage(message);
    setKeyboard(chat.keyboard);
    for (const event of state.recent) {
      if (event.seq > chat.seq && event.chat_id === id) handleEvent(event);
    }
    showEmpty();
    scrollDown(true);
    $("#text").focus();
  }

  // ---- messages -------------------------------------------------------------------------------

  const TAGS = {
    bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", pre: "pre",
    blockquote: "blockquote", expandable_blockquote: "blockquote", text_link: "a", url: "a",
  };

  // Builds the text from Telegram's plain text + entities (UTF-16 offsets, as JavaScript strings count):
  // only text nodes and known elements, never the bot's HTML.
  function formatText(text, entities) {
    const fragment = document.createDocumentFragment();
    const usable = (entities || []).filter((e) => e.length > 0 && e.offset >= 0 && e.offset < text.length);
    const points = new Set([0, text.length]);
    for (const e of usable) {
      points.add(e.offset);
      points.add(Math.min(text.length, e.offset + e.length));
    }
    const cuts = [...points].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const start = cuts[i];
      const end = cuts[i + 1];
      let node = document.createTextNode(text.slice(start, end));
      for (const e of usable) {
        if (e.offset <= start && e.offset + e.length >= end) node = wrap(node, e);
      }
      fragment.appendChild(node);
    }
    return fragment;
  }

  function wrap(node, entity) {
    const el = document.createElement(TAGS[entity.type] || "span");
    if (el.tagName === "A") {
      const href = entity.type === "url" ? node.textContent : entity.url;
      if (href && SAFE_URL.test(href)) {
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      }
    } else if (entity.type === "spoiler") {
      el.className = "spoiler";
      el.addEventListener("click", () => el.classList.add("revealed"));
    } else if (entity.type === "bot_command") {
      el.className = "command";
      el.addEventListener("click", () => sendText(node.textContent));
    }
    el.appendChild(node);
    return el;
  }

  function humanSize(bytes) {
    if (bytes == null) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function fillMessage(el, message) {
    el.className = `msg ${message.from} kind-${message.kind}`;
    el.dataset.id = String(message.id);
    el.dataset.seq = String(message.seq);
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (message.kind === "photo" && message.file) {
      const link = document.createElement("a");
      link.href = `/api/files/${encodeURIComponent(message.file.id)}`;
      link.target = "_blank";
      link.rel = "noopener";
      const img = document.createElement("img");
      img.className = "photo";
      img.alt = "";
      img.src = link.href;
      img.addEventListener("load", () => { if (Date.now() < state.followUntil) scrollDown(true); });
      link.appendChild(img);
      bubble.appendChild(link);
    } else if (message.kind === "document" && message.file) {
      const doc = document.createElement("a");
      doc.className = "doc";
      doc.href = `/api/files/${encodeURIComponent(message.file.id)}`;
      doc.download = message.file.name || "file";
      const icon = document.createElement("span");
      icon.className = "doc-icon";
      icon.textContent = "📄";
      const name = document.createElement("span");
      name.className = "doc-name";
      name.textContent = message.file.name || "file";
      const size = document.createElement("span");
      size.className = "doc-size";
      size.textContent = humanSize(message.file.size);
      doc.append(icon, name, size);
      bubble.appendChild(doc);
    }
    if (message.lines) {
      bubble.appendChild(dingTalkText(message));
    } else if (message.text) {
      const text = document.createElement("div");
      text.className = "text";
      text.appendChild(formatText(message.text, message.entities));
      bubble.appendChild(text);
    }
    if (message.edited) {
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = t("edited");
      bubble.appendChild(meta);
    }
    const parts = [bubble];
    if (message.buttons && message.buttons.length) {
      const keyboard = document.createElement("div");
      keyboard.className = "inline-kb";
      for (const row of message.buttons) {
        const line = document.createElement("div");
        line.className = "kb-row";
        for (const button of row) line.appendChild(inlineButton(message, button));
        keyboard.appendChild(line);
      }
      parts.push(keyboard);
    }
    el.replaceChildren(...parts);
  }

  function inlineButton(message, button) {
    const el = document.createElement("button");
    el.type = "button";
    el.className = "inline-btn";
    el.textContent = button.text;
    if (button.url) {
      el.classList.add("url");
      el.addEventListener("click", () => {
        if (SAFE_URL.test(button.url)) window.open(button.url, "_blank", "noopener");
      });
      return el;
    }
    el.addEventListener("click", async () => {
      el.disabled = true;
      followAnswers();
      try {
        await api(`/api/chats/${state.selected}/press`, {
          method: "POST", json: { message_id: message.id, data: button.data },
        });
      } catch (error) {
        toast(t("failed", { error: error.message }));
      } finally {
        el.disabled = false;
      }
    });
    return el;
  }

  // DingTalk's markdown as the page gets it: lines of words, bold parts and links that send their text.
  function dingTalkText(message) {
    const text = document.createElement("div");
    text.className = "text ding";
    message.lines.forEach((line, index) => {
      if (index) text.appendChild(document.createTextNode("\n"));
      for (const segment of line) {
        if (segment.send) {
          const link = document.createElement("a");
          link.href = "#";
          link.className = "ding-link";
          link.textContent = segment.text;
          link.addEventListener("click", async (event) => {
            event.preventDefault();
            followAnswers();
            try {
              await api(`/api/chats/${state.selected}/press`, {
                method: "POST", json: { message_id: message.id, data: segment.send },
              });
              await refreshDingTalk();
            } catch (error) {
              toast(t("failed", { error: error.message }));
            }
          });
          text.appendChild(link);
        } else if (segment.bold) {
          const bold = document.createElement("strong");
          bold.textContent = segment.text;
          text.appendChild(bold);
        } else {
          text.appendChild(document.createTextNode(segment.text));
        }
      }
    });
    return text;
  }

  // DingTalk has no event stream here: its chat is read again after each action and every few seconds.
  async function refreshDingTalk() {
    const id = state.selected;
    if (!id || state.channel !== "dingtalk") return;
    const chat = await api(`/api/chats/${id}`);
    if (state.selected !== id || chat.channel !== "dingtalk") return;
    const box = $("#messages");
    const before = box.querySelectorAll(".msg").length;
    for (const message of chat.messages) upsertMessage(message);
    showEmpty();
    if (box.querySelectorAll(".msg").length !== before) scrollDown(true);
  }

  function renderChannel() {
    const button = $("#channel-toggle");
    button.textContent = state.channel === "dingtalk" ? t("on_dingtalk") : t("on_telegram");
    button.title = t("switch_channel");
    button.hidden = !state.selected;
    document.body.dataset.channel = state.channel;
  }

  async function switchChannel() {
    if (!state.selected) return;
    const next = state.channel === "dingtalk" ? "telegram" : "dingtalk";
    try {
      await api(`/api/chats/${state.selected}/channel`, { method: "POST", json: { channel: next } });
      await selectPerson(state.selected);
    } catch (error) {
      toast(t("failed", { error: error.message }));
    }
  }

  function upsertMessage(message) {
    const box = $("#messages");
    const existing = box.querySelector(`.msg[data-id="${message.id}"]`);
    if (existing) {
      if (Number(existing.dataset.seq) > message.seq) return;
      const changed = Number(existing.dataset.seq) !== message.seq;
      fillMessage(existing, message);
      if (changed) flash(existing);
      return;
    }
    const el = document.createElement("div");
    fillMessage(el, message);
    const later = [...box.querySelectorAll(".msg")].find((m) => Number(m.dataset.id) > message.id);
    box.insertBefore(el, later || null);
  }

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth;
    el.classList.add("flash");
  }

  function showEmpty() {
    const box = $("#messages");
    const empty = box.querySelector(".empty");
    const hasMessages = box.querySelector(".msg") !== null;
    if (hasMessages && empty) empty.remove();
    if (!hasMessages && !empty) {
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = state.selected ? t("no_messages") : t("choose_person");
      box.appendChild(note);
    }
  }

  function nearBottom() {
    const box = $("#messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function scrollDown(force) {
    if (force || nearBottom()) {
      const box = $("#messages");
      box.scrollTop = box.scrollHeight;
    }
  }

  // After the person acts, the bot's answers are followed even when they are long.
  function followAnswers() {
    state.followUntil = Date.now() + 4000;
  }

  function setKeyboard(rows) {
    state.keyboard = rows;
    const panel = $("#keyboard");
    panel.replaceChildren();
    for (const row of rows || []) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const label of row) {
        const key = document.createElement("button");
        key.type = "button";
        key.className = "kb-btn";
        key.textContent = label;
        key.addEventListener("click", () => sendText(label));
        line.appendChild(key);
      }
      panel.appendChild(line);
    }
    panel.hidden = !rows || rows.length === 0;
  }

  let toastTimer = null;
  function toast(text) {
    const el = $("#toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 3500);
  }

  let typingTimer = null;
  function typing() {
    const sub = $("#chat-sub");
    sub.textContent = t("typing");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(renderHeader, 2500);
  }

  // ---- acting as the selected person ------------------------------------------------------------

  async function sendText(text) {
    if (!state.selected || !text.trim()) return;
    followAnswers();
    try {
      await api(`/api/chats/${state.selected}/send`, { method: "POST", json: { text } });
      await refreshDingTalk();
    } catch (error) {
      toast(t("failed", { error: error.message }));
    }
  }

  async function upload(file, as) {
    if (!state.selected || !file) return;
    if (file.size > state.uploadLimitMb * 1024 * 1024) {
      toast(t("file_too_big", { limit: state.uploadLimitMb }));
      return;
    }
    const form = new FormData();
    form.append("as", as);
    const caption = $("#text").value.trim();
    if (caption) form.append("caption", caption);
    form.append("file", file, file.name);
    $("#text").value = "";
    followAnswers();
    toast(t("sending"));
    try {
      await api(`/api/chats/${state.selected}/upload`, { method: "POST", form, timeoutMs: 60000 });
      $("#toast").hidden = true;
      await refreshDingTalk();
    } catch (error) {
      toast(t("failed", { error: error.message }));
    }
  }

  // ---- live events ------------------------------------------------------------------------------

  function handleEvent(event) {
    if (event.chat_id === state.selected && state.channel === "dingtalk") return;  // not on Telegram now
    if (event.chat_id !== state.selected) {
      if (event.type === "message" && event.message && event.message.from === "bot") {
        state.unread[event.chat_id] = (state.unread[event.chat_id] || 0) + 1;
        renderPeople();
      }
      return;
    }
    if (event.type === "message" || event.type === "edit") {
      const follow = nearBottom() || Date.now() < state.followUntil || event.message.from === "user";
      upsertMessage(event.message);
      if (event.keyboard !== undefined && event.message.from === "bot") setKeyboard(event.keyboard);
      showEmpty();
      if (follow) scrollDown(true);
    } else if (event.type === "delete") {
      const el = $("#messages").querySelector(`.msg[data-id="${event.message_id}"]`);
      if (el) el.remove();
      showEmpty();
    } else if (event.type === "toast") {
      toast(event.text);
    } else if (event.type === "typing") {
      typing();
    }
  }

  async function pollEvents() {
    let failures = 0;
    // Runs as long as the tab is open; each wait is bounded (the server answers within 20 s).
    for (;;) {
      try {
        const body = await api(`/api/events?after=${state.seq}&timeout=20`, { timeoutMs: 35000 });
        failures = 0;
        $("#offline").hidden = true;
        if (body.reset || body.boot !== state.boot) {
          await reload();
          continue;
        }
        for (const event of body.events) {
          state.recent.push(event);
          handleEvent(event);
        }
        if (state.recent.length > 300) state.recent.splice(0, state.recent.length - 300);
        state.seq = Math.max(state.seq, body.seq);
      } catch (error) {
        failures += 1;
        $("#offline").hidden = false;
        await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  // ---- the clock --------------------------------------------------------------------------------

  function showClock(clock) {
    state.clock = clock;
    $("#clock-now").textContent = clock.display;
    const quiet = $("#clock-quiet");
    quiet.hidden = !clock.quiet_until;
    quiet.textContent = clock.quiet_until ? t("quiet_hours", { time: clock.quiet_until }) : "";
    $("#clock-now").dataset.date = clock.date;
    if (!$("#clock-date").value) $("#clock-date").value = clock.date;
  }

  async function moveClock(body) {
    try {
      const clock = await api(`/api/clock?lang=${state.lang}`, { method: "POST", json: body });
      showClock(clock);
      $("#clock-date").value = clock.date;
      toast(t("clock_moved", { moment: clock.display }));
    } catch (error) {
      toast(t("failed", { error: error.message }));
    }
  }

  async function refreshClock() {
    try {
      showClock(await api(`/api/clock?lang=${state.lang}`));
    } catch (error) {
      /* the events loop reports the sandbox as offline */
    }
  }

  // ---- start ------------------------------------------------------------------------------------

  async function reload() {
    const body = await api(`/api/state?lang=${state.lang}`);
    state.recent = [];
    state.boot = body.boot;
    state.seq = body.seq;
    state.people = body.people;
    state.uploadLimitMb = body.upload_limit_mb;
    $("#bot-name").textContent = body.bot.name;
    showClock(body.clock);
    const remembered = Number(localStorage.getItem("sandbox-person"));
    const chosen = personById(state.selected) || personById(remembered);
    renderPeople();
    if (chosen) {
      await selectPerson(chosen.id);
    } else {
      state.selected = null;
      renderHeader();
      showEmpty();
    }
  }

  async function switchLanguage(lang) {
    await loadTexts(lang);
    const body = await api(`/api/state?lang=${state.lang}`);
    state.people = body.people;
    showClock(body.clock);
    renderPeople();
    renderHeader();
    for (const meta of document.querySelectorAll(".msg .meta")) meta.textContent = t("edited");
    showEmpty();
    const empty = $("#messages .empty");
    if (empty) empty.textContent = state.selected ? t("no_messages") : t("choose_person");
  }

  function wire() {
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => switchLanguage(button.dataset.lang));
    }
    $("#composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#text");
      const text = input.value;
      if (!text.trim()) return;
      input.value = "";
      sendText(text);
    });
    $("#attach-photo").addEventListener("click", () => $("#photo-input").click());
    $("#attach-file").addEventListener("click", () => $("#file-input").click());
    for (const [id, as] of [["#photo-input", "photo"], ["#file-input", "document"]]) {
      $(id).addEventListener("change", (event) => {
        const input = event.target;
        const file = input.files && input.files[0];
        input.value = "";
        upload(file, as);
      });
    }
    $("#clock-form").addEventListener("submit", (event) => {
      event.preventDefault();
      moveClock({ date: $("#clock-date").value, time: $("#clock-time").value || "09:00" });
    });
    $("#clock-next").addEventListener("click", () => moveClock({ days: 1 }));
    $("#clock-real").addEventListener("click", () => moveClock({ real: true }));
    setInterval(refreshClock, 20000);
    $("#channel-toggle").addEventListener("click", switchChannel);
    setInterval(() => refreshDingTalk().catch(() => {}), 4000);
  }

  async function main() {
    wire();
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        await loadTexts(state.lang);
        await reload();
        break;
      } catch (error) {
        $("#offline").hidden = false;
        await sleep(1000);
      }
    }
    document.body.dataset.ready = "1";
    pollEvents();
  }

  main();
})();
