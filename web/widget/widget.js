/* 保险智能客服 — embeddable chat widget. One tag on any page:
 *
 *   <script src="https://HOST/widget/widget.js" data-server="https://BOT-HOST" defer></script>
 *
 * Talks to Rasa's socket.io channel (credentials.yml: user_uttered / bot_uttered, session
 * persistence). The session id and the transcript live in localStorage, so a reload resumes the
 * same conversation; every (re)connect asks for that session again, which puts this tab back in the
 * conversation's room, where bot replies and agent lines (forwarded through Rasa) arrive.
 * What the customer types while offline is queued and sent after reconnecting, never dropped.
 * Plain browser JavaScript, no framework, no build step; styles isolated in a shadow root.
 */
(function () {
  "use strict";
  if (window.CSWidget) return;

  var script = document.currentScript || lastScript("widget.js");
  var defaults = window.CS_WIDGET_DEFAULTS || {};
  var config = {
    server: script.getAttribute("data-server") || defaults.server || location.protocol + "//" + location.hostname + ":5005",
    socketPath: script.getAttribute("data-socket-path") || defaults.socketPath || "/socket.io",
    title: script.getAttribute("data-title") || defaults.title || "在线客服",
    suggestions: defaults.suggestions || ["查询理赔进度", "预约服务", "我要投诉", "转人工客服"],
  };
  var KEEP_MESSAGES = 200;       // transcript entries kept across reloads
  var TYPING_TIMEOUT_MS = 20000; // hide "正在输入" if no reply comes (the reply may never come)
  var STORE_KEY = "cs-widget:" + config.server;

  var store = usableStorage();
  var state = loadState();
  var io = null, socket = null, ready = false, connection = "idle";
  var typingTimer = null, unread = 0, nextId = 1;
  state.messages.forEach(function (m) { m.id = nextId++; });

  // ---- DOM -----------------------------------------------------------------------------------
  var host = document.createElement("div");
  host.id = "cs-widget";
  var shadow = host.attachShadow({ mode: "open" });
  var css = el("link", { rel: "stylesheet", href: new URL("widget.css", script.src).href });
  var root = el("div", { class: "cs-root", lang: "zh-CN", "data-state": "idle" });
  root.style.visibility = "hidden"; // until widget.css is in, so the page never flashes raw markup
  css.onload = css.onerror = function () { root.style.visibility = ""; };

  var badge = el("span", { class: "cs-badge", "aria-hidden": "true", hidden: "" });
  var launcher = el("button", {
    class: "cs-launcher", type: "button", "aria-haspopup": "dialog", "aria-expanded": "false",
    "aria-controls": "cs-panel", "aria-label": config.title,
  }, [icon(), el("span", { class: "cs-launcher-text", "aria-hidden": "true" }, [config.title]), badge]);

  var title = el("h2", { id: "cs-title", class: "cs-title" }, [config.title]);
  var status = el("p", { class: "cs-status", id: "cs-status" }, ["正在连接…"]);
  var closeBtn = el("button", { class: "cs-close", type: "button", "aria-label": "关闭客服窗口" }, ["×"]);
  var banner = el("div", { class: "cs-banner", role: "alert", hidden: "" });
  var log = el("div", {
    class: "cs-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "对话记录", tabindex: "0",
  });
  var typing = el("div", { class: "cs-typing", role: "status", "aria-live": "polite" });
  var quick = el("div", { class: "cs-quick", role: "group", "aria-label": "快捷回复", hidden: "" });
  var input = el("textarea", {
    id: "cs-input", class: "cs-input", rows: "1", maxlength: "1000",
    placeholder: "请输入您的问题", "aria-describedby": "cs-hint",
  });
  var hint = el("span", { id: "cs-hint", class: "cs-sr" }, ["按 Enter 发送，Shift 加 Enter 换行，Esc 关闭窗口"]);
  var sendBtn = el("button", { class: "cs-send", type: "submit", "aria-label": "发送消息" }, ["发送"]);
  var form = el("form", { class: "cs-form" }, [
    el("label", { for: "cs-input", class: "cs-sr" }, ["输入消息"]), input, hint, sendBtn,
  ]);
  var panel = el("section", {
    class: "cs-panel", id: "cs-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "cs-title", "aria-describedby": "cs-status", hidden: "",
  }, [
    el("header", { class: "cs-header" }, [el("div", { class: "cs-heading" }, [title, status]), closeBtn]),
    banner, log, typing, quick, form,
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);
  shadow.appendChild(css);
  shadow.appendChild(root);

  // ---- rendering ---------------------------------------------------------------------------------
  function renderAll() {
    log.textContent = "";
    if (!state.messages.length) log.appendChild(emptyState());
    state.messages.forEach(function (m) { log.appendChild(messageView(m)); });
    renderQuickReplies();
    scrollDown();
  }

  function emptyState() {
    var chips = el("div", { class: "cs-suggestions", role: "group", "aria-label": "常见问题" });
    config.suggestions.forEach(function (text) {
      var b = el("button", { type: "button", class: "cs-chip" }, [text]);
      b.addEventListener("click", function () { send(text); input.focus(); });
      chips.appendChild(b);
    });
    return el("div", { class: "cs-empty" }, [
      el("p", {}, ["您好！我是保险智能客服，可以帮您查询理赔和投诉进度、预约服务、登记投诉，也可以为您转接人工客服。"]),
      chips,
    ]);
  }

  function messageView(m) {
    var bubble = el("div", { class: "cs-bubble" });
    if (m.text) appendText(bubble, m.text);
    var src = m.image && safeUrl(m.image);
    if (src) {
      var img = el("img", { src: src, alt: "图片消息", loading: "lazy" });
      bubble.appendChild(el("a", { href: src, target: "_blank", rel: "noopener noreferrer", class: "cs-image" }, [img]));
    }
    (m.links || []).forEach(function (l) {
      var href = safeUrl(l.url);
      if (href) bubble.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", class: "cs-link" }, [l.title]));
    });
    var view = el("div", { class: "cs-msg cs-msg-" + m.from, "data-from": m.from, "data-id": String(m.id) }, [
      el("span", { class: "cs-sr" }, [m.from === "user" ? "我说：" : "客服说："]), bubble,
    ]);
    if (m.pending) view.appendChild(el("span", { class: "cs-pending" }, ["待发送"]));
    return view;
  }

  // Text as text nodes (never innerHTML), line breaks kept, http(s) addresses as links.
  function appendText(parent, text) {
    String(text).split("\n").forEach(function (line, i) {
      if (i) parent.appendChild(document.createElement("br"));
      var url = /https?:\/\/[^\s<>"'\u3000-\u303f\uff00-\uffef]+/g, last = 0, match;
      while ((match = url.exec(line))) {
        parent.appendChild(document.createTextNode(line.slice(last, match.index)));
        var href = safeUrl(match[0]);
        parent.appendChild(href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [match[0]])
                                : document.createTextNode(match[0]));
        last = match.index + match[0].length;
      }
      parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  // Buttons belong to the newest bot message that offered them, until the customer answers.
  function renderQuickReplies() {
    quick.textContent = "";
    var offer = null;
    for (var i = state.messages.length - 1; i >= 0; i--) {
      var m = state.messages[i];
      if (m.from === "user") break;
      if (m.buttons && m.buttons.length) { offer = m; break; }
    }
    quick.hidden = !offer;
    if (!offer) return;
    offer.buttons.forEach(function (b) {
      var button = el("button", { type: "button", class: "cs-chip" }, [b.title]);
      button.addEventListener("click", function () { send(b.payload, b.title); input.focus(); });
      quick.appendChild(button);
    });
  }

  function add(m) {
    m.id = nextId++;
    state.messages.push(m);
    if (state.messages.length > KEEP_MESSAGES) state.messages.splice(0, state.messages.length - KEEP_MESSAGES);
    var empty = log.querySelector(".cs-empty");
    if (empty) empty.remove();
    log.appendChild(messageView(m));
    renderQuickReplies();
    saveState();
    scrollDown();
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function showTyping(on) {
    clearTimeout(typingTimer);
    typing.textContent = "";
    typing.classList.toggle("cs-on", on);
    if (!on) return;
    typing.appendChild(el("span", { class: "cs-dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]));
    typing.appendChild(el("span", { class: "cs-typing-text" }, ["客服正在输入…"]));
    typingTimer = setTimeout(function () { showTyping(false); }, TYPING_TIMEOUT_MS);
  }

  function setConnection(next) {
    connection = next;
    root.setAttribute("data-state", next);
    status.textContent = { idle: "在线服务", connecting: "正在连接…", online: "在线", offline: "离线，正在重新连接…" }[next];
    banner.hidden = next !== "offline";
    banner.textContent = next === "offline"
      ? "网络连接已断开，正在尝试重新连接。您输入的消息会在连接恢复后自动发送。" : "";
    if (next === "offline") showTyping(false);
  }

  function bannerError(text) {
    setConnection("offline");
    banner.textContent = text;
  }

  // ---- conversation ------------------------------------------------------------------------------
  function send(message, shown) {
    message = String(message || "").trim();
    if (!message) return;
    var entry = { from: "user", text: shown || message, pending: true, ts: Date.now() };
    if (shown) entry.payload = message;
    add(entry);
    connect();
    flush();
  }

  // Only after session_confirm: replies go to the session's room, which this socket has joined by then.
  function flush() {
    if (!ready) return;
    var sent = false;
    state.messages.forEach(function (m) {
      if (!m.pending) return;
      socket.emit("user_uttered", {
        message: m.payload || m.text, session_id: state.sessionId,
        metadata: { page: location.origin + location.pathname, widget: "web" }, // no query string: it may carry tokens
      });
      delete m.pending;
      var marker = log.querySelector('[data-id="' + m.id + '"] .cs-pending');
      if (marker) marker.remove();
      sent = true;
    });
    if (sent) { saveState(); showTyping(true); }
  }

  function receive(msg) {
    if (!msg || typeof msg !== "object") return;
    var entry = { from: "bot", ts: Date.now() };
    if (typeof msg.text === "string" && msg.text.trim()) entry.text = msg.text;
    var buttons = msg.quick_replies || msg.buttons;
    if (Array.isArray(buttons)) {
      buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string") return;
        if (b.url) (entry.links = entry.links || []).push({ title: b.title, url: String(b.url) });
        else (entry.buttons = entry.buttons || []).push({ title: b.title, payload: String(b.payload != null ? b.payload : b.title) });
      });
    }
    var att = msg.attachment;
    if (att && att.type === "image" && att.payload && att.payload.src) entry.image = String(att.payload.src);
    else if (typeof msg.image === "string") entry.image = msg.image;
    else if (att && att.payload && (att.payload.src || att.payload.url)) {
      entry.links = (entry.links || []).concat([{ title: att.payload.title || "查看附件", url: String(att.payload.src || att.payload.url) }]);
    }
    if (!entry.text && !entry.image && !entry.buttons && !entry.links) return; // nothing a customer could see
    showTyping(false);
    add(entry);
    if (panel.hidden) { unread++; renderBadge(); }
  }

  function connect() {
    if (socket || connection === "connecting") return;
    setConnection("connecting");
    loadClient(function () {
      socket = io(config.server, {
        path: config.socketPath, transports: ["websocket", "polling"], tryAllTransports: true,
        reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 10000,
      });
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: state.sessionId || null });
      });
      socket.on("session_confirm", function (data) {
        var id = typeof data === "string" ? data : data && data.session_id;
        if (!id) return;
        state.sessionId = id;
        saveState();
        ready = true;
        setConnection("online");
        flush();
      });
      socket.on("bot_uttered", receive);
      socket.on("disconnect", function (reason) {
        ready = false;
        setConnection("offline");
        if (reason === "io server disconnect") socket.connect(); // the server dropped us: come back
      });
      socket.on("connect_error", function () { ready = false; setConnection("offline"); });
    });
  }

  function loadClient(done) {
    var previous = window.io, had = "io" in window;
    var tag = document.createElement("script");
    tag.src = new URL("vendor/socket.io.min.js", script.src).href;
    tag.async = true;
    tag.onload = function () {
      io = window.io;
      if (had) window.io = previous; else delete window.io; // leave the host page's globals as they were
      if (typeof io !== "function") return bannerError("客服组件加载失败，请刷新页面重试。");
      done();
    };
    tag.onerror = function () {
      connection = "idle";
      bannerError("暂时无法加载客服组件，请检查网络后刷新页面。");
    };
    document.head.appendChild(tag);
  }

  // The browser knows before socket.io's heartbeat does; reconnect at once when it is back.
  window.addEventListener("offline", function () {
    if (!socket) return;
    ready = false;
    setConnection("offline");
    socket.io.engine && socket.io.engine.close();
  });
  window.addEventListener("online", function () {
    if (socket && !socket.connected) socket.disconnect().connect();
  });

  // ---- opening, closing, keyboard ---------------------------------------------------------------
  function open() {
    panel.hidden = false;
    root.classList.add("cs-open");
    launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    renderBadge();
    state.open = true;
    saveState();
    connect();
    scrollDown();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("cs-open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  function renderBadge() {
    badge.hidden = !unread;
    badge.textContent = unread > 99 ? "99+" : String(unread);
    launcher.setAttribute("aria-label", config.title + (unread ? "（" + unread + " 条新消息）" : ""));
  }

  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); close(); }
  });
  input.addEventListener("keydown", function (e) {
    // Enter while an IME is composing Chinese picks a candidate; it must not send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : submit();
    }
  });
  input.addEventListener("input", grow);
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });

  function submit() {
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    grow();
    send(text);
  }

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  // ---- storage and helpers ----------------------------------------------------------------------
  function usableStorage() {
    try {
      localStorage.setItem(STORE_KEY + ":probe", "1");
      localStorage.removeItem(STORE_KEY + ":probe");
      return localStorage;
    } catch (e) {
      return null; // storage blocked: the widget still works, the conversation just ends with the page
    }
  }

  function loadState() {
    var empty = { sessionId: null, messages: [], open: false };
    try {
      var saved = store && JSON.parse(store.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.messages)) return { sessionId: saved.sessionId || null, messages: saved.messages, open: !!saved.open };
    } catch (e) { /* a corrupt entry starts a fresh conversation */ }
    return empty;
  }

  function saveState() {
    if (!store) return;
    var keep = state.messages.map(function (m) {
      var copy = {};
      for (var k in m) if (k !== "id") copy[k] = m[k];
      return copy;
    });
    try {
      store.setItem(STORE_KEY, JSON.stringify({ sessionId: state.sessionId, messages: keep, open: state.open }));
    } catch (e) { /* quota: keep going in memory */ }
  }

  function safeUrl(value) {
    try {
      var url = new URL(value, location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z");
    svg.appendChild(path);
    return svg;
  }

  function lastScript(name) {
    var all = document.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) if ((all[i].src || "").indexOf(name) !== -1) return all[i];
    return all[all.length - 1];
  }

  // ---- start -------------------------------------------------------------------------------------
  function start() {
    renderAll(); // before the log is in the page, so screen readers do not read the old transcript out
    document.body.appendChild(host);
    if (state.messages.some(function (m) { return m.pending; }) || state.sessionId) connect();
    if (state.open) { // it was open before the reload: stay open, without taking the page's focus
      connect();
      panel.hidden = false;
      root.classList.add("cs-open");
      launcher.setAttribute("aria-expanded", "true");
    }
  }

  window.CSWidget = {
    open: open,
    close: close,
    send: function (text) { send(text); },
    sessionId: function () { return state.sessionId; },
    connection: function () { return connection; },
  };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
