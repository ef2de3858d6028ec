// The embeddable player (/embed/{streamId}, in other sites' iframes): the SDK's Player (WebRTC, HLS fallback),
// the quality choice, live / not started / ended states, an optional read-only chat overlay (?chat=1), and a
// postMessage API for the host page (docs/api.md, "Embedding"):
//   out: {source: "relaycast", event, streamId, data} with event ready, playing, paused, ended, error, quality,
//        live, state;
//   in:  {command: "play" | "pause" | "mute" | "unmute" | "setQuality" | "getState", muted?, quality?}.
// Query: ?chat=1 (chat overlay), ?quality=auto|high|medium|low, ?hls=1, ?origin=https://host.example (see below).
// Commands are taken only from the window that frames us (and, with ?origin=, only from that origin); the CSP
// frame-ancestors of this page (relaycast.embed.frame-ancestors) decides who may frame us at all.
import { auth, clientConfig, api, el, formatCount } from "./api.js";
import { connect } from "/sdk/socketio.js";
import { Player, QUALITIES } from "/sdk/player.js";
import { Chat } from "/sdk/chat.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const streamId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
// events go to the framing page only: to the origin it named, else to whoever frames us (frame-ancestors checked it)
const hostOrigin = params.get("origin");
const framed = window.parent !== window;
const state = (window.embed = { streamId, events: [], commands: 0, refused: 0, errors: [], player: null });
const CHAT_LINES = 6;
const LABELS = { auto: "Auto", high: "High", medium: "Medium", low: "Low" };

function post(event, data = {}) {
  state.events.push(event);
  if (framed) window.parent.postMessage({ source: "relaycast", event, streamId, data }, hostOrigin || "*");
}

function overlay(text) {
  $("overlay").hidden = !text;
  $("overlay-text").textContent = text ?? "";
}

function live(on, label) {
  $("live-badge").textContent = label;
  $("live-badge").classList.toggle("live", on);
}

function snapshot(player) {
  const v = $("video");
  return { transport: player?.transport ?? null, quality: player?.quality ?? "auto", height: player?.height ?? 0,
    muted: v.muted, paused: v.paused, ended: !!player?.ended, live: $("live-badge").textContent === "LIVE" };
}

function qualityMenu(player) {
  const select = $("quality");
  if (player.transport === "webrtc" && player.layers === 1) { select.hidden = true; return; } // nothing to choose
  if (player.transport === "webrtc") {
    select.replaceChildren(...QUALITIES.map((q) => el("option", { value: q }, LABELS[q])));
  } else {
    select.replaceChildren(...["auto", "high", "medium", "low"].map((q) => el("option", { value: q }, LABELS[q])));
  }
  select.value = player.quality;
  select.hidden = false;
}

async function command(player, msg) {
  switch (msg.command) {
    case "play": await player.play(); return;
    case "pause": player.pause(); return;
    case "mute": player.mute(msg.muted !== false); $("unmute").hidden = $("video").muted; return;
    case "unmute": player.mute(false); $("unmute").hidden = true; return;
    case "setQuality": await player.setQuality(String(msg.quality)); $("quality").value = player.quality; return;
    case "getState": post("state", snapshot(player)); return;
    default: throw Object.assign(new Error("unknown command " + JSON.stringify(msg.command)), { code: "UNKNOWN_COMMAND" });
  }
}

function listen(player) {
  window.addEventListener("message", async (e) => {
    const msg = e.data;
    if (!msg || typeof msg !== "object" || typeof msg.command !== "string") return;
    if (e.source !== window.parent || !framed || (hostOrigin && e.origin !== hostOrigin)) { state.refused++; return; }
    state.commands++;
    try {
      await command(player, msg);
    } catch (err) {
      post("error", { code: err.code ?? "COMMAND_FAILED", message: err.message, command: msg.command });
    }
  });
}

function chatOverlay(socket) {
  const list = $("chat");
  list.hidden = false;
  const chat = new Chat({ socket, api, streamId });
  const add = (m) => {
    list.append(el("li", { "data-id": m.id }, el("b", {}, m.displayName ?? "someone"), m.message ?? m.content));
    while (list.children.length > CHAT_LINES) list.firstElementChild.remove();
  };
  chat.addEventListener("message", (e) => add(e.detail));
  chat.addEventListener("deleted", (e) => list.querySelector(`[data-id="${CSS.escape(e.detail.id)}"]`)?.remove());
  chat.history(CHAT_LINES).then((items) => items.forEach(add)).catch(() => {});
  return chat;
}

async function main() {
  $("open").href = "/watch/" + encodeURIComponent(streamId);
  const cfg = await clientConfig();
  let stream;
  try {
    stream = await api(`/streams/${encodeURIComponent(streamId)}`);
  } catch (e) {
    overlay(e.code === "FOLLOWERS_ONLY" ? "This stream is for the broadcaster's followers." : e.message);
    post("error", { code: e.code, message: e.message });
    return;
  }
  document.title = stream.title + " — Relaycast";
  const socket = connect(cfg.signaling.url, { auth: auth.token ? { token: auth.token } : {} });
  const player = (state.player = new Player({ video: $("video"), streamId, socket, server: location.origin,
    token: () => auth.token, forceHls: params.get("hls") === "1", errors: state.errors }));
  if (QUALITIES.includes(params.get("quality"))) player.quality = params.get("quality"); // ?quality=low: from the start
  player.addEventListener("transport", () => qualityMenu(player));
  player.addEventListener("playing", (e) => { overlay(null); post("playing", { transport: e.detail.transport ?? player.transport }); });
  player.addEventListener("paused", () => post("paused"));
  player.addEventListener("quality", (e) => {
    $("received").textContent = e.detail.height ? `${e.detail.height}p` : "";
    $("received").hidden = !e.detail.height;
    post("quality", e.detail);
  });
  player.addEventListener("error", (e) => post("error", e.detail));
  player.addEventListener("reconnecting", () => overlay("Reconnecting…"));
  player.addEventListener("live", () => { live(true, "LIVE"); overlay("Connecting…"); post("live"); });
  player.addEventListener("ended", () => { live(false, "ENDED"); overlay("This stream has ended."); post("ended"); });
  $("unmute").addEventListener("click", () => { player.mute(false); $("unmute").hidden = true; });
  $("quality").addEventListener("change", () => player.setQuality($("quality").value).catch((err) => post("error", { code: "QUALITY", message: err.message })));
  if (params.get("chat") === "1") {
    const chat = chatOverlay(socket);
    chat.addEventListener("viewers", (e) => { $("viewers").textContent = formatCount(e.detail.current) + " watching"; });
  }
  listen(player);
  await new Promise((r) => (socket.connected ? r() : socket.on("connect", r)));
  if (stream.status === "live") { live(true, "LIVE"); overlay("Connecting…"); }
  else if (stream.status === "scheduled") { live(false, "SOON"); overlay("This stream has not started yet."); }
  post("ready", { status: stream.status, title: stream.title, qualities: QUALITIES, state: snapshot(player) });
  await player.start(stream);
}

main().catch((e) => { state.errors.push(e.message); overlay(e.message); post("error", { code: "EMBED_FAILED", message: e.message }); });
