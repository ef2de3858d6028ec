// Publishing a MediaStream over Socket.IO (stream:offer / stream:offer:ack): simulcast in three layers when the
// camera's picture is big enough, media health every few seconds (stream:quality-update), end. The studio and
// integrators (through relaycast.js) use this class.

/**
 * @typedef {object} Encoding an RTCRtpEncodingParameters with its rid
 * @property {string} rid
 * @property {number} scaleResolutionDownBy
 * @property {number} maxBitrate bit/s
 * @property {number} [maxFramerate]
 */

/** The smallest layer worth sending: below this height a lower layer only costs the publisher's CPU. */
export const MIN_LAYER_HEIGHT = 180;

/**
 * The simulcast layers for a camera picture `height` pixels high, lowest first (the SFU numbers layers in the
 * order of a=simulcast, which is this order): q (a quarter), h (half), f (full), keeping only those at least
 * {@link MIN_LAYER_HEIGHT} high; one layer means no simulcast. A 720p camera gives 180/360/720, 480p gives
 * 240/480, 360p gives 180/360, anything smaller one layer. Bitrates: the full layer gets `kbps`, the half about
 * 30 % of it and the quarter about 8 % (the pixel ratios, with more per pixel for the small ones).
 * @param {number} height the camera's picture height
 * @param {number} kbps the top layer's ceiling
 * @param {number} [fps]
 * @returns {Encoding[]}
 */
export function simulcastEncodings(height, kbps, fps) {
  const layers = [
    { rid: "q", scaleResolutionDownBy: 4, share: 0.08 },
    { rid: "h", scaleResolutionDownBy: 2, share: 0.3 },
    { rid: "f", scaleResolutionDownBy: 1, share: 1 },
  ].filter((l) => l.scaleResolutionDownBy === 1 || height / l.scaleResolutionDownBy >= MIN_LAYER_HEIGHT);
  return layers.map((l) => ({ rid: l.rid, scaleResolutionDownBy: l.scaleResolutionDownBy,
    maxBitrate: Math.max(50, Math.round(kbps * l.share)) * 1000, ...(fps ? { maxFramerate: fps } : {}) }));
}

/**
 * @typedef {object} PublisherOptions
 * @property {import("./socketio.js").Socket} socket signed in as the stream's owner
 * @property {string} streamId
 * @property {MediaStream} media one audio and one video track
 * @property {boolean} [simulcast] true (default): layers as {@link simulcastEncodings} says
 * @property {number} [maxKbps] the top layer's ceiling (2500)
 * @property {number} [maxFps]
 */

/**
 * A publication. Events: `live`, `error` {code, message}, `connection` {state}, `health` (a sample as sent in
 * stream:quality-update), `ended`.
 */
export class Publisher extends EventTarget {
  /** @param {PublisherOptions} options */
  constructor({ socket, streamId, media, simulcast = true, maxKbps = 2500, maxFps }) {
    super();
    this.socket = socket;
    this.streamId = streamId;
    this.media = media;
    this.simulcast = simulcast;
    this.maxKbps = maxKbps;
    this.maxFps = maxFps;
    /** @type {RTCPeerConnection|null} */ this.pc = null;
    this.live = false;
    /** The rids sent, lowest first ([] without simulcast). @type {string[]} */ this.layers = [];
    this.lastOut = null;
    this.onCandidate = (m) => this.candidate(m);
  }

  /** @param {string} name @param {object} [detail] */
  emit(name, detail = {}) { this.dispatchEvent(new CustomEvent(name, { detail })); }

  encodings() {
    const video = this.media.getVideoTracks()[0];
    const height = video?.getSettings().height ?? 0;
    return simulcastEncodings(height, this.maxKbps, this.maxFps);
  }

  /** Offers, waits for the SFU's answer; resolves once the answer is applied (media follows on its own). */
  async start() {
    const pc = (this.pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" }));
    const encodings = this.simulcast ? this.encodings() : [];
    this.layers = encodings.length > 1 ? encodings.map((e) => e.rid) : [];
    for (const t of this.media.getTracks()) {
      pc.addTransceiver(t, t.kind === "video" && this.layers.length
        ? { direction: "sendonly", sendEncodings: encodings } : { direction: "sendonly" });
    }
    this.pending = [];
    this.remoteSet = false;
    this.socket.on("stream:ice-candidate:received", this.onCandidate);
    pc.onicecandidate = (e) => { if (e.candidate) this.socket.emit("stream:ice-candidate", { streamId: this.streamId, candidate: e.candidate.toJSON() }); };
    pc.onconnectionstatechange = () => this.emit("connection", { state: pc.connectionState });
    await pc.setLocalDescription(await pc.createOffer());
    const ack = await this.socket.request("stream:offer", { streamId: this.streamId, offer: { type: "offer", sdp: pc.localDescription.sdp } });
    if (ack.error) {
      this.stop();
      const e = new Error(ack.error.message);
      e.code = ack.error.code;
      this.emit("error", ack.error);
      throw e;
    }
    await pc.setRemoteDescription(ack.answer);
    this.remoteSet = true;
    for (const c of this.pending.splice(0)) await pc.addIceCandidate(c).catch(() => {});
    await this.applyLimits();
    this.live = true;
    this.emit("live", { layers: this.layers });
  }

  async candidate(m) {
    if (!this.pc) return;
    if (!this.remoteSet) this.pending.push(m.candidate); else await this.pc.addIceCandidate(m.candidate).catch(() => {});
  }

  /**
   * The encoder's ceilings per layer. Layers keep their sizes under CPU load (maintain-resolution: frames drop
   * instead), so a viewer's choice of Low, Medium or High always means a picture size.
   */
  async applyLimits() {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === "video");
    if (!sender) return;
    const p = sender.getParameters();
    if (!p.encodings || !p.encodings.length) p.encodings = [{}];
    if (this.layers.length) {
      const wanted = this.encodings();
      p.encodings.forEach((e) => {
        const w = wanted.find((x) => x.rid === e.rid);
        if (w) { e.active = true; e.maxBitrate = w.maxBitrate; if (this.maxFps) e.maxFramerate = this.maxFps; } else e.active = false;
      });
      p.degradationPreference = "maintain-resolution";
    } else {
      p.encodings[0].maxBitrate = this.maxKbps * 1000;
      if (this.maxFps) p.encodings[0].maxFramerate = this.maxFps;
    }
    await sender.setParameters(p).catch((e) => this.emit("error", { code: "ENCODER_PARAMETERS", message: String(e) }));
  }

  /**
   * New devices or quality while live: the tracks are swapped without renegotiating (the layers stay those
   * negotiated; one the new picture is too small for is paused).
   * @param {MediaStream} media @param {{maxKbps?: number, maxFps?: number}} [limits]
   */
  async replaceMedia(media, { maxKbps = this.maxKbps, maxFps = this.maxFps } = {}) {
    this.media = media;
    this.maxKbps = maxKbps;
    this.maxFps = maxFps;
    if (!this.pc) return;
    for (const sender of this.pc.getSenders()) {
      const track = media.getTracks().find((t) => t.kind === sender.track?.kind);
      if (track) await sender.replaceTrack(track);
    }
    await this.applyLimits();
  }

  /**
   * One media health sample (every layer's bytes summed, the top layer's size), sent as stream:quality-update.
   * @returns {Promise<object|null>}
   */
  async sampleHealth() {
    if (!this.pc || !this.live) return null;
    const stats = await this.pc.getStats();
    let bytes = 0, at = 0, fps = 0, width = 0, height = 0, remote = null, pair = null;
    stats.forEach((r) => {
      if (r.type === "outbound-rtp" && r.kind === "video") {
        bytes += r.bytesSent ?? 0;
        at = r.timestamp;
        if ((r.frameHeight ?? 0) >= height) { height = r.frameHeight ?? 0; width = r.frameWidth ?? 0; fps = r.framesPerSecond ?? fps; }
      }
      if (r.type === "remote-inbound-rtp" && r.kind === "video" && (remote == null || r.fractionLost > remote.fractionLost)) remote = r;
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") pair = r;
    });
    if (!at) return null;
    const prev = this.lastOut;
    this.lastOut = { bytes, at };
    const bitrate = prev ? Math.round(((bytes - prev.bytes) * 8) / ((at - prev.at) / 1000)) : 0;
    const sample = {
      streamId: this.streamId, bitrate, fps, width, height,
      packetLoss: remote?.fractionLost != null ? +(remote.fractionLost * 100).toFixed(2) : 0,
      rtt: pair?.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) : 0,
    };
    this.socket.emit("stream:quality-update", sample);
    this.emit("health", sample);
    return sample;
  }

  /** Ends the stream for everybody (stream:end), then stops. */
  async end() {
    const r = await this.socket.request("stream:end", { streamId: this.streamId });
    this.stop();
    if (r && r.error) { const e = new Error(r.error.message); e.code = r.error.code; throw e; }
    this.emit("ended", {});
  }

  /** Stops sending (the stream stays live for the server's publisher grace, then ends). */
  stop() {
    this.live = false;
    this.socket.off("stream:ice-candidate:received", this.onCandidate);
    this.pc?.close();
    this.pc = null;
  }
}
