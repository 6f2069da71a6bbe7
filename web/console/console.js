/* 坐席工作台 (agent console): queue of hand-overs, live chat with the customer, supervisor view.
 * Plain JS, no build. Every text from the server or a customer goes into the page through
 * textContent (the el() helper), never innerHTML.
 *
 * Polling, not push: the queue is fetched every 4 s and an open chat every 2 s. A few agents make
 * a few light requests a second, and the chat poll is what copies the customer's new messages
 * from Rasa's tracker into the transcript (POST /handovers/{id}/sync) — no loop runs in Rasa.
 */
(() => {
  "use strict";

  const API = "/api/v1";
  const QUEUE_EVERY_MS = 4000;
  const CHAT_EVERY_MS = 2000;
  const CASES_EVERY_MS = 30000;
  const SUPERVISOR_EVERY_MS = 15000;
  const TOKEN_KEY = "console.token";
  const USER_KEY = "console.user";
  const SUPERVISING = new Set(["supervisor", "admin"]);

  const REASONS = {
    requested: "客户要求转人工",
    fallback: "机器人多次未能理解",
    verification_failed: "身份验证未通过",
    high_risk: "高风险投诉（监管/媒体/诉讼）",
    other: "其他原因",
  };
  const STATUSES = { waiting: "等待接入", active: "接待中", closed: "已结束" };
  const OUTCOMES = { handed_back: "已交还机器人", resolved: "已解决", abandoned: "客户已离开" };
  const SENDERS = { customer: "客户", bot: "智能助手", agent: "坐席" };
  const CASE_TYPES = { claim: "理赔", complaint: "投诉", appointment: "预约", data_request: "个人信息申请", policy: "保单" };
  const TARGET_STATES = { running: "进行中", warning: "即将超时", breached: "已超时", met: "已达成", met_late: "超时后达成", paused: "已暂停" };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    user: JSON.parse(sessionStorage.getItem(USER_KEY) || "null"),
    queue: [],
    queueFetchedAt: 0,
    chatId: null,
    chat: null, // the open hand-over (summary)
    lines: new Map(), // message id -> message
    lastId: 0,
    cases: [],
    timers: [],
    busy: false,
  };

  // --- small helpers ------------------------------------------------------------------------

  /** Create an element; string children become text nodes (never parsed as HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const timeFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
  const clockFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  const when = (iso) => (iso ? timeFmt.format(new Date(iso)) : "—");

  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d) return `${d}天${h}小时`;
    if (h) return `${h}小时${m}分`;
    if (m) return `${m}分${s % 60}秒`;
    return `${s}秒`;
  }

  function percent(value) {
    return value === null || value === undefined ? "暂无数据" : `${(value * 100).toFixed(1)}%`;
  }

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  /** Call the backend; errors carry the server's Chinese message. 401 sends the agent back to login. */
  async function api(path, { method = "GET", body, form } = {}) {
    const headers = {};
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    let payload;
    if (form) payload = new URLSearchParams(form);
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    let response;
    try {
      response = await fetch(API + path, { method, headers, body: payload });
    } catch (err) {
      throw new ApiError(0, "无法连接服务器，请检查网络后重试");
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && data.detail;
      const message = (detail && (detail.message || (typeof detail === "string" && detail))) || `请求失败（${response.status}）`;
      if (response.status === 401 && state.token && path !== "/auth/token") {
        logout("登录已过期，请重新登录。");
      }
      throw new ApiError(response.status, message);
    }
    return data;
  }

  function every(ms, fn) {
    const id = setInterval(() => { if (!document.hidden) fn(); }, ms);
    state.timers.push(id);
  }

  // --- login ---------------------------------------------------------------------------------

  async function login(event) {
    event.preventDefault();
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    $("login-error").textContent = "";
    if (!username || !password) {
      $("login-error").textContent = "请输入用户名和密码。";
      return;
    }
    $("login-submit").disabled = true;
    try {
      const out = await api("/auth/token", { method: "POST", form: { username, password } });
      state.token = out.access_token;
      state.user = { username, role: out.role, name: out.full_name };
      sessionStorage.setItem(TOKEN_KEY, state.token);
      sessionStorage.setItem(USER_KEY, JSON.stringify(state.user));
      $("login-password").value = "";
      start();
    } catch (err) {
      $("login-error").textContent = err.message;
    } finally {
      $("login-submit").disabled = false;
    }
  }

  function logout(message) {
    state.timers.forEach(clearInterval);
    state.timers = [];
    state.token = null;
    state.user = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    closeChat();
    $("work-view").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    $("login-error").textContent = message || "";
    $("login-username").focus();
  }

  function start() {
    const supervising = SUPERVISING.has(state.user.role);
    $("login-view").hidden = true;
    $("work-view").hidden = false;
    $("who").hidden = false;
    $("who-name").textContent = `${state.user.name || state.user.username}（${state.user.username}）`;
    $("tab-supervisor").hidden = !supervising;
    showTab("queue");
    loadHours();
    loadQueue();
    every(QUEUE_EVERY_MS, loadQueue);
    every(CHAT_EVERY_MS, syncChat);
    every(1000, tick);
    every(CASES_EVERY_MS, loadCases);
    every(60000, loadHours);
    if (supervising) every(SUPERVISOR_EVERY_MS, () => { if (!$("supervisor-view").hidden) loadSupervisor(); });
  }

  // --- service hours ------------------------------------------------------------------------

  async function loadHours() {
    try {
      const h = await api("/service-hours");
      const span = `${h.agent_hours.start}–${h.agent_hours.end}${h.agent_hours.working_days_only ? "（法定工作日）" : "（每天）"}`;
      $("hours").textContent = h.agents_available_now
        ? `人工服务时间 ${span} · 当前为人工服务时间`
        : `人工服务时间 ${span} · 当前为非工作时间，智能助手继续服务并提供预约回访；下次人工服务：${when(h.next_agent_opening)}`;
    } catch (err) {
      $("hours").textContent = "";
    }
  }

  // --- the queue ----------------------------------------------------------------------------

  async function loadQueue() {
    if (!state.token) return;
    try {
      state.queue = await api("/handovers");
      state.queueFetchedAt = Date.now();
      $("queue-notice").textContent = "";
      renderQueue();
    } catch (err) {
      if (err.status !== 401) $("queue-notice").textContent = `队列刷新失败：${err.message}（显示的是上次的数据）`;
    }
  }

  function waitedSeconds(h) {
    const extra = h.status === "waiting" ? (Date.now() - state.queueFetchedAt) / 1000 : 0;
    return h.waiting_seconds + extra;
  }

  function pickupBadges(h) {
    const badges = [];
    if (h.pickup_overdue) badges.push(el("span", { class: "badge red" }, h.status === "waiting" ? "超时未接入" : "接入超时"));
    else if (h.pickup_state === "warning") badges.push(el("span", { class: "badge amber" }, "即将超时"));
    if (h.outside_agent_hours) badges.push(el("span", { class: "badge" }, "非工作时间转入"));
    return badges;
  }

  function renderQueue() {
    const body = $("queue-body");
    const rows = state.queue.map((h) => {
      const mine = h.agent === state.user.username;
      const status = h.status === "active" ? `${STATUSES.active}（${mine ? "我" : h.agent}）` : STATUSES[h.status];
      const open = () => openChat(h.id);
      const last = h.last_message ? `${SENDERS[h.last_message.sender]}：${h.last_message.text}` : "—";
      return el(
        "tr",
        {
          "data-id": h.id,
          "data-conversation": h.conversation_id,
          "data-status": h.status,
          class: [h.pickup_overdue ? "overdue" : "", h.id === state.chatId ? "selected" : ""].join(" ").trim(),
          onclick: open,
        },
        el("td", {},
          el("button", { type: "button", class: "open-chat", "aria-label": `查看会话 ${h.id}`, onclick: (e) => { e.stopPropagation(); open(); } }, `#${h.id}`),
          el("div", {}, h.customer_name || "未留姓名"),
          el("span", { class: "badge blue" }, channelName(h.channel))),
        el("td", {}, REASONS[h.reason] || h.reason, h.summary ? el("div", { class: "preview" }, h.summary) : null),
        el("td", {}, status),
        el("td", { class: "waited" }, duration(waitedSeconds(h)), el("div", {}, pickupBadges(h))),
        el("td", { class: "preview" }, last),
        el("td", {}, h.case_numbers.length ? h.case_numbers.join("、") : "—"),
      );
    });
    body.replaceChildren(...rows);
    $("queue-empty").hidden = rows.length > 0;
    const waiting = state.queue.filter((h) => h.status === "waiting").length;
    $("queue-count").textContent = `（等待 ${waiting}，接待中 ${state.queue.length - waiting}）`;
  }

  function channelName(channel) {
    return { socketio: "网页聊天", rest: "REST 接口", wechat: "微信" }[channel] || channel;
  }

  /** Once a second: waiting times in the queue and SLA countdowns beside the chat. */
  function tick() {
    for (const row of $("queue-body").children) {
      const h = state.queue.find((x) => String(x.id) === row.dataset.id);
      const cell = row.querySelector(".waited");
      if (h && cell && h.status === "waiting") cell.firstChild.textContent = duration(waitedSeconds(h));
    }
    for (const node of document.querySelectorAll(".countdown[data-due]")) {
      node.textContent = countdownText(node.dataset.due, node.dataset.state);
    }
  }

  // --- one chat -----------------------------------------------------------------------------

  async function openChat(id) {
    if (state.chatId !== id) {
      state.chatId = id;
      state.chat = null;
      state.lines = new Map();
      state.lastId = 0;
      state.cases = [];
      $("reply-text").value = "";
      $("chat-error").textContent = "";
      $("chat-notice").textContent = "";
      $("transcript").replaceChildren();
      $("cases").replaceChildren();
    }
    $("chat").hidden = false;
    renderQueue();
    await syncChat();
    loadCases();
    $("chat-title").focus?.();
  }

  function closeChat() {
    state.chatId = null;
    state.chat = null;
    $("chat").hidden = true;
  }

  /** Poll the open chat: pulls the customer's new lines from Rasa; on failure shows stale data + a notice. */
  async function syncChat() {
    const id = state.chatId;
    if (!id || !state.token) return;
    try {
      const update = await api(`/handovers/${id}/sync?after=${state.lastId}`, { method: "POST" });
      if (id !== state.chatId) return;
      state.chat = update.handover;
      addLines(update.transcript);
      $("chat-notice").textContent = update.notice || "";
      renderChat();
    } catch (err) {
      if (id === state.chatId && err.status !== 401) {
        $("chat-notice").textContent = `会话刷新失败：${err.message}（显示的是上次的数据）`;
      }
    }
  }

  function addLines(lines) {
    let added = false;
    for (const line of lines) {
      if (!state.lines.has(line.id)) { state.lines.set(line.id, line); added = true; }
      state.lastId = Math.max(state.lastId, line.id);
    }
    if (added) renderTranscript();
  }

  function renderTranscript() {
    const box = $("transcript");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    // Lines copied from Rasa may be older than an agent line stored before them: order by time.
    const lines = [...state.lines.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
    box.replaceChildren(...lines.map((m) => el("li", { class: `line ${m.sender}`, "data-id": m.id, "data-sender": m.sender },
      el("div", { class: "who-said" }, `${SENDERS[m.sender] || m.sender} · ${clockFmt.format(new Date(m.at))}`),
      el("span", { class: "text" }, m.text))));
    if (atBottom || lines.length <= 1) box.scrollTop = box.scrollHeight;
  }

  function canHandle(h) {
    if (!h || h.status === "closed") return false;
    return h.status === "waiting" || h.agent === state.user.username || SUPERVISING.has(state.user.role);
  }

  function renderChat() {
    const h = state.chat;
    if (!h) return;
    $("chat-title").textContent = `会话 #${h.id} · ${h.customer_name || "未留姓名"}`;
    const parts = [REASONS[h.reason] || h.reason, channelName(h.channel), STATUSES[h.status]];
    if (h.agent) parts.push(`坐席：${h.agent === state.user.username ? "我" : h.agent}`);
    if (h.status === "waiting") parts.push(`已等待 ${duration(h.waiting_seconds)}`);
    if (h.outcome) parts.push(OUTCOMES[h.outcome] || h.outcome);
    $("chat-meta").textContent = parts.join(" · ");

    const held = h.status === "active" && (h.agent === state.user.username || SUPERVISING.has(state.user.role));
    $("take").hidden = h.status !== "waiting";
    $("take").disabled = state.busy || h.status !== "waiting";
    for (const id of ["release", "close", "close-outcome"]) $(id).disabled = state.busy || !canHandle(h);
    $("reply-text").disabled = !held;
    $("reply-send").disabled = state.busy || !held;
    $("reply-hint").textContent = held
      ? "按 Enter 发送，Shift + Enter 换行。"
      : h.status === "waiting" ? "请先接入会话再回复。"
      : h.status === "closed" ? "会话已结束。" : `该会话由坐席 ${h.agent} 接待中。`;
    if (h.channel === "rest" && held) {
      $("reply-hint").textContent += " 该客户使用 REST 接口，回复只会记入会话，无法主动推送。";
    }
  }

  async function act(run) {
    if (state.busy) return;
    state.busy = true;
    $("chat-error").textContent = "";
    renderChat();
    try {
      await run();
    } catch (err) {
      if (err.status !== 401) $("chat-error").textContent = err.message;
    } finally {
      state.busy = false;
      renderChat();
      loadQueue();
    }
  }

  function take() {
    return act(async () => {
      try {
        state.chat = await api(`/handovers/${state.chatId}/take`, { method: "POST" });
      } catch (err) {
        if (err.status === 409) err.message = err.message.includes("已被其他坐席接入") ? err.message : `该会话已被其他坐席接入：${err.message}`;
        await syncChat();
        throw err;
      }
      await syncChat();
      $("reply-text").focus();
    });
  }

  function send(event) {
    if (event) event.preventDefault();
    const box = $("reply-text");
    const text = box.value.trim();
    if (!text || $("reply-send").disabled) return;
    return act(async () => {
      try {
        const line = await api(`/handovers/${state.chatId}/messages`, { method: "POST", body: { sender: "agent", text } });
        if (box.value.trim() === text) box.value = "";
        addLines([line]);
      } catch (err) {
        // The text stays in the box so the agent can send it again.
        err.message = `发送失败：${err.message}。消息已保留在输入框，可稍后重试。`;
        throw err;
      }
      box.focus();
    });
  }

  function finish(kind) {
    const path = kind === "release" ? "release" : "close";
    const body = kind === "release" ? undefined : { outcome: $("close-outcome").value };
    return act(async () => {
      state.chat = await api(`/handovers/${state.chatId}/${path}`, { method: "POST", body });
      $("chat-notice").textContent = kind === "release" ? "已交还机器人，智能助手将继续为客户服务。" : "会话已结束。";
    });
  }

  function onReplyKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  }

  // --- the customer's cases -------------------------------------------------------------------

  async function loadCases() {
    const id = state.chatId;
    if (!id || !state.token) return;
    try {
      const cases = await api(`/handovers/${id}/cases`);
      if (id !== state.chatId) return;
      state.cases = cases;
      $("cases-notice").textContent = "";
      renderCases();
    } catch (err) {
      if (id === state.chatId && err.status !== 401) $("cases-notice").textContent = `案件信息加载失败：${err.message}`;
    }
  }

  function countdownText(due, targetState) {
    if (targetState === "met") return "已达成";
    if (targetState === "met_late") return "超时后达成";
    if (targetState === "paused") return "计时暂停";
    const left = (new Date(due) - Date.now()) / 1000;
    return left >= 0 ? `剩余 ${duration(left)}` : `已超时 ${duration(-left)}`;
  }

  function renderCases() {
    const items = state.cases.map((c) => {
      const title = el("div", {}, el("span", { class: "num" }, c.number), " ", el("span", { class: "badge blue" }, CASE_TYPES[c.case_type] || c.case_type));
      if (!c.found) return el("li", { class: "case", "data-number": c.number }, title, el("div", { class: "hint" }, "系统中未找到该编号"));
      const facts = [c.state, c.detail, c.handler ? `处理人：${c.handler}` : null].filter(Boolean).join(" · ");
      const flags = [];
      if (c.escalation_level) flags.push(el("span", { class: "badge red" }, `已升级 ${c.escalation_level} 级`));
      if (c.urge_count) flags.push(el("span", { class: "badge amber" }, `催办 ${c.urge_count} 次`));
      const targets = c.sla.map((t) => el("li", {},
        `${t.label}：${when(t.due_at)} `,
        el("span", { class: `countdown ${t.state}`, "data-due": t.due_at, "data-state": t.state }, countdownText(t.due_at, t.state))));
      return el("li", { class: "case", "data-number": c.number }, title, el("div", {}, facts), flags.length ? el("div", {}, flags) : null,
        targets.length ? el("ul", { "aria-label": `${c.number} 的时限` }, targets) : null);
    });
    $("cases").replaceChildren(...items);
    if (!items.length) $("cases").replaceChildren(el("li", { class: "hint" }, "该客户暂无关联案件。"));
  }

  // --- supervisor view ------------------------------------------------------------------------

  async function loadSupervisor() {
    const notices = [];
    const [kpis, queue] = await Promise.all([
      api("/kpis").catch((err) => { notices.push(`指标加载失败：${err.message}`); return null; }),
      api("/queue/supervisor").catch((err) => { notices.push(`案件队列加载失败：${err.message}`); return null; }),
    ]);
    $("supervisor-notice").textContent = notices.join("；");
    if (kpis) renderKpis(kpis);
    if (queue) renderEscalations(queue);
  }

  const SLA_KINDS = { claims: "理赔", complaints: "投诉", data_requests: "个人信息申请" };

  function renderKpis(k) {
    const minutes = (v) => (v === null || v === undefined ? "暂无数据" : `${v} 分钟`);
    const items = [
      ["SLA 达成率", percent(k.sla_compliance_rate), `已判定 ${k.sla_targets_decided} 项`],
      ...Object.entries(SLA_KINDS).map(([kind, label]) =>
        [`${label} SLA 达成率`, percent(k.sla_compliance_by_type?.[kind])]),
      ["投诉首次响应（中位数）", minutes(k.median_first_response_minutes?.complaints)],
      ["转人工接入（中位数）", minutes(k.median_first_response_minutes?.handovers)],
      ["投诉结案率", percent(k.complaint_closure_rate), `投诉 ${k.complaints} 件`],
      ["理赔案件数", String(k.claims)],
      ["个人信息申请", String(k.data_requests), `未办结 ${k.data_requests_open} 件`],
      ["客户满意度", k.csat_average === null ? "暂无数据" : `${k.csat_average} / 5`, `${k.csat_responses} 份评价`],
    ];
    $("kpis").replaceChildren(...items.map(([label, value, note]) =>
      el("div", {}, el("dt", {}, label), el("dd", {}, value), note ? el("dd", { class: "hint" }, note) : null)));
  }

  function renderEscalations(rows) {
    $("escalations-body").replaceChildren(...rows.map((r) => el("tr", { "data-number": r.number },
      el("td", {}, r.number),
      el("td", {}, CASE_TYPES[r.case_type] || r.case_type),
      el("td", {}, r.state || "—"),
      el("td", {}, r.escalation_level ? el("span", { class: "badge red" }, `${r.escalation_level} 级`) : "—"),
      el("td", {}, String(r.urge_count || 0)),
      el("td", {}, r.handler || "未分配"),
      el("td", {}, r.targets.length ? r.targets.map((t) => el("div", {},
        `${t.label}：`, el("span", { class: `countdown ${t.state}`, "data-due": t.due_at, "data-state": t.state }, countdownText(t.due_at, t.state)))) : "—"),
    )));
    $("escalations-empty").hidden = rows.length > 0;
  }

  function showTab(name) {
    const supervisor = name === "supervisor";
    $("queue-view").hidden = supervisor;
    $("supervisor-view").hidden = !supervisor;
    $("tab-queue").setAttribute("aria-pressed", String(!supervisor));
    $("tab-supervisor").setAttribute("aria-pressed", String(supervisor));
    if (supervisor) loadSupervisor();
  }

  // --- wiring -------------------------------------------------------------------------------

  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", () => logout("已退出登录。"));
  $("take").addEventListener("click", take);
  $("release").addEventListener("click", () => finish("release"));
  $("close").addEventListener("click", () => finish("close"));
  $("reply-form").addEventListener("submit", send);
  $("reply-text").addEventListener("keydown", onReplyKey);
  $("tab-queue").addEventListener("click", () => showTab("queue"));
  $("tab-supervisor").addEventListener("click", () => showTab("supervisor"));

  if (state.token && state.user) start();
  else $("login-username").focus();
})();
