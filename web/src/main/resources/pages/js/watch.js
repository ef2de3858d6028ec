// The watch page: WebRTC through the SFU first; HLS when WebRTC cannot connect within a few seconds (or with
// ?hls=1); live badge, viewers, latency, chat, reactions, the featured item and the ended state.
import { api, auth, clientConfig, signInDev, el, formatCount } from "./api.js";
import { connect } from "./socketio.js";
import { mountChat, floatReaction } from "./chat.js";

const WEBRTC_TIMEOUT_MS = 10000;
// a broken path: wait this long in "disconnected" (it often heals by itself), then restart ICE on the same
// connection; if that has not reconnected within ICE_RESTART_TIMEOUT_MS, join again with a new connection
const DISCONNECTED_GRACE_MS = 3000;
const ICE_RESTART_TIMEOUT_MS = 10000;
const $ = (id) => document.getElementById(id);
const streamId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const forceHls = new URLSearchParams(location.search).get("hls") === "1";
const state = (window.watch = { streamId, transport: null, ended: false, viewerCount: 0, pc: null, hls: null, errors: [], latencyMs: null, iceRestarts: 0, iceRestartsSucceeded: 0, recoveries: 0 });

function overlay(text, html) {
  $("overlay").hidden = !text && !html;
  if (html) $("overlay-text").replaceChildren(html); else $("overlay-text").textContent = text ?? "";
}
function setViewers(n) { state.viewerCount = n; $("viewers").textContent = formatCount(n) + " watching"; }

async function showEnded() {
  state.ended = true;
  state.pc?.close();
  state.hls?.destroy();
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

// One WebRTC attempt at a time; the socket's handlers always talk to the current one.
let attempt = null;

function wireWebRtcSocket(socket) {
  socket.on("stream:ice-candidate:received", async (m) => {
    const a = attempt;
    if (!a) return;
    if (!a.remoteSet) a.pending.push(m.candidate); else await a.pc.addIceCandidate(m.candidate);
  });
  socket.on("stream:offer:received", async (m) => {
    const a = attempt;
    if (!a) return;
    await a.pc.setRemoteDescription(m.offer);
    a.remoteSet = true;
    for (const c of a.pending.splice(0)) await a.pc.addIceCandidate(c);
    await a.pc.setLocalDescription(await a.pc.createAnswer());
    await socket.request("stream:answer", { streamId, answer: { type: "answer", sdp: a.pc.localDescription.sdp } });
  });
}

async function watchWebRtc(socket) {
  attempt?.pc.close();
  const pc = (state.pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" }));
  attempt = { pc, pending: [], remoteSet: false };
  pc.ontrack = (e) => { $("video").srcObject = e.streams[0] || new MediaStream([e.track]); };
  pc.onicecandidate = (e) => { if (e.candidate) socket.emit("stream:ice-candidate", { streamId, candidate: e.candidate.toJSON() }); };
  const ack = await socket.request("stream:join", { streamId });
  if (ack.error) throw new Error(ack.error.message);
  if (ack.iceServers?.length) pc.setConfiguration({ iceServers: ack.iceServers, bundlePolicy: "max-bundle" });
  state.hlsUrl = ack.hls;
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("WebRTC did not connect in time")), WEBRTC_TIMEOUT_MS);
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") { clearTimeout(t); resolve(); }
      if (pc.connectionState === "failed") { clearTimeout(t); reject(new Error("WebRTC failed")); }
    });
  });
  state.transport = "webrtc";
  $("transport").textContent = "WebRTC";
  // a network change (Wi-Fi to mobile) breaks the path: first an ICE restart on this very connection (new ICE
  // credentials, same DTLS and media, RFC 8445 section 9); if that does not reconnect in time, join again with a
  // new connection, no page load; if that does not work either, HLS
  let lost = null;
  let restarting = false;
  pc.addEventListener("connectionstatechange", () => {
    if (state.ended || attempt?.pc !== pc) return;
    if (pc.connectionState === "connected") { clearTimeout(lost); lost = null; return; }
    if (restarting) return;
    if (pc.connectionState === "failed" || (pc.connectionState === "disconnected" && !lost)) {
      clearTimeout(lost);
      lost = setTimeout(async () => {
        lost = null;
        if (state.ended || attempt?.pc !== pc || pc.connectionState === "connected") return;
        restarting = true;
        const ok = await restartIce(socket, pc);
        restarting = false;
        if (!ok && attempt?.pc === pc && !state.ended) recover(socket);
      }, pc.connectionState === "failed" ? 0 : DISCONNECTED_GRACE_MS);
    }
  });
}

// ICE restart on the same RTCPeerConnection: the server re-offers with new ICE credentials (it is the offerer),
// the stream:offer:received handler answers as usual; true once the connection is back to "connected"
async function restartIce(socket, pc) {
  state.iceRestarts++;
  overlay("Reconnecting…");
  let onChange = null;
  let timer = null;
  const connected = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ICE_RESTART_TIMEOUT_MS);
    onChange = () => { if (pc.connectionState === "connected") resolve(true); if (pc.connectionState === "closed") resolve(false); };
    pc.addEventListener("connectionstatechange", onChange);
  });
  try {
    const ack = await socket.request("stream:ice-restart", { streamId });
    if (ack.error) throw new Error(ack.error.code + ": " + ack.error.message);
    if (!(await connected)) throw new Error("ICE restart did not reconnect within " + ICE_RESTART_TIMEOUT_MS + " ms");
    state.iceRestartsSucceeded++;
    overlay(null);
    return true;
  } catch (e) {
    state.errors.push("ice restart: " + e.message);
    return false;
  } finally {
    clearTimeout(timer);
    pc.removeEventListener("connectionstatechange", onChange);
  }
}

async function recover(socket) {
  if (state.ended) return;
  state.recoveries++;
  overlay("Reconnecting…");
  try {
    await watchWebRtc(socket);
    overlay(null);
  } catch (e) {
    state.errors.push("webrtc: " + e.message);
    watchHls(state.hlsUrl ?? `/hls/${encodeURIComponent(streamId)}/master.m3u8`);
    overlay(null);
  }
}

function watchHls(absoluteUrl) {
  // same origin: the API's absolute URLs carry the configured public host, which may not be this page's; the query
  // keeps the playback token of a stream that is not public
  const parsed = new URL(absoluteUrl, location.href);
  const url = parsed.pathname + parsed.search;
  state.pc?.close();
  state.hls?.destroy();
  state.transport = "hls";
  $("transport").textContent = "HLS";
  const video = $("video");
  video.srcObject = null;
  if (window.Hls && Hls.isSupported()) {
    // LL-HLS: hls.js stays the playlist's PART-HOLD-BACK behind the live edge (a user-set liveSyncDurationCount
    // would override it with whole segments), and after a stall plays up to 1.5x until it is back there
    const hls = (state.hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 }));
    hls.loadSource(url);
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      const levels = $("levels");
      levels.replaceChildren(el("option", { value: "-1" }, "Auto"), ...hls.levels.map((l, i) => el("option", { value: String(i) }, `${l.height}p`)));
      levels.hidden = false;
      levels.onchange = () => { hls.currentLevel = Number(levels.value); };
      video.play().catch(() => {});
    });
    hls.on(Hls.Events.ERROR, (_e, d) => {
      if (!d.fatal) return;
      const code = d.response?.code;
      // the playback token ran out (or was never there): a fresh one comes with the stream's details, once a minute
      if ((code === 401 || code === 403) && !state.ended && Date.now() - (state.tokenRefreshedAt ?? 0) > 60000) {
        state.tokenRefreshedAt = Date.now();
        api(`/streams/${encodeURIComponent(streamId)}`).then((s) => watchHls(s.urls.hls))
          .catch((e) => overlay("The video could not be loaded (" + e.message + ")."));
        return;
      }
      overlay("The video could not be loaded (" + d.details + ").");
    });
  } else {
    video.src = url; // Safari plays HLS natively
  }
}

async function latencyLoop() {
  if (state.transport === "webrtc" && state.pc) {
    let delay = null, rtt = null;
    (await state.pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video" && r.jitterBufferEmittedCount) delay = r.jitterBufferDelay / r.jitterBufferEmittedCount;
      if (r.type === "candidate-pair" && r.nominated && r.currentRoundTripTime != null) rtt = r.currentRoundTripTime;
    });
    if (delay != null) state.latencyMs = Math.round((delay + (rtt ?? 0) / 2) * 1000);
  } else if (state.transport === "hls" && state.hls?.latency != null) {
    state.latencyMs = Math.round(state.hls.latency * 1000);
  }
  if (state.latencyMs != null) $("latency").textContent = `${(state.latencyMs / 1000).toFixed(1)} s delay`;
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
  wireWebRtcSocket(socket);
  const chat = mountChat($("chat"), { streamId, socket, canModerate: () => false,
    onReaction: (r) => floatReaction($("reactions"), r) });
  socket.on("stream:viewer-count", (c) => { if (c.streamId === streamId) setViewers(c.current); });
  socket.on("stream:featured", showFeatured);
  wireShopping(socket);
  socket.on("stream:ended", () => showEnded());
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
  if (stream.status !== "live") { $("live-badge").textContent = "SOON"; overlay("This stream has not started yet."); }
  const startWatching = async () => {
    $("live-badge").textContent = "LIVE";
    $("live-badge").classList.add("live");
    overlay("Connecting…");
    const hlsUrl = stream.urls.hls;
    if (forceHls) { watchHls(hlsUrl); overlay(null); return; }
    try {
      await watchWebRtc(socket);
      overlay(null);
    } catch (e) {
      state.errors.push("webrtc: " + e.message);
      watchHls(state.hlsUrl ?? hlsUrl);
      overlay(null);
    }
  };
  if (stream.status === "live") await startWatching();
  socket.on("stream:start", () => { if (!state.transport) startWatching(); });
  setInterval(latencyLoop, 1000);
}

main().catch((e) => { state.errors.push(e.message); overlay(e.message); });
