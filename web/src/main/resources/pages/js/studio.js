// The broadcaster's studio: sign in, pick or create a stream, choose devices and quality, go live over the
// contract's Socket.IO events, watch viewers and chat, and report media health every 5 s.
// Publishing itself is the SDK's (/sdk/publisher.js): simulcast in up to three layers when the camera allows.
import { api, auth, clientConfig, signInDev, el, formatDuration } from "./api.js";
import { connect } from "/sdk/socketio.js";
import { Publisher } from "/sdk/publisher.js";
import { mountChat } from "./chat.js";

// Quality presets: capture constraints and the encoder's ceiling for each.
export const PRESETS = {
  "144p": { width: 256, height: 144, fps: 15, kbps: 150 },
  "240p": { width: 426, height: 240, fps: 24, kbps: 300 },
  "360p": { width: 640, height: 360, fps: 30, kbps: 700 },
  "480p": { width: 854, height: 480, fps: 30, kbps: 1200 },
  "720p": { width: 1280, height: 720, fps: 30, kbps: 2500 },
  "1080p": { width: 1920, height: 1080, fps: 30, kbps: 4500 },
  "1440p": { width: 2560, height: 1440, fps: 30, kbps: 8000 },
  "2160p": { width: 3840, height: 2160, fps: 30, kbps: 14000 },
};

const $ = (id) => document.getElementById(id);
// ?simulcast=0: one layer only (a weak uplink or CPU; the SFU then has nothing to choose from)
const simulcast = new URLSearchParams(location.search).get("simulcast") !== "0";
const state = (window.studio = { live: false, streamId: null, publisher: null, media: null, startedAt: null, viewerCount: 0, errors: [],
  get pc() { return this.publisher?.pc ?? null; }, get layers() { return this.publisher?.layers ?? []; } });

function showError(text) { const n = $("media-error"); n.textContent = text; n.hidden = !text; if (text) state.errors.push(text); }
function note(text) { const n = $("stream-note"); n.textContent = text; n.hidden = !text; }

async function ensureSignedIn() {
  const cfg = await clientConfig();
  if (auth.token) return;
  $("signin").hidden = false;
  if (!cfg.devMode) {
    $("signin-form").hidden = true;
    const n = $("signin-note");
    n.hidden = false;
    n.textContent = "Sign in through the platform that embeds Relaycast; it opens this page with your token.";
  }
  await new Promise((resolve) => $("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await signInDev($("signin-name").value.trim()); resolve(); } catch (err) { $("signin-note").hidden = false; $("signin-note").textContent = err.message; }
  }));
  $("signin").hidden = true;
}

// the picked stream's analytics page (charts, live while streaming)
function analyticsLink() {
  const a = $("analytics-link");
  a.hidden = !state.streamId;
  if (state.streamId) a.href = "/studio/analytics/" + encodeURIComponent(state.streamId);
}

async function loadStreams(selectId) {
  const mine = await api("/streams?owner=me&limit=50");
  const pick = $("stream-pick");
  const usable = mine.items.filter((s) => s.status === "scheduled" || s.status === "live");
  pick.replaceChildren(...(usable.length ? usable.map((s) => el("option", { value: s.id }, `${s.title} (${s.status})`))
    : [el("option", { value: "" }, "Create a stream first")]));
  if (selectId) pick.value = selectId;
  state.streamId = pick.value || null;
  $("go-live").disabled = !state.streamId;
  analyticsLink();
  return usable;
}

async function devices() {
  const list = await navigator.mediaDevices.enumerateDevices();
  const fill = (select, kind) => {
    const current = select.value;
    select.replaceChildren(...list.filter((d) => d.kind === kind).map((d, i) => el("option", { value: d.deviceId }, d.label || `${kind} ${i + 1}`)));
    if (current) select.value = current;
  };
  fill($("camera"), "videoinput");
  fill($("microphone"), "audioinput");
}

async function startPreview() {
  const q = PRESETS[$("quality").value];
  state.media?.getTracks().forEach((t) => t.stop());
  try {
    state.media = await navigator.mediaDevices.getUserMedia({
      audio: $("microphone").value ? { deviceId: { exact: $("microphone").value } } : true,
      video: { ...($("camera").value ? { deviceId: { exact: $("camera").value } } : {}), width: { ideal: q.width }, height: { ideal: q.height }, frameRate: { ideal: q.fps } },
    });
    $("preview").srcObject = state.media;
    showError("");
    await devices();
  } catch (e) {
    state.media = null;
    showError(e.name === "NotAllowedError" ? "Camera and microphone are blocked. Allow them in the browser's site settings, then reload."
      : e.name === "NotFoundError" ? "No camera or microphone was found. Plug one in and reload."
      : "Could not open the camera: " + e.message);
  }
  if (state.publisher && state.media) { // switching devices or quality while live: swap tracks without renegotiating
    await state.publisher.replaceMedia(state.media, { maxKbps: q.kbps, maxFps: q.fps });
  }
}

let socket;
async function goLive() {
  if (!state.media) { showError("Start the camera first."); return; }
  $("go-live").disabled = true;
  const q = PRESETS[$("quality").value];
  const publisher = (state.publisher = new Publisher({ socket, streamId: state.streamId, media: state.media, simulcast, maxKbps: q.kbps, maxFps: q.fps }));
  publisher.addEventListener("connection", (e) => {
    if (e.detail.state === "failed") showError("The media connection failed. Check your network; reconnecting…");
    if (e.detail.state === "connected") showError("");
  });
  try {
    await publisher.start();
  } catch (e) {
    showError("Could not go live: " + e.message);
    state.publisher = null;
    $("go-live").disabled = false;
    return;
  }
  state.live = true;
  state.startedAt ??= Date.now();
  $("live-badge").textContent = "LIVE";
  $("live-badge").classList.add("live");
  $("end").disabled = false;
  loadStreams(state.streamId).catch(() => {}); // the picker shows the stream as live now
}

async function end() {
  $("end").disabled = true;
  const r = await socket.request("stream:end", { streamId: state.streamId });
  if (r.error) showError(r.error.message);
  stopPublishing();
  $("live-badge").textContent = "ENDED";
  $("live-badge").classList.remove("live");
  state.startedAt = null;
  await loadStreams();
}

function stopPublishing() {
  state.live = false;
  state.publisher?.stop();
  state.publisher = null;
}

async function sampleHealth() {
  if (!state.publisher || !state.live) return;
  const sample = await state.publisher.sampleHealth(); // also sent as stream:quality-update
  if (!sample) return;
  state.lastSample = sample;
  $("h-bitrate").textContent = (sample.bitrate / 1000).toFixed(0) + " kbps";
  $("h-fps").textContent = String(Math.round(sample.fps));
  $("h-res").textContent = `${sample.width}×${sample.height}` + (state.layers.length ? ` (${state.layers.length} layers)` : "");
  $("h-loss").textContent = sample.packetLoss + " %";
  $("h-rtt").textContent = sample.rtt + " ms";
}

async function main() {
  await ensureSignedIn();
  $("whoami").textContent = auth.user?.name ?? "";
  const q = $("quality");
  for (const name of Object.keys(PRESETS)) q.append(el("option", { value: name }, name));
  q.value = "720p";
  const cfg = await clientConfig();
  socket = connect(cfg.signaling.url, { auth: { token: auth.token } });
  window.studioSocket = socket;
  socket.on("stream:viewer:joined", (e) => { state.viewerCount = e.viewerCount; $("viewers").textContent = e.viewerCount + " watching"; });
  socket.on("stream:viewer:left", (e) => { state.viewerCount = e.viewerCount; $("viewers").textContent = e.viewerCount + " watching"; });
  socket.on("stream:viewer-count", (e) => { if (e.streamId === state.streamId) { state.viewerCount = e.current; $("viewers").textContent = e.current + " watching"; } });
  socket.on("stream:error", (e) => state.errors.push(e.code));
  // revenue and orders, live: the room's stream:sale carries no amounts, so each one refreshes the owner's analytics
  socket.on("stream:sale", (m) => { if (m.streamId === state.streamId) refreshSales(); });
  socket.on("stream:likes", (m) => { if (m.streamId === state.streamId) $("s-likes").textContent = String(m.count); });
  socket.on("disconnect", () => { if (state.live) showError("Connection to the server lost; reconnecting…"); });
  socket.on("connect", async () => {
    if (state.streamId) socket.request("join-livestream", { streamId: state.streamId }).catch(() => {});
    if (state.live) { stopPublishing(); await goLive(); } // the server dropped our peer with the socket: publish again
  });

  async function refreshSales() {
    if (!state.streamId) return;
    try {
      const a = await api(`/streams/${encodeURIComponent(state.streamId)}/analytics`);
      const rev = Object.entries(a.revenue ?? {}).map(([c, v]) => `${v} ${c}`).join(" + ");
      $("s-revenue").textContent = rev || "–";
      $("s-orders").textContent = String(a.orders ?? 0);
      $("s-likes").textContent = String(a.likes ?? 0);
      state.orders = a.orders;
    } catch (e) { state.errors.push(e.code); }
  }
  window.studio.refreshSales = refreshSales;

  await loadStreams();
  let chat;
  const mount = async () => {
    if (!state.streamId) return;
    $("chat").querySelector("ol").replaceChildren();
    chat?.close();
    chat = mountChat($("chat"), { streamId: state.streamId, socket, canModerate: () => true });
    await socket.request("join-livestream", { streamId: state.streamId }).catch(() => {});
    await chat.loadHistory().catch(() => {});
    await refreshSales();
  };
  await mount();
  $("stream-pick").addEventListener("change", async () => { state.streamId = $("stream-pick").value; $("go-live").disabled = !state.streamId; analyticsLink(); await mount(); });
  $("create-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const s = await api("/streams", { method: "POST", body: { title: $("new-title").value.trim(), category: $("new-category").value.trim() || undefined,
        visibility: $("new-visibility").value, quality: $("quality").value, recordingEnabled: $("new-record").checked } });
      $("new-title").value = "";
      const rtmp = s.urls && s.urls.rtmp;
      note("Created. Your stream key for OBS (shown once): " + s.streamKey
        + " — WHIP: server " + s.urls.whip + ", bearer token = the key"
        + (rtmp ? " — RTMP: server " + rtmp + ", stream key = the key" : ""));
      await loadStreams(s.id);
      await mount();
    } catch (err) { note(err.message); }
  });
  for (const id of ["camera", "microphone", "quality"]) $(id).addEventListener("change", startPreview);
  $("go-live").addEventListener("click", goLive);
  $("end").addEventListener("click", end);
  // shown only now: a click on a form before its handler exists would submit it natively and reload the page
  $("studio").hidden = false;
  state.ready = true;
  await startPreview();
  setInterval(() => { if (state.startedAt) $("duration").textContent = formatDuration(Date.now() - state.startedAt); }, 1000);
  setInterval(sampleHealth, 5000);
}

main().catch((e) => showError(e.message));
