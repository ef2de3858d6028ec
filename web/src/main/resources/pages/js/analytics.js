// The broadcaster's analytics page (/studio/analytics/{streamId}): totals from GET /streams/{id}/analytics and
// charts (uPlot, served from its WebJar) from GET /streams/{id}/analytics/timeline, refreshed every 5 s while the
// stream is live, drawn once after it ends. Owner only: the API answers 403 to anyone else.
import { api, auth, formatDuration } from "./api.js";

const $ = (id) => document.getElementById(id);
const streamId = decodeURIComponent(location.pathname.split("/").pop());
const REFRESH_MS = 5000;
const COLORS = ["#8b7dff", "#30a46c", "#f5a524", "#e5484d", "#4cc3ff"];
const charts = {};

function notice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text || "";
}

// seconds since the epoch for uPlot's time axis
const t = (iso) => Date.parse(iso) / 1000;

// minY/maxY: the y range shown at least (a flat 0 % loss line reads as 0 of 5 %, not 0 of 100 %)
function chart(id, labels, xs, ys, { minY = 0, maxY = 1 } = {}) {
  const box = $(id);
  const width = Math.max(280, box.clientWidth || 400);
  const data = [xs, ...ys];
  if (charts[id]) {
    charts[id].setData(data);
    return;
  }
  const axis = { stroke: "#a0a6b4", grid: { stroke: "#262a34" }, ticks: { stroke: "#262a34" } };
  charts[id] = new uPlot({
    width, height: 200,
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [Math.min(minY, lo ?? minY), Math.max(maxY, hi ?? maxY)] } },
    axes: [axis, { ...axis, size: 56 }],
    legend: { live: false },
    series: [{}, ...labels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
      points: { show: xs.length < 40 } }))],
  }, data, box);
}

// media health rows per step and source → one series per (source, field), null where a step has none
function mediaSeries(media, xs, source, field, scale = 1) {
  const by = new Map(media.filter((m) => m.source === source).map((m) => [t(m.at), m[field]]));
  return xs.map((x) => (by.has(x) && by.get(x) !== null ? by.get(x) * scale : null));
}

function totals(a) {
  $("t-current").textContent = a.currentViewers;
  $("t-peak").textContent = a.peakViewers;
  $("t-unique").textContent = a.uniqueViewers;
  $("t-views").textContent = a.totalViews;
  $("t-avgwatch").textContent = formatDuration(a.averageWatchTimeSeconds * 1000);
  $("t-watch").textContent = formatDuration(a.totalWatchTimeSeconds * 1000);
  $("t-comments").textContent = a.comments;
  $("t-reactions").textContent = a.reactions;
  $("t-duration").textContent = formatDuration(a.durationSeconds * 1000);
}

function draw(tl) {
  const pts = tl.points;
  const xs = pts.map((p) => t(p.at));
  const perMinute = 60 / tl.stepSeconds;
  chart("c-viewers", ["viewers", "joins"], xs, [pts.map((p) => p.viewers), pts.map((p) => p.joins)]);
  chart("c-watch", ["minutes watched"], xs, [pts.map((p) => Math.round(p.watchSeconds / 6) / 10)]);
  chart("c-engagement", ["chat/min", "reactions/min"], xs,
    [pts.map((p) => p.comments * perMinute), pts.map((p) => p.reactions * perMinute)]);
  // media: the SFU's own samples (publisher in, viewers out) and the broadcaster page's (what the browser sends)
  const mxs = [...new Set(tl.media.map((m) => t(m.at)))].sort((a, b) => a - b);
  const m = tl.media;
  chart("c-bitrate", ["publisher → SFU", "SFU → each viewer", "broadcaster (browser)"], mxs, [
    mediaSeries(m, mxs, "sfu", "bitrate", 1 / 1000), mediaSeries(m, mxs, "sfu", "viewerBitrate", 1 / 1000),
    mediaSeries(m, mxs, "client", "bitrate", 1 / 1000)]);
  chart("c-fps", ["broadcaster (browser)"], mxs, [mediaSeries(m, mxs, "client", "fps")]);
  chart("c-loss", ["publisher → SFU", "viewers (mean)", "viewers (worst)"], mxs, [
    mediaSeries(m, mxs, "sfu", "packetLoss"), mediaSeries(m, mxs, "sfu", "viewerLoss"),
    mediaSeries(m, mxs, "sfu", "viewerLossMax")], { maxY: 5 });
}

async function refresh() {
  const id = encodeURIComponent(streamId);
  const [s, a, tl] = await Promise.all([api(`/streams/${id}`), api(`/streams/${id}/analytics`),
    api(`/streams/${id}/analytics/timeline?step=10`)]);
  $("title").textContent = s.title;
  document.title = `Relaycast — ${s.title} — analytics`;
  const live = s.status === "live";
  $("status").textContent = s.status.toUpperCase();
  $("status").classList.toggle("live", live);
  totals(a);
  draw(tl);
  $("updated").textContent = (live ? "live, updated every 5 s — " : "final — ") + new Date().toLocaleTimeString();
  if (!tl.points.length) notice("No data yet: the stream has not started.");
  else notice("");
  document.body.dataset.ready = "true"; // for tests and screenshots: data drawn at least once
  return live;
}

async function main() {
  if (!auth.token) {
    notice("Sign in on the Studio page first: analytics are for the stream's owner.");
    return;
  }
  $("whoami").textContent = auth.user?.name ?? "";
  for (;;) {
    let live;
    try {
      live = await refresh();
    } catch (e) {
      notice(e.status === 403 || e.status === 404 ? "Only the stream's owner can see its analytics." : "Could not load analytics: " + e.message);
      live = true; // try again: a passing error while streaming
      if (e.status === 403 || e.status === 404 || e.status === 401) return;
    }
    if (!live) return;
    await new Promise((r) => setTimeout(r, REFRESH_MS));
  }
}

// charts follow their boxes' width (a rotated phone, a resized window)
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [id, c] of Object.entries(charts)) c.setSize({ width: Math.max(280, $(id).clientWidth), height: 200 });
  }, 150);
});

main();
