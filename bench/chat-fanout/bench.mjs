// Chat fan-out benchmark: N Socket.IO clients in one room, M messages per second for S seconds.
// Reports delivery latency (send → each receiver, measured in this one process, so one clock) and the
// server's CPU use read from /proc/<pid>/stat over the sending phase (summed over every server process given).
// Receivers are raw Engine.IO v4 / Socket.IO v4 WebSocket clients (the `ws` package that socket.io-client itself
// uses) that only look for the send time in each frame: on a 2-core machine the load generator must not eat
// the cores the server is being measured on. Senders use the official socket.io-client.
// Usage: node bench.mjs <target> <httpBases> <serverPids> [clients=1000] [rate=50] [seconds=60]
//   target: relaycast (REST for tokens and the stream, then Socket.IO at the URL /api/v1/config/client gives) or
//           reference (the Socket.IO URL itself, no REST); httpBases and serverPids: comma-separated, one per
//           node; clients (receivers and senders alike) are spread round-robin over the nodes.
import { io } from "socket.io-client";
import WebSocket from "ws";
import { readFileSync } from "node:fs";

const [target, basesArg, pidsArg, clientsArg, rateArg, secondsArg] = process.argv.slice(2);
const bases = basesArg.split(","), pids = pidsArg.split(",");
const CLIENTS = Number(clientsArg ?? 1000), RATE = Number(rateArg ?? 50), SECONDS = Number(secondsArg ?? 60);
// Relaycast's default chat limit is 5 messages per 10 s per user: spread sending over enough users (the
// reference server gets the same senders)
// the first seconds at the full rate are a warm-up (the JVM's JIT, Node's too) and are not measured
const WARMUP = Number(process.env.WARMUP_SECONDS ?? 5);
const SENDERS = Math.min(CLIENTS, Math.max(1, Math.ceil(RATE / 0.4)));
const post = async (path, token, body) => {
  const r = await fetch(bases[0] + path, { method: "POST", headers: { "content-type": "application/json",
    ...(token ? { authorization: "Bearer " + token } : {}) }, body: JSON.stringify(body ?? {}) });
  if (!r.ok) throw new Error(path + " → " + r.status + " " + await r.text());
  return r.json();
};
const cpuSeconds = () => pids.reduce((sum, pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return sum + (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}, 0);
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))];

let socketUrls, streamId;
const tokens = [];
if (target === "relaycast") {
  socketUrls = [];
  for (const b of bases) socketUrls.push((await (await fetch(b + "/api/v1/config/client")).json()).signaling.url);
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(CLIENTS, i + 50); j++) batch.push(post("/api/v1/auth/dev-token", null, { name: "bench" + j }));
    for (const t of await Promise.all(batch)) tokens.push(t.token);
  }
  const stream = await post("/api/v1/streams", tokens[0], { title: "chat fan-out bench" });
  await post(`/api/v1/streams/${stream.id}/start`, tokens[0]);
  streamId = stream.id;
} else {
  socketUrls = bases;
  streamId = "reference";
  for (let j = 0; j < CLIENTS; j++) tokens.push("unused");
}
const socketUrl = (i) => socketUrls[i % socketUrls.length];

const latencies = [];
let measureFrom = Infinity;
let received = 0, errors = 0;
// Socket.IO v4 over a raw WebSocket: "0{open}" → we send "40{auth}" → "40{sid}"; "2" ping → "3" pong;
// events are "42[name, payload]", acks "43<id>[...]".
const rawClient = (i) => new Promise((resolve, reject) => {
  const ws = new WebSocket(socketUrl(i).replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
  ws.on("error", reject);
  ws.on("message", (buf) => {
    const f = buf.toString();
    if (f === "2") { ws.send("3"); return; }
    if (f.startsWith("0{")) { ws.send("40" + JSON.stringify({ token: tokens[i] })); return; }
    if (f.startsWith("40")) { ws.send(`421${JSON.stringify(["join-livestream", { streamId }])}`); return; }
    if (f.startsWith("431")) { resolve(ws); return; }
    if (f.startsWith('42["chat:message"')) {
      const k = f.indexOf('"message":"') + 11;
      const sentAt = Number(f.slice(k, f.indexOf(" ", k)));
      if (sentAt >= measureFrom) {
        latencies.push(performance.now() - sentAt);
        received++;
      }
    } else if (f.startsWith('42["stream:error"')) errors++;
  });
});
const receivers = [];
for (let i = 0; i < CLIENTS; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(CLIENTS, i + 100); j++) batch.push(rawClient(j));
  receivers.push(...await Promise.all(batch));
}
const sockets = [];
for (let j = 0; j < SENDERS; j++) {
  sockets.push(await new Promise((resolve, reject) => {
    const s = io(socketUrl(j), { auth: { token: tokens[j] }, transports: ["websocket"], forceNew: true, reconnection: false });
    s.on("connect_error", reject);
    s.on("connect", () => resolve(s));
    s.on("stream:error", () => errors++);
  }));
}
console.error(`${target}: connected ${receivers.length} receivers to ${socketUrls.length} node(s); sending ${RATE} msg/s for ${SECONDS} s from ${SENDERS} senders`);

let cpu0 = 0, t0 = performance.now();
const total = RATE * (WARMUP + SECONDS), warm = RATE * WARMUP;
let sent = 0;
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    while (sent < due && sent < total) {
      if (sent === warm) { measureFrom = performance.now(); cpu0 = cpuSeconds(); }
      sockets[sent % SENDERS].emit("chat:message", { streamId, message: `${performance.now()} bench` });
      sent++;
    }
    if (sent >= total) { clearInterval(tick); resolve(); }
  }, 5);
});
await new Promise((r) => setTimeout(r, 2000)); // let the last messages arrive
const wall = (performance.now() - measureFrom) / 1000, cpu = cpuSeconds() - cpu0;
sent -= warm;
latencies.sort((a, b) => a - b);
const result = {
  target, nodes: socketUrls.length, clients: CLIENTS, senders: SENDERS, rate: RATE, messagesSent: sent,
  expectedDeliveries: sent * CLIENTS, deliveries: received, streamErrors: errors,
  p50ms: +pct(latencies, 0.5).toFixed(1), p99ms: +pct(latencies, 0.99).toFixed(1),
  maxMs: +latencies[latencies.length - 1].toFixed(1), serverCpuCores: +(cpu / wall).toFixed(2), wallSeconds: +wall.toFixed(1),
};
console.log(JSON.stringify(result));
for (const s of sockets) s.close();
for (const w of receivers) w.close();
process.exit(0);
