// A small Socket.IO v4 client for our pages and the SDK (WebSocket transport only).
// Protocol: Engine.IO v4 packets over one WebSocket — "0" open, "2"/"3" ping/pong, "4" message — carrying
// Socket.IO v4 packets: "40{auth}" connect, "41" disconnect, "42[id][name,data]" event, "43id[data]" ack,
// "44{error}" connect error. We ship our own because the socket.io-client WebJar is not available to our build;
// third-party pages can use the official client (our interop test proves it).
/**
 * @typedef {object} Socket
 * @property {boolean} connected
 * @property {(name: string, fn: (...args: any[]) => void) => Socket} on
 * @property {(name: string, fn: (...args: any[]) => void) => Socket} off
 * @property {(name: string, data: object) => void} emit
 * @property {(name: string, data: object, timeout?: number) => Promise<any>} request emit with an ack
 * @property {() => void} close
 */

/**
 * Opens a Socket.IO v4 connection (reconnects with backoff unless told not to).
 * @param {string} url the server's Socket.IO base URL (`signaling.url` of `/api/v1/config/client`)
 * @param {{auth?: {token?: string}, reconnect?: boolean}} [options]
 * @returns {Socket}
 */
export function connect(url, { auth = {}, reconnect = true } = {}) {
  const handlers = new Map();
  const acks = new Map();
  let ws = null, nextAck = 1, closedByUs = false, attempt = 0, pingTimer = null, connected = false;
  const queue = [];

  const fire = (name, ...args) => (handlers.get(name) || []).slice().forEach((fn) => { try { fn(...args); } catch (e) { console.error(e); } });
  const endpoint = () => url.replace(/^http/, "ws").replace(/\/$/, "") + "/socket.io/?EIO=4&transport=websocket";
  const sendRaw = (frame) => { if (ws && ws.readyState === 1) ws.send(frame); };

  function open() {
    ws = new WebSocket(endpoint());
    ws.onmessage = (m) => onFrame(String(m.data));
    ws.onclose = () => {
      clearTimeout(pingTimer);
      const was = connected;
      connected = false;
      for (const [, a] of acks) a.reject(new Error("disconnected"));
      acks.clear();
      if (was) fire("disconnect");
      if (!closedByUs && reconnect) {
        attempt++;
        const delay = Math.min(10000, 500 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2);
        fire("reconnecting", { attempt, delay });
        setTimeout(open, delay);
      }
    };
  }

  function watchdog(ms) {
    clearTimeout(pingTimer);
    pingTimer = setTimeout(() => ws && ws.close(), ms); // no ping from the server: the link is dead
  }

  function onFrame(f) {
    switch (f[0]) {
      case "0": { // Engine.IO open: {sid, pingInterval, pingTimeout, maxPayload}
        const o = JSON.parse(f.slice(1));
        socket.pingWindow = o.pingInterval + o.pingTimeout;
        watchdog(socket.pingWindow);
        sendRaw("40" + JSON.stringify(auth));
        return;
      }
      case "2": sendRaw("3"); watchdog(socket.pingWindow); return;
      case "4": onPacket(f.slice(1)); return;
      default: return;
    }
  }

  function onPacket(p) {
    const type = p[0];
    let i = 1;
    while (i < p.length && p[i] >= "0" && p[i] <= "9") i++;
    const id = i > 1 ? Number(p.slice(1, i)) : null;
    const body = p.length > i ? JSON.parse(p.slice(i)) : null;
    if (type === "0") {
      connected = true;
      attempt = 0;
      fire("connect");
      queue.splice(0).forEach(sendRaw);
    } else if (type === "4") {
      fire("connect_error", body && (body.data || body));
    } else if (type === "2" && Array.isArray(body)) {
      fire(body[0], ...body.slice(1));
    } else if (type === "3" && id !== null && acks.has(id)) {
      const a = acks.get(id);
      acks.delete(id);
      a.resolve(Array.isArray(body) ? body[0] : body);
    } else if (type === "1") {
      connected = false;
      fire("disconnect");
    }
  }

  const socket = {
    pingWindow: 45000,
    get connected() { return connected; },
    on(name, fn) { if (!handlers.has(name)) handlers.set(name, []); handlers.get(name).push(fn); return socket; },
    off(name, fn) { handlers.set(name, (handlers.get(name) || []).filter((h) => h !== fn)); return socket; },
    emit(name, data) {
      const frame = "42" + JSON.stringify([name, data]);
      if (connected) sendRaw(frame); else queue.push(frame);
    },
    // emit with an ack; resolves with the server's answer, rejects after `timeout` ms
    request(name, data, timeout = 10000) {
      return new Promise((resolve, reject) => {
        const id = nextAck++;
        const t = setTimeout(() => { acks.delete(id); reject(new Error(name + ": no answer")); }, timeout);
        acks.set(id, { resolve: (v) => { clearTimeout(t); resolve(v); }, reject: (e) => { clearTimeout(t); reject(e); } });
        const frame = "42" + id + JSON.stringify([name, data]);
        if (connected) sendRaw(frame); else queue.push(frame);
      });
    },
    close() { closedByUs = true; sendRaw("41"); if (ws) ws.close(); },
  };
  open();
  return socket;
}
