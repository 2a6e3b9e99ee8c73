// The dashboard page: token, place picker, data from /dashboard/api, live updates via SSE.
// Paths are relative to the page (dashboard/api/…), so it also works behind the portal's
// /api/evaluation prefix. The page never reloads itself: every event on the stream redraws what changed.
"use strict";

(function () {
  const LEVELS = ["city", "district", "street", "community"];
  const TOKEN_KEY = "gongjian.dashboard.token";
  const $ = (id) => document.getElementById(id);
  const state = { token: null, roots: [], nodes: {}, place: null, overview: null, source: null,
    live: 0, titles: {}, alerts: [], leaderTab: "hours", refreshTimer: null, followTimer: null };
  GJ.state = state;
  // Set once when the page loads; the browser test checks it never changes (no reload).
  window.__gjLoadedAt = window.__gjLoadedAt || Date.now();

  // ---- token -------------------------------------------------------------------------
  function takeToken() {
    const url = new URL(location.href);
    const fromUrl = url.searchParams.get("token");
    if (fromUrl) {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      url.searchParams.delete("token");  // do not leave it in the address bar or history
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function showLogin(message) {
    $("board").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
  }

  async function api(path) {
    const r = await fetch(path, { headers: { Authorization: `Bearer ${state.token}` } });
    if (r.status === 401) { showLogin("令牌无效或已过期，请重新输入。"); throw new Error("401"); }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(body.detail || r.statusText); e.status = r.status; throw e; }
    return body;
  }

  // ---- place picker -------------------------------------------------------------------
  function index(node, parent) {
    state.nodes[node.id] = { ...node, parent };
    (node.children || []).forEach((c) => index(c, node.id));
  }

  function chain(id) {
    const out = [];
    for (let n = state.nodes[id]; n; n = state.nodes[n.parent]) out.unshift(n);
    return out;
  }

  function fillPicker() {
    const picked = state.place ? chain(state.place) : [];
    LEVELS.forEach((kind, level) => {
      const select = $(`pick-${kind}`);
      const above = picked.find((n) => LEVELS.indexOf(n.kind) === level - 1);
      let options = state.roots.filter((r) => r.kind === kind);
      if (!options.length && above) options = (state.nodes[above.id].children || []).filter((c) => c.kind === kind);
      const chosen = picked.find((n) => n.kind === kind);
      select.innerHTML = "";
      const all = document.createElement("option");
      all.value = "";
      all.textContent = options.length ? "— 全部 —" : "—";
      select.appendChild(all);
      options.forEach((o) => {
        const opt = document.createElement("option");
        opt.value = o.id;
        opt.textContent = o.name;
        opt.selected = chosen && chosen.id === o.id;
        select.appendChild(opt);
      });
      select.disabled = !options.length;
    });
  }

  function onPick(event) {
    const level = Number(event.target.dataset.level);
    let id = event.target.value;
    if (!id) {  // "all": go back up to the level above
      const above = LEVELS.slice(0, level).reverse().map((k) => $(`pick-${k}`).value).find((v) => v);
      id = above || (state.roots[0] && state.roots[0].id);
    }
    if (id) select(id);
  }

  function select(id) {
    state.place = id;
    history.replaceState(null, "", `${location.pathname}${location.search}#place=${encodeURIComponent(id)}`);
    fillPicker();
    state.alerts = [];
    $("feed").innerHTML = "";
    refresh();
    connect();
  }

  // ---- data ---------------------------------------------------------------------------
  async function refresh() {
    if (!state.place) return;
    const place = state.place;
    try {
      const month = state.tisMonth ? `&month=${encodeURIComponent(state.tisMonth)}` : "";
      const ov = await api(`dashboard/api/overview?place=${encodeURIComponent(place)}${month}`);
      if (place !== state.place) return;  // the user picked another place meanwhile
      state.overview = ov;
      $("board-error").hidden = true;
      GJ.render(ov);
    } catch (e) {
      if (e.status) { $("board-error").textContent = e.message; $("board-error").hidden = false; }
    }
  }

  function scheduleRefresh() {
    // Coalesce bursts of events; a second pass catches what the server applied a moment later.
    if (!state.refreshTimer) state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, 250);
    clearTimeout(state.followTimer);
    state.followTimer = setTimeout(refresh, 1200);
  }

  // ---- live stream --------------------------------------------------------------------
  function setLive(on, text) {
    $("live-dot").className = `dot ${on ? "on" : "off"}`;
    $("live-state").textContent = text;
  }

  function onEvent(message) {
    const ev = JSON.parse(message.data);
    const type = ev.type.replace(/^gongjian\./, "");
    if (ev.data && ev.data.title && ev.data.demand_id) state.titles[ev.data.demand_id] = ev.data.title;
    if (state.caughtUp) {  // replayed history is shown, not counted
      state.live += 1;
      $("live-count").textContent = String(state.live);
    }
    if (type.startsWith("alert.")) state.alerts.unshift(ev);
    if (type !== "stats.snapshot") {
      const feed = $("feed");
      feed.insertBefore(GJ.li([[GJ.clock(ev.time), "t"], [GJ.describeEvent(ev)]]),
        feed.firstChild);
      while (feed.children.length > 60) feed.removeChild(feed.lastChild);
    }
    scheduleRefresh();
  }

  function connect() {
    if (state.source) state.source.close();
    const params = new URLSearchParams({ place: state.place, token: state.token, last: "20" });
    // The browser resends Last-Event-ID by itself when it reconnects: nothing retained is missed.
    const source = new EventSource(`dashboard/stream?${params}`);
    state.source = source;
    state.caughtUp = false;
    source.addEventListener("ready", () => setLive(true, "实时"));
    source.addEventListener("live", () => { state.caughtUp = true; });
    source.onmessage = onEvent;
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setLive(false, "连接已断开（无权限或令牌失效）");
      else setLive(false, "重连中…");
    };
  }

  // ---- glossary: the same words as the reports (GET /glossary) ------------------------
  function showGlossary(body) {
    const list = $("glossary-list");
    list.replaceChildren();
    body.figures.forEach((f) => {
      const dt = document.createElement("dt");
      dt.textContent = `${f.label}（${f.unit}）`;
      const dd = document.createElement("dd");
      dd.textContent = f.meaning;
      list.append(dt, dd);
    });
    $("glossary").hidden = false;
  }

  // ---- start --------------------------------------------------------------------------
  async function start() {
    state.token = takeToken();
    if (!state.token) return showLogin();
    $("login").hidden = true;
    $("board").hidden = false;
    let places;
    try {
      places = await api("dashboard/api/places");
    } catch (e) {
      if (e.status) showLogin(e.message);
      return;
    }
    api("glossary").then(showGlossary).catch(() => {});
    state.roots = places.roots;
    state.nodes = {};
    state.roots.forEach((r) => index(r, null));
    if (!state.roots.length) {
      $("board-error").textContent = "暂无可查看的地点 (no places yet)";
      $("board-error").hidden = false;
      return;
    }
    const wanted = decodeURIComponent((location.hash.match(/place=([^&]+)/) || [])[1] || "");
    select(state.nodes[wanted] ? wanted : state.roots[0].id);
  }

  GJ.refresh = refresh;
  LEVELS.forEach((k) => $(`pick-${k}`).addEventListener("change", onPick));
  $("token-save").addEventListener("click", () => {
    const value = $("token-input").value.trim().replace(/^Bearer\s+/i, "");
    if (value) { sessionStorage.setItem(TOKEN_KEY, value); start(); }
  });
  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    if (state.source) state.source.close();
    showLogin();
  });
  start();
})();
