// Watching a stream into a <video>: WebRTC through the SFU first (Socket.IO signaling), HLS when WebRTC cannot
// connect in time; ICE restart and re-join when the path breaks; the viewer's quality choice and the layer it
// actually gets. The watch page, the embed page and integrators (through relaycast.js) all use this class.
import { createApi, onServer, DEFAULT_SERVER } from "./http.js";

/** @typedef {"auto"|"high"|"medium"|"low"} Quality */
/** The choices of `stream:quality`: auto follows the viewer's bandwidth. @type {Quality[]} */
export const QUALITIES = ["auto", "high", "medium", "low"];

const WEBRTC_TIMEOUT_MS = 10000;
// a broken path: wait this long in "disconnected" (it often heals by itself), then restart ICE on the same
// connection; if that has not reconnected within ICE_RESTART_TIMEOUT_MS, join again with a new connection
const DISCONNECTED_GRACE_MS = 3000;
const ICE_RESTART_TIMEOUT_MS = 10000;
// several nodes (issue 15): after the socket reconnected (through the load balancer, so often to another node) or
// the broadcast came back on another node, join again; while the broadcaster is away, try again this often
const REJOIN_ATTEMPTS = 20;
const REJOIN_DELAY_MS = 3000;
/** HLS of a stream that just went live: its master playlist is 404 until the ladder's first segment. */
const HLS_START_RETRIES = 30;
const HLS_START_RETRY_MS = 2000;

/**
 * @typedef {object} PlayerOptions
 * @property {HTMLVideoElement} video where the picture goes (muted autoplay until `mute(false)`)
 * @property {string} streamId
 * @property {import("./socketio.js").Socket} socket a connected (or connecting) Socket.IO client
 * @property {string} [server] the Relaycast server (default: where this module came from)
 * @property {string|null|(() => string|null)} [token] the viewer's JWT (followers-only streams, playback tokens)
 * @property {boolean} [forceHls] skip WebRTC
 * @property {number} [webrtcTimeoutMs] how long WebRTC may take before HLS is tried (10 s)
 * @property {string[]} [errors] where problems are noted (the pages' tests read it)
 */

/**
 * A player. Events (CustomEvent, data in `detail`): `transport` {transport: "webrtc"|"hls"}, `playing`, `paused`,
 * `ended`, `error` {code, message}, `quality` {quality, height} (the choice or the received picture height
 * changed), `reconnecting`, `live` (the stream went live while we waited), `interrupted` (the node holding the
 * broadcaster died; the player waits for the broadcast to come back and rejoins by itself).
 */
export class Player extends EventTarget {
  /** @param {PlayerOptions} options */
  constructor({ video, streamId, socket, server = DEFAULT_SERVER, token = null, forceHls = false,
    webrtcTimeoutMs = WEBRTC_TIMEOUT_MS, errors = [] }) {
    super();
    this.video = video;
    this.streamId = streamId;
    this.socket = socket;
    this.server = server;
    this.api = createApi({ server, token });
    this.forceHls = forceHls;
    this.webrtcTimeoutMs = webrtcTimeoutMs;
    /** @type {string[]} */ this.errors = errors;
    /** @type {"webrtc"|"hls"|null} */ this.transport = null;
    /** @type {RTCPeerConnection|null} */ this.pc = null;
    /** @type {any} the hls.js instance in HLS mode */ this.hls = null;
    /** @type {Quality} */ this.quality = "auto";
    /** Simulcast layers of the stream (from stream:join): 1 = one quality only, 0 = unknown. */
    this.layers = 0;
    /** The height of the picture being received (getStats frameHeight in WebRTC), 0 before the first frame. */
    this.height = 0;
    /** Glass-to-glass estimate in ms (jitter buffer + half the RTT in WebRTC, hls.js's latency in HLS). */
    this.latencyMs = null;
    this.ended = false;
    this.iceRestarts = 0;
    this.iceRestartsSucceeded = 0;
    this.recoveries = 0;
    /** Socket.IO reconnects seen, and re-joins made after them or after the broadcast came back. */
    this.reconnects = 0;
    this.rejoins = 0;
    /** True while the broadcaster's node is gone (stream:interrupted) and the broadcast has not come back. */
    this.interrupted = false;
    this.rejoining = false;
    this.hlsUrl = null;
    this.attempt = null;
    this.timer = null;
    video.autoplay = true;
    video.playsInline = true;
    // (the first frame can beat the "connected" state change that sets the transport by a moment)
    video.addEventListener("playing", () => this.emit("playing", { transport: this.transport ?? (this.hls ? "hls" : "webrtc") }));
    video.addEventListener("pause", () => { if (!this.ended) this.emit("paused", {}); });
    this.wireSocket();
  }

  /** @param {string} name @param {object} [detail] */
  emit(name, detail = {}) { this.dispatchEvent(new CustomEvent(name, { detail })); }

  /** @param {string} code @param {string} message */
  fail(code, message) { this.errors.push(code + ": " + message); this.emit("error", { code, message }); }

  wireSocket() {
    const s = this.socket;
    s.on("stream:ice-candidate:received", async (m) => {
      const a = this.attempt;
      if (!a) return;
      if (!a.remoteSet) a.pending.push(m.candidate); else await a.pc.addIceCandidate(m.candidate).catch(() => {});
    });
    s.on("stream:offer:received", async (m) => {
      const a = this.attempt;
      if (!a) return;
      await a.pc.setRemoteDescription(m.offer);
      a.remoteSet = true;
      for (const c of a.pending.splice(0)) await a.pc.addIceCandidate(c).catch(() => {});
      await a.pc.setLocalDescription(await a.pc.createAnswer());
      await s.request("stream:answer", { streamId: this.streamId, answer: { type: "answer", sdp: a.pc.localDescription.sdp } });
    });
    s.on("stream:ended", (m) => { if (!m || !m.streamId || m.streamId === this.streamId) this.end(); });
    s.on("stream:end", (m) => { if (m && m.streamId === this.streamId) this.end(); }); // the room's, before joining media
    s.on("stream:interrupted", (m) => { if (m && m.streamId === this.streamId) this.onInterrupted(); });
    s.on("stream:resumed", (m) => { if (m && m.streamId === this.streamId) this.rejoin(); });
    s.on("disconnect", () => { if (!this.ended && this.transport === "webrtc") this.emit("reconnecting", { how: "socket" }); });
    // every connect after the first is a reconnect: the server forgot this socket's rooms and viewer peer
    let connectedBefore = !!s.connected;
    s.on("connect", () => {
      if (!connectedBefore) { connectedBefore = true; return; }
      this.reconnects++;
      if (this.started) this.rejoin();
    });
    s.on("stream:start", (m) => {
      if (m && m.streamId && m.streamId !== this.streamId) return;
      if (!this.transport && !this.ended && this.waiting) { this.waiting = false; this.emit("live"); this.connectMedia(); }
    });
  }

  /**
   * Starts watching: at once when `stream.status` is live, else when the stream goes live (`live` event).
   * @param {{status: string, urls?: {hls?: string}}} stream the stream's REST details
   */
  async start(stream) {
    this.started = true;
    this.streamUrls = stream.urls ?? {};
    await this.socket.request("join-livestream", { streamId: this.streamId }).catch(() => {});
    if (stream.status === "ended" || stream.status === "cancelled") { this.end(); return; }
    this.timer ??= setInterval(() => this.sample().catch(() => {}), 1000);
    if (stream.status !== "live") { this.waiting = true; return; }
    await this.connectMedia();
  }

  async connectMedia() {
    const hlsUrl = this.streamUrls?.hls ?? `${this.server}/hls/${encodeURIComponent(this.streamId)}/master.m3u8`;
    if (this.forceHls) { await this.watchHls(hlsUrl); return; }
    try {
      await this.watchWebRtc();
    } catch (e) {
      this.errors.push("webrtc: " + e.message);
      await this.watchHls(this.hlsUrl ?? hlsUrl);
    }
  }

  async watchWebRtc() {
    this.attempt?.pc.close();
    const pc = (this.pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" }));
    this.attempt = { pc, pending: [], remoteSet: false };
    pc.ontrack = (e) => { this.video.srcObject = e.streams[0] || new MediaStream([e.track]); this.video.play().catch(() => {}); };
    pc.onicecandidate = (e) => { if (e.candidate) this.socket.emit("stream:ice-candidate", { streamId: this.streamId, candidate: e.candidate.toJSON() }); };
    const connected = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("WebRTC did not connect in time")), this.webrtcTimeoutMs);
      pc.addEventListener("connectionstatechange", () => {
        if (pc.connectionState === "connected") { clearTimeout(t); resolve(); }
        if (pc.connectionState === "failed") { clearTimeout(t); reject(new Error("WebRTC failed")); }
      });
    });
    const ack = await this.socket.request("stream:join", { streamId: this.streamId });
    if (ack.error) throw new Error(ack.error.message);
    if (ack.iceServers?.length) pc.setConfiguration({ iceServers: ack.iceServers, bundlePolicy: "max-bundle" });
    this.hlsUrl = ack.hls;
    this.layers = ack.layers ?? 0;
    await connected;
    this.setTransport("webrtc");
    // a new viewer peer starts on auto at the SFU: a choice made before (or before a re-join) is sent again
    if (this.quality !== "auto") this.sendQuality(this.quality).catch(() => {});
    this.watchPath(pc);
  }

  /**
   * A network change (Wi-Fi to mobile) breaks the path: first an ICE restart on this very connection (new ICE
   * credentials, same DTLS and media, RFC 8445 section 9); if that does not reconnect in time, join again with a
   * new connection, no page load; if that does not work either, HLS.
   */
  watchPath(pc) {
    let lost = null;
    let restarting = false;
    pc.addEventListener("connectionstatechange", () => {
      if (this.ended || this.attempt?.pc !== pc) return;
      if (pc.connectionState === "connected") { clearTimeout(lost); lost = null; return; }
      if (restarting) return;
      if (pc.connectionState === "failed" || (pc.connectionState === "disconnected" && !lost)) {
        clearTimeout(lost);
        lost = setTimeout(async () => {
          lost = null;
          if (this.ended || this.attempt?.pc !== pc || pc.connectionState === "connected") return;
          restarting = true;
          const ok = await this.restartIce(pc);
          restarting = false;
          if (!ok && this.attempt?.pc === pc && !this.ended) this.recover();
        }, pc.connectionState === "failed" ? 0 : DISCONNECTED_GRACE_MS);
      }
    });
  }

  // ICE restart on the same RTCPeerConnection: the server re-offers with new ICE credentials (it is the offerer),
  // the stream:offer:received handler answers as usual; true once the connection is back to "connected"
  async restartIce(pc) {
    this.iceRestarts++;
    this.emit("reconnecting", { how: "ice-restart" });
    let onChange = null;
    let timer = null;
    const connected = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), ICE_RESTART_TIMEOUT_MS);
      onChange = () => { if (pc.connectionState === "connected") resolve(true); if (pc.connectionState === "closed") resolve(false); };
      pc.addEventListener("connectionstatechange", onChange);
    });
    try {
      const ack = await this.socket.request("stream:ice-restart", { streamId: this.streamId });
      if (ack.error) throw new Error(ack.error.code + ": " + ack.error.message);
      if (!(await connected)) throw new Error("ICE restart did not reconnect within " + ICE_RESTART_TIMEOUT_MS + " ms");
      this.iceRestartsSucceeded++;
      this.emit("playing", { transport: "webrtc" });
      return true;
    } catch (e) {
      this.errors.push("ice restart: " + e.message);
      return false;
    } finally {
      clearTimeout(timer);
      pc.removeEventListener("connectionstatechange", onChange);
    }
  }

  async recover() {
    if (this.ended || this.rejoining) return; // one new connection at a time (see rejoin)
    this.rejoining = true;
    this.recoveries++;
    this.emit("reconnecting", { how: "rejoin" });
    try {
      await this.watchWebRtc();
    } catch (e) {
      this.errors.push("webrtc: " + e.message);
      if (!this.interrupted) await this.watchHls(this.hlsUrl ?? `${this.server}/hls/${encodeURIComponent(this.streamId)}/master.m3u8`);
    } finally {
      this.rejoining = false;
    }
  }

  /**
   * The socket came back (its node may have died: the load balancer sent it to another one) or the broadcast was
   * published again after its node died: join the room and the stream again, as a fresh viewer on this node.
   */
  async rejoin() {
    if (this.ended) return;
    await this.socket.request("join-livestream", { streamId: this.streamId }).catch(() => {}); // chat, counts
    if (this.rejoining) return; // a new connection is already being made (recover)
    this.rejoining = true;
    this.rejoins++;
    try {
      let s = null;
      try { s = await this.api(`/streams/${encodeURIComponent(this.streamId)}`); } catch { /* try the media anyway */ }
      if (s && (s.status === "ended" || s.status === "cancelled")) { this.end(); return; }
      if (s && s.status !== "live") return;
      if (this.transport === "hls" && !this.interrupted) return; // hls.js reconnects on its own
      for (let i = 0; i < REJOIN_ATTEMPTS && !this.ended; i++) {
        this.emit("reconnecting", { how: this.interrupted ? "interrupted" : "rejoin" });
        try {
          await this.watchWebRtc();
          this.interrupted = false;
          this.emit("playing", { transport: "webrtc" });
          return;
        } catch (e) {
          this.errors.push("rejoin: " + e.message);
          await new Promise((r) => setTimeout(r, REJOIN_DELAY_MS));
        }
      }
    } finally {
      this.rejoining = false;
    }
  }

  /** The node holding the broadcaster died: no media will come; say so rather than freeze on the last frame. */
  onInterrupted() {
    if (this.ended) return;
    this.interrupted = true;
    const a = this.attempt;
    this.attempt = null; // not a network problem of ours: no ICE restart
    a?.pc.close();
    this.emit("interrupted", {});
  }

  /** hls.js from the server's assets, loaded once (a classic script: it works on any page, also cross-origin). */
  loadHlsJs() {
    if (window.Hls) return Promise.resolve(window.Hls);
    Player.hlsJs ??= new Promise((resolve) => {
      const s = document.createElement("script");
      s.src = this.server + "/assets/vendor/hls.min.js";
      s.onload = () => resolve(window.Hls);
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
    return Player.hlsJs;
  }

  /** @param {string} absoluteUrl the stream's HLS URL (with its playback token, if any) */
  async watchHls(absoluteUrl) {
    const url = onServer(absoluteUrl, this.server);
    this.pc?.close();
    this.attempt = null;
    this.hls?.destroy();
    this.setTransport("hls");
    const video = this.video;
    video.srcObject = null;
    const Hls = await this.loadHlsJs();
    if (Hls && Hls.isSupported()) {
      // LL-HLS: hls.js stays the playlist's PART-HOLD-BACK behind the live edge (a user-set liveSyncDurationCount
      // would override it with whole segments), and after a stall plays up to 1.5x until it is back there
      const hls = (this.hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 }));
      hls.loadSource(url);
      hls.attachMedia(video);
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        this.hlsWaits = 0;
        this.applyHlsQuality();
        this.emit("levels", { levels: this.levels() });
        video.play().catch(() => {});
      });
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        const code = d.response?.code;
        // a stream that just went live has no master playlist until its ladder made a first segment (seconds; a
        // simulcast studio's ladder first waits for its top layer): 404 then, so ask again, for up to a minute
        if (code === 404 && d.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR && !this.ended
            && (this.hlsWaits = (this.hlsWaits ?? 0) + 1) <= HLS_START_RETRIES) {
          setTimeout(() => { if (this.hls === hls && !this.ended) this.watchHls(absoluteUrl); }, HLS_START_RETRY_MS);
          return;
        }
        // the playback token ran out (or was never there): a fresh one comes with the stream's details, once a minute
        if ((code === 401 || code === 403) && !this.ended && Date.now() - (this.tokenRefreshedAt ?? 0) > 60000) {
          this.tokenRefreshedAt = Date.now();
          this.api(`/streams/${encodeURIComponent(this.streamId)}`).then((s) => this.watchHls(s.urls.hls))
            .catch((e) => this.fail("HLS_UNAVAILABLE", e.message));
          return;
        }
        this.fail("HLS_" + String(d.details).toUpperCase().replace(/[^A-Z0-9]+/g, "_"), "The video could not be loaded (" + d.details + ").");
      });
    } else {
      video.src = url; // Safari plays HLS natively
      video.play().catch(() => {});
    }
  }

  setTransport(t) {
    if (this.transport === t) return;
    this.transport = t;
    this.emit("transport", { transport: t });
  }

  /** HLS renditions ({index, height}), lowest first; empty in WebRTC. */
  levels() {
    return this.hls ? this.hls.levels.map((l, i) => ({ index: i, height: l.height })).sort((a, b) => a.height - b.height) : [];
  }

  /**
   * The viewer's choice: in WebRTC the SFU's simulcast layer (`stream:quality`; a stream published without
   * simulcast has one quality), in HLS the rendition (auto = hls.js's ABR).
   * @param {Quality} quality
   */
  async setQuality(quality) {
    if (!QUALITIES.includes(quality)) throw new Error("quality must be one of " + QUALITIES.join(", "));
    this.quality = quality;
    if (this.transport === "webrtc") await this.sendQuality(quality);
    else if (this.hls) this.applyHlsQuality();
    this.emit("quality", { quality, height: this.height });
  }

  async sendQuality(quality) {
    const ack = await this.socket.request("stream:quality", { streamId: this.streamId, quality });
    if (ack && ack.error) { this.fail(ack.error.code, ack.error.message); throw new Error(ack.error.message); }
  }

  /** Chooses an HLS rendition directly (-1: auto), for a menu of the renditions themselves. */
  setHlsLevel(index) {
    if (this.hls) this.hls.currentLevel = index;
  }

  applyHlsQuality() {
    const levels = this.levels();
    if (!this.hls || !levels.length) return;
    const pick = { auto: null, low: levels[0], medium: levels[Math.floor((levels.length - 1) / 2)], high: levels[levels.length - 1] }[this.quality];
    this.hls.currentLevel = pick ? pick.index : -1;
  }

  /** Once a second: the latency estimate and the height of what is received; `quality` when the height changes. */
  async sample() {
    let height = 0;
    if (this.transport === "webrtc" && this.pc) {
      let delay = null, rtt = null;
      (await this.pc.getStats()).forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "video") {
          if (r.jitterBufferEmittedCount) delay = r.jitterBufferDelay / r.jitterBufferEmittedCount;
          height = r.frameHeight || 0;
        }
        if (r.type === "candidate-pair" && r.nominated && r.currentRoundTripTime != null) rtt = r.currentRoundTripTime;
      });
      if (delay != null) this.latencyMs = Math.round((delay + (rtt ?? 0) / 2) * 1000);
    } else if (this.transport === "hls") {
      if (this.hls?.latency != null) this.latencyMs = Math.round(this.hls.latency * 1000);
      height = this.video.videoHeight || 0;
    }
    if (height !== this.height) {
      this.height = height;
      this.emit("quality", { quality: this.quality, height });
    }
  }

  play() { return this.video.play(); }
  pause() { this.video.pause(); }
  /** @param {boolean} muted */
  mute(muted) { this.video.muted = muted; }

  /** The stream ended (or the page gives up): media closed, `ended` fired once. */
  end() {
    if (this.ended) return;
    this.ended = true;
    this.attempt = null;
    this.pc?.close();
    this.hls?.destroy();
    this.emit("ended", {});
  }

  /** Leaves the stream (the viewer is gone; the stream goes on). */
  async close() {
    clearInterval(this.timer);
    this.attempt = null;
    this.pc?.close();
    this.hls?.destroy();
    await this.socket.request("stream:leave", { streamId: this.streamId }).catch(() => {});
  }
}
