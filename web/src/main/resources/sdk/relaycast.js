// Relaycast's browser SDK, an ES module: `import { Relaycast } from "https://live.example.com/sdk/relaycast.js"`.
// Watch a stream into a <video>, publish a MediaStream, chat and react. The same modules run Relaycast's own
// watch, studio and embed pages. See the README ("Browser SDK") and docs/api.md.
import { connect } from "./socketio.js";
import { createApi, clientConfig, DEFAULT_SERVER, ApiError } from "./http.js";
import { Player, QUALITIES } from "./player.js";
import { Publisher, simulcastEncodings } from "./publisher.js";
import { Chat, ChatError, REACTIONS } from "./chat.js";

export { connect, createApi, clientConfig, ApiError, Player, QUALITIES, Publisher, simulcastEncodings, Chat, ChatError, REACTIONS };

/**
 * @typedef {object} RelaycastOptions
 * @property {string} [server] the Relaycast server's origin, e.g. "https://live.example.com" (default: the origin
 *   this module was loaded from)
 * @property {string|null} [token] a JWT from the integrator's backend (`sub`, `name`), or null to watch anonymously
 */

/** One connection to a Relaycast server for one user. */
export class Relaycast {
  /** @param {RelaycastOptions} [options] */
  constructor({ server = DEFAULT_SERVER, token = null } = {}) {
    this.server = server.replace(/\/$/, "");
    this.token = token;
    this.api = createApi({ server: this.server, token: () => this.token });
    /** @type {Promise<import("./socketio.js").Socket>|null} */ this.socketPromise = null;
  }

  /**
   * The Socket.IO connection (opened on first use, shared by every player, publisher and chat of this client).
   * @returns {Promise<import("./socketio.js").Socket>}
   */
  socket() {
    this.socketPromise ??= (async () => {
      const cfg = await clientConfig(this.server);
      const socket = connect(cfg.signaling.url, { auth: this.token ? { token: this.token } : {} });
      await new Promise((resolve, reject) => {
        if (socket.connected) { resolve(); return; }
        socket.on("connect", resolve);
        socket.on("connect_error", (e) => reject(new ApiError(401, e?.code ?? "CONNECT_ERROR", e?.message ?? "Socket.IO connection refused")));
      });
      return socket;
    })();
    return this.socketPromise;
  }

  /**
   * A stream's details (`GET /api/v1/streams/{id}`).
   * @param {string} streamId
   */
  stream(streamId) { return this.api(`/streams/${encodeURIComponent(streamId)}`); }

  /**
   * Watches a stream into `video` (WebRTC, HLS fallback); starts at once if live, else when it goes live.
   * @param {HTMLVideoElement} video
   * @param {string} streamId
   * @param {{forceHls?: boolean, quality?: import("./player.js").Quality, muted?: boolean}} [options] muted: true by
   *   default, since browsers autoplay only muted video (unmute on a click: `player.mute(false)`)
   * @returns {Promise<Player>}
   */
  async watch(video, streamId, { forceHls = false, quality = "auto", muted = true } = {}) {
    const [socket, details] = await Promise.all([this.socket(), this.stream(streamId)]);
    video.muted = muted;
    const player = new Player({ video, streamId, socket, server: this.server, token: () => this.token, forceHls });
    player.quality = quality;
    await player.start(details);
    return player;
  }

  /**
   * Publishes `media` (one audio, one video track) to a stream the token's user owns; simulcast when the camera
   * allows it.
   * @param {MediaStream} media
   * @param {string} streamId
   * @param {{simulcast?: boolean, maxKbps?: number, maxFps?: number}} [options]
   * @returns {Promise<Publisher>}
   */
  async publish(media, streamId, options = {}) {
    const publisher = new Publisher({ socket: await this.socket(), streamId, media, ...options });
    await publisher.start();
    publisher.healthTimer = setInterval(() => publisher.sampleHealth().catch(() => {}), 5000);
    publisher.addEventListener("ended", () => clearInterval(publisher.healthTimer));
    return publisher;
  }

  /**
   * A stream's chat room, joined.
   * @param {string} streamId
   * @returns {Promise<Chat>}
   */
  async chat(streamId) {
    const chat = new Chat({ socket: await this.socket(), api: this.api, streamId });
    await chat.join();
    return chat;
  }

  /**
   * Dev mode only: a token for a display name (`POST /api/v1/auth/dev-token`), used from now on.
   * @param {string} name
   * @returns {Promise<{token: string, user: {id: string, name: string}}>}
   */
  async devSignIn(name) {
    const r = await this.api("/auth/dev-token", { method: "POST", body: { name }, token: null });
    this.token = r.token;
    if (this.socketPromise) { (await this.socketPromise).close(); this.socketPromise = null; }
    return r;
  }

  /** Closes the Socket.IO connection. */
  async close() {
    if (this.socketPromise) (await this.socketPromise.catch(() => null))?.close();
    this.socketPromise = null;
  }
}
