// The watch page: WebRTC through the SFU first; HLS when WebRTC cannot connect within a few seconds (or with
// ?hls=1); live badge, viewers, latency, chat, reactions, the featured item and the ended state.
// The player itself is the SDK's (/sdk/player.js), as on the embed page and integrators' pages.
import { api, auth, clientConfig, signInDev, el, formatCount } from "./api.js";
import { connect } from "/sdk/socketio.js";
import { Player, QUALITIES } from "/sdk/player.js";
import { mountChat, floatReaction } from "./chat.js";

const $ = (id) => document.getElementById(id);
const streamId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const forceHls = new URLSearchParams(location.search).get("hls") === "1";
// window.watch: what tests and people debugging read; the media fields are the player's own
// (player, pc and hls stay out of JSON.stringify(window.watch), which tests print when they fail)
const state = (window.watch = { streamId, ended: false, viewerCount: 0, errors: [] });
Object.defineProperty(state, "player", { enumerable: false, writable: true, value: null });
const PLAYER_FIELDS = { transport: null, pc: null, hls: null, latencyMs: null, iceRestarts: 0, iceRestartsSucceeded: 0, recoveries: 0, quality: "auto", height: 0, reconnects: 0, rejoins: 0, interrupted: false };
for (const [key, before] of Object.entries(PLAYER_FIELDS)) {
  Object.defineProperty(state, key, { enumerable: key !== "pc" && key !== "hls", get: () => (state.player ? state.player[key] : before) });
}

function overlay(text, html) {
  $("overlay").hidden = !text && !html;
  if (html) $("overlay-text").replaceChildren(html); else $("overlay-text").textContent = text ?? "";
}
function setViewers(n) { state.viewerCount = n; $("viewers").textContent = formatCount(n) + " watching"; }

async function showEnded() {
  if (state.endedShown) return;
  state.endedShown = true;
  state.ended = true;
  state.player?.end();
  $("live-badge").textContent = "ENDED";
  $("live-badge").classList.remove("live");
  const box = el("div", {}, el("p", {}, "This stream has ended."));
  overlay(null, box);
  // a recording is finalised a few seconds after the end: offer it as soon as it is ready
  const note = el("p", { class: "meta" });
  for (let i = 0; i < 60; i++) {
    let recs;
    try { recs = await api(`/streams/${encodeURIComponent(streamId)}/recordings`); } catch { return; }
    if (!recs.items.length) return; // this stream was not recorded
    const ready = recs.items.find((r) => r.status === "ready");
    if (ready) {
      note.remove();
      box.append(el("a", { class: "button primary", href: ready.urls.page, id: "recording-link" }, "Watch the recording"));
      return;
    }
    if (recs.items.every((r) => r.status === "failed")) { note.textContent = "The recording failed."; box.append(note); return; }
    note.textContent = "Preparing the recording…";
    if (!note.isConnected) box.append(note);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

// what the quality menu offers: in WebRTC the SFU's simulcast layers, in HLS the renditions
const QUALITY_LABELS = { auto: "Auto", high: "High", medium: "Medium", low: "Low" };

function qualityMenu(player) {
  const select = $("levels");
  if (player.transport === "webrtc" && player.layers === 1) { select.hidden = true; return; } // nothing to choose
  if (player.transport === "webrtc") {
    select.replaceChildren(...QUALITIES.map((q) => el("option", { value: q }, QUALITY_LABELS[q])));
    select.value = player.quality;
  } else {
    select.replaceChildren(el("option", { value: "-1" }, "Auto"), ...player.levels().map((l) => el("option", { value: String(l.index) }, `${l.height}p`)));
  }
  select.hidden = false;
}

function wirePlayer(player) {
  player.addEventListener("transport", (e) => {
    $("transport").textContent = e.detail.transport === "webrtc" ? "WebRTC" : "HLS";
    if (e.detail.transport === "webrtc") qualityMenu(player);
  });
  player.addEventListener("levels", () => qualityMenu(player));
  player.addEventListener("reconnecting", (e) => overlay(e.detail.how === "interrupted"
    ? "The broadcast was interrupted; waiting for it to come back…" : "Reconnecting…"));
  player.addEventListener("interrupted", () => overlay("The broadcast was interrupted; waiting for it to come back…"));
  player.addEventListener("playing", () => { if (!state.ended) overlay(null); });
  player.addEventListener("error", (e) => { if (player.transport === "hls") overlay(e.detail.message); });
  player.addEventListener("ended", () => showEnded());
  // the layer actually received: the decoded picture's height, beside the choice
  player.addEventListener("quality", (e) => {
    $("received").textContent = e.detail.height ? `${e.detail.height}p` : "";
    $("received").hidden = !e.detail.height;
  });
  $("levels").addEventListener("change", async () => {
    const v = $("levels").value;
    try {
      if (player.transport === "hls") player.setHlsLevel(Number(v)); else await player.setQuality(v);
    } catch (err) { state.errors.push("quality: " + err.message); }
  });
}

function latencyBadge(player) {
  if (player.latencyMs != null) $("latency").textContent = `${(player.latencyMs / 1000).toFixed(1)} s delay`;
}

function showFeatured(f) {
  if (!f) return;
  state.featuredId = f.id;
  $("featured").hidden = false;
  $("featured-title").textContent = f.title;
  $("featured-price").textContent = f.price != null ? `${f.price} ${f.currency ?? ""}`.trim() : "";
  const img = $("featured-img");
  if (f.imageUrl) { img.src = f.imageUrl; img.hidden = false; } else img.hidden = true;
  const a = $("featured-link");
  if (f.url) { a.href = f.url; a.hidden = false; } else a.hidden = true;
}

// live shopping: the like button and count, the buy link's click-through, and a "sold" pulse on each sale
function setLikes(count, liked) {
  $("like-count").textContent = String(count);
  if (liked !== undefined) {
    state.liked = liked;
    $("like").setAttribute("aria-pressed", String(liked));
    $("like").classList.toggle("on", liked);
  }
}

function wireShopping(socket) {
  const base = `/streams/${encodeURIComponent(streamId)}`;
  api(`${base}/like`).then((l) => setLikes(l.likeCount, l.liked)).catch(() => {});
  $("like").addEventListener("click", async () => {
    if (!auth.token) { state.errors.push("sign in to like"); $("signin-form").hidden = false; return; }
    try {
      const l = await api(`${base}/like`, { method: state.liked ? "DELETE" : "POST" });
      setLikes(l.likeCount, l.liked);
    } catch (e) { state.errors.push(e.code); }
  });
  // counted before the shop opens in its new tab; the link itself works even if the count fails
  $("featured-link").addEventListener("click", () => {
    if (!state.featuredId) return;
    state.clicks = (state.clicks || 0) + 1;
    api(`${base}/featured/${encodeURIComponent(state.featuredId)}/click`, { method: "POST" }).catch((e) => state.errors.push(e.code));
  });
  socket.on("stream:likes", (m) => { if (m.streamId === streamId) setLikes(m.count); });
  socket.on("stream:sale", (m) => {
    if (m.streamId !== streamId) return;
    state.sales = (state.sales || 0) + 1;
    const sold = $("sold");
    sold.textContent = m.quantity > 1 ? `${m.quantity} sold!` : "Sold!";
    sold.hidden = false;
    $("featured").classList.remove("pulse");
    void $("featured").offsetWidth; // restart the animation
    $("featured").classList.add("pulse");
    clearTimeout(state.soldTimer);
    state.soldTimer = setTimeout(() => { sold.hidden = true; $("featured").classList.remove("pulse"); }, 2500);
  });
  socket.on("stream:featured-cleared", (m) => { if (m.streamId === streamId) { state.featuredId = null; $("featured").hidden = true; } });
}

async function main() {
  const cfg = await clientConfig();
  $("whoami").textContent = auth.user?.name ?? "";
  let stream;
  try {
    stream = await api(`/streams/${encodeURIComponent(streamId)}`);
  } catch (e) {
    $("title").textContent = "Stream unavailable";
    overlay(e.code === "FOLLOWERS_ONLY" ? "This stream is for the broadcaster's followers." : e.message);
    return;
  }
  document.title = "Relaycast — " + stream.title;
  $("title").textContent = stream.title;
  $("meta").textContent = [stream.category, ...(stream.tags ?? [])].filter(Boolean).join(" · ");
  setViewers(stream.viewerCount);
  $("unmute").addEventListener("click", () => { $("video").muted = false; $("unmute").hidden = true; });
  api(`/streams/${encodeURIComponent(streamId)}/featured`).then(showFeatured).catch(() => {});

  const socket = connect(cfg.signaling.url, { auth: auth.token ? { token: auth.token } : {} });
  window.watchSocket = socket;
  const player = (state.player = new Player({ video: $("video"), streamId, socket, server: location.origin,
    token: () => auth.token, forceHls, errors: state.errors }));
  wirePlayer(player);
  const chat = mountChat($("chat"), { streamId, socket, canModerate: () => false,
    onReaction: (r) => floatReaction($("reactions"), r) });
  chat.chat.addEventListener("viewers", (e) => setViewers(e.detail.current));
  socket.on("stream:featured", showFeatured);
  wireShopping(socket);
  socket.on("stream:error", (e) => state.errors.push(e.code));
  await new Promise((r) => (socket.connected ? r() : socket.on("connect", r)));
  await socket.request("join-livestream", { streamId }).catch(() => {});
  chat.loadHistory().catch(() => {});
  if (!auth.token && cfg.devMode) {
    $("signin-form").hidden = false;
    $("signin-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      await signInDev($("signin-name").value.trim() || "Viewer");
      location.reload();
    });
  }

  if (stream.status === "ended" || stream.status === "cancelled") { await showEnded(); return; }
  const goingLive = () => {
    $("live-badge").textContent = "LIVE";
    $("live-badge").classList.add("live");
    overlay("Connecting…");
  };
  if (stream.status === "live") goingLive();
  else { $("live-badge").textContent = "SOON"; overlay("This stream has not started yet."); }
  player.addEventListener("live", goingLive);
  setInterval(() => latencyBadge(player), 1000);
  await player.start(stream);
  if (player.transport) overlay(null);
}

main().catch((e) => { state.errors.push(e.message); overlay(e.message); });
