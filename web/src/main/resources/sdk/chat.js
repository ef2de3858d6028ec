// A stream's chat room without any DOM: history over REST, live messages, reactions and moderation over
// Socket.IO (the contract's chat events). The pages' chat panel draws what this class hears.

/** The reaction types the server takes, with the emoji the pages draw for them. */
export const REACTIONS = { like: "👍", love: "❤️", fire: "🔥", clap: "👏", wow: "😮" };

/**
 * @typedef {object} ChatMessage
 * @property {string} id
 * @property {string} streamId
 * @property {string} [userId]
 * @property {string} displayName
 * @property {string} message the text (a REST comment's `content`, named as on the socket)
 * @property {boolean} [pinned]
 * @property {string|number} [timestamp]
 */

/** A refused chat action: `code` is the server's (`BANNED`, `RATE_LIMITED`, `CHAT_DISABLED`, ...). */
export class ChatError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) { super(message); this.code = code; }
}

/**
 * One stream's chat. Events (CustomEvent, data in `detail`): `message` (a {@link ChatMessage}), `deleted` {id},
 * `pinned` {id}, `reaction` {type, userId, x, y}, `viewers` {current, peak}.
 */
export class Chat extends EventTarget {
  /**
   * @param {{socket: import("./socketio.js").Socket, api: (path: string, options?: object) => Promise<any>, streamId: string}} options
   */
  constructor({ socket, api, streamId }) {
    super();
    this.socket = socket;
    this.api = api;
    this.streamId = streamId;
    const mine = (m) => m && (m.streamId === undefined || m.streamId === streamId);
    this.handlers = {
      "chat:message": (m) => { if (mine(m)) this.emit("message", m); },
      "stream:chat-deleted": (m) => { if (mine(m)) this.emit("deleted", m); },
      "stream:chat-pinned": (m) => { if (mine(m)) this.emit("pinned", m); },
      "stream:reaction": (r) => { if (mine(r)) this.emit("reaction", r); },
      "stream:viewer-count": (c) => { if (mine(c)) this.emit("viewers", c); },
    };
    for (const [name, fn] of Object.entries(this.handlers)) socket.on(name, fn);
  }

  /** @param {string} name @param {object} [detail] */
  emit(name, detail = {}) { this.dispatchEvent(new CustomEvent(name, { detail })); }

  /** Joins the room (join-livestream): live messages, reactions and counts start coming. */
  async join() {
    const r = await this.socket.request("join-livestream", { streamId: this.streamId });
    if (r && r.error) throw new ChatError(r.error.code, r.error.message);
  }

  /**
   * The latest messages, oldest first.
   * @param {number} [limit]
   * @returns {Promise<ChatMessage[]>}
   */
  async history(limit = 50) {
    const page = await this.api(`/streams/${encodeURIComponent(this.streamId)}/comments?limit=${limit}`);
    return page.items.map((c) => ({ ...c, message: c.message ?? c.content, streamId: this.streamId }));
  }

  /**
   * Sends a message (1-500 characters); resolves with the stored message, rejects with a {@link ChatError}.
   * @param {string} message
   * @returns {Promise<ChatMessage>}
   */
  async send(message) {
    return this.ask("chat:message", { streamId: this.streamId, message });
  }

  /**
   * A reaction floating over the player: `like`, `love`, `fire`, `clap` or `wow`, at x, y (0-100) or anywhere.
   * @param {string} type @param {number} [x] @param {number} [y]
   */
  async react(type, x = 10 + Math.random() * 80, y = 60 + Math.random() * 30) {
    return this.ask("stream:reaction", { streamId: this.streamId, type, x, y });
  }

  /** Pins a message (owner or moderator). @param {string} id */
  pin(id) { return this.ask("chat:pin", { streamId: this.streamId, id }); }

  /** Deletes a message (owner or moderator). @param {string} id */
  remove(id) { return this.ask("chat:delete", { streamId: this.streamId, id }); }

  /** Bans a user from this stream's chat and reactions (owner or moderator). @param {string} userId */
  ban(userId) { return this.api(`/streams/${encodeURIComponent(this.streamId)}/bans`, { method: "POST", body: { userId } }); }

  async ask(event, data) {
    const r = await this.socket.request(event, data);
    if (r && r.error) throw new ChatError(r.error.code, r.error.message);
    return r;
  }

  /** Stops listening (the socket stays open). */
  close() {
    for (const [name, fn] of Object.entries(this.handlers)) this.socket.off(name, fn);
  }
}
