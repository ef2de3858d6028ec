// Shared by the end-to-end test pages: read parameters, expose state for the test driver, count frames.
export const params = new URLSearchParams(location.search);
export const state = (window.state = { status: "init", errors: [], log: [] });
export const log = (m) => { state.log.push(`${Math.round(performance.now())} ${m}`); };
window.addEventListener("error", (e) => state.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => state.errors.push(String(e.reason && e.reason.message || e.reason)));

// Inbound video/audio numbers from getStats, for the test driver and for "first frame" timing.
export async function inbound(pc) {
  const out = { framesDecoded: 0, audioPackets: 0, freezeCount: 0, nackCount: 0, framesPerSecond: 0 };
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") {
      out.framesDecoded = r.framesDecoded || 0; out.freezeCount = r.freezeCount || 0;
      out.nackCount = r.nackCount || 0; out.framesPerSecond = r.framesPerSecond || 0;
    }
    if (r.type === "inbound-rtp" && r.kind === "audio") out.audioPackets = r.packetsReceived || 0;
  });
  return out;
}

// Polls getStats until the first decoded frame; records ms since `since`.
export function watchFirstFrame(pc, since) {
  const tick = async () => {
    if (pc.connectionState === "closed") return;
    const s = await inbound(pc);
    if (s.framesDecoded > 0) { state.firstFrameMs = performance.now() - since; log("first frame"); return; }
    setTimeout(tick, 20);
  };
  tick();
}

export function waitForIceGathering(pc, ms = 3000) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(); }
    });
  });
}
