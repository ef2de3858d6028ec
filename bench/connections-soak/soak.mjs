// Connections soak: W WebSocket + P long-polling Socket.IO v4 clients (anonymous viewers) join one live stream's
// room on one node and stay for the whole duration, answering heartbeats; a few signed-in senders keep a slow chat
// trickle going, which every client must receive. Every `sample` seconds it prints one JSON line: clients
// connected and lost, chat delivered, and the server's CPU (cores, from /proc/<pid>/stat), open file descriptors
// (/proc/<pid>/fd), threads and resident memory (/proc/<pid>/status) and heap in use (jvm_memory_used_bytes
// {area="heap"} from /metrics). The last line is the summary.
// Usage: node soak.mjs <httpBase> <serverPid> <websocketClients> <pollingClients> <seconds> [chatPerSecond=1] [sampleSeconds=10] [sourceAddresses=4]
import WebSocket from "ws";
import http from "node:http";
import { io } from "socket.io-client";
import { readFileSync, readdirSync } from "node:fs";

const [base, pid, wsArg, pollArg, secondsArg, chatArg, sampleArg, srcArg] = process.argv.slice(2);
const WS = Number(wsArg), POLL = Number(pollArg), SECONDS = Number(secondsArg);
const CHAT_RATE = Number(chatArg ?? 1), SAMPLE = Number(sampleArg ?? 10), SOURCES = Number(srcArg ?? 4);
// loopback source addresses: 11,000 connections to one port fit one source's ephemeral range, but other
// engineers' tests share it; spreading over 127.0.0.1..N leaves them room
const source = (i) => `127.0.0.${1 + (i % SOURCES)}`;
const post = async (path, token, body) => {
  const r = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json",
    ...(token ? { authorization: "Bearer " + token } : {}) }, body: JSON.stringify(body ?? {}) });
  if (!r.ok) throw new Error(path + " → " + r.status + " " + await r.text());
  return r.json();
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SENDERS = Math.max(1, Math.ceil(CHAT_RATE / 0.4)); // under the chat limit of 5 per 10 s per user
const tokens = [];
for (let j = 0; j < SENDERS; j++) tokens.push((await post("/api/v1/auth/dev-token", null, { name: "soak" + j })).token);
const stream = await post("/api/v1/streams", tokens[0], { title: "connections soak" });
await post(`/api/v1/streams/${stream.id}/start`, tokens[0]);
const socketUrl = (await (await fetch(base + "/api/v1/config/client")).json()).signaling.url;
const sioPath = "/socket.io/?EIO=4&transport=";
const joinFrame = `421${JSON.stringify(["join-livestream", { streamId: stream.id }])}`;

const reasons = {}; // why clients were lost: close codes and HTTP errors, counted
const lost = (why) => { reasons[why] = (reasons[why] ?? 0) + 1; };
const st = { wsJoined: 0, wsLost: 0, wsFailed: 0, pollJoined: 0, pollLost: 0, pollFailed: 0, pings: 0 };
let trickleOn = false, closing = false;
const counts = []; // chat messages received per client, counted once the trickle runs

// --- WebSocket clients: "0{open}" → "40" → "40{sid}" → join → "431[ack]"; "2" → "3" ---
const wsClient = (i) => new Promise((resolve) => {
  const ws = new WebSocket(socketUrl.replace(/^http/, "ws") + sioPath + "websocket", { localAddress: source(i) });
  let joined = false;
  counts[i] = 0;
  ws.on("error", (e) => { if (!joined && st.wsFailed < 3) console.error("websocket client failed:", e.message); });
  ws.on("close", (code) => {
    if (closing) return;
    if (joined) { st.wsLost++; lost("websocket close " + code); } else { st.wsFailed++; delete counts[i]; resolve(); }
  });
  ws.on("message", (buf) => {
    const f = buf.toString();
    if (f === "2") { st.pings++; ws.send("3"); return; }
    if (f.startsWith('42["chat:message"')) { if (trickleOn) counts[i]++; return; }
    if (f.startsWith("0{")) { ws.send("40"); return; }
    if (f.startsWith("40")) { ws.send(joinFrame); return; }
    if (f.startsWith("431")) { joined = true; st.wsJoined++; resolve(); }
  });
});

// --- long-polling clients: GET opens, POST "40", then one GET outstanding at a time; packets split by 0x1e ---
const agents = [];
for (let s = 0; s < SOURCES; s++) agents.push(
  // netty-socketio closes the connection after every polling response (whatever its Connection header says)
  new http.Agent({ keepAlive: false, maxSockets: Infinity, localAddress: `127.0.0.${1 + s}` }));
const u = new URL(socketUrl);
const request = (agent, method, path, body) => new Promise((resolve, reject) => {
  const req = http.request({ host: u.hostname, port: u.port, method, path, agent,
    headers: body ? { "content-type": "text/plain;charset=UTF-8" } : {} }, (res) => {
    let data = "";
    res.setEncoding("utf8");
    res.on("data", (c) => (data += c));
    res.on("end", () => (res.statusCode === 200 ? resolve(data) : reject(new Error(res.statusCode + " " + data))));
  });
  req.on("error", reject);
  req.setTimeout(120000, () => req.destroy(new Error("timeout")));
  req.end(body);
});
const pollClient = async (i) => {
  const agent = agents[i % SOURCES];
  const k = WS + i;
  counts[k] = 0;
  let path, joined = false;
  try {
    const open = await request(agent, "GET", sioPath + "polling");
    path = sioPath + "polling&sid=" + JSON.parse(open.slice(1)).sid;
    await request(agent, "POST", path, "40");
  } catch (e) { if (st.pollFailed < 3) console.error("polling client failed:", e.message); st.pollFailed++; delete counts[k]; return; }
  let ready;
  const joinedP = new Promise((r) => (ready = r));
  (async () => {
    while (!closing) {
      let body;
      try { body = await request(agent, "GET", path); } catch (e) {
        if (!closing) { if (joined) { st.pollLost++; lost("polling GET: " + e.message.slice(0, 60)); } else { st.pollFailed++; delete counts[k]; ready(); } }
        return;
      }
      for (const f of body.split("\x1e")) {
        if (f === "2") { st.pings++; request(agent, "POST", path, "3").catch((e) => lost("pong POST failed: " + e.message.slice(0, 60))); }
        else if (f.startsWith('42["chat:message"')) { if (trickleOn) counts[k]++; }
        else if (f.startsWith("40")) request(agent, "POST", path, joinFrame).catch(() => {});
        else if (f.startsWith("431")) { joined = true; st.pollJoined++; ready(); }
        else if (f === "1") { if (joined) { st.pollLost++; lost("polling close packet"); } return; }
      }
    }
  })();
  await joinedP;
};

const t0 = Date.now();
for (let i = 0; i < WS; i += 200) {
  const batch = [];
  for (let j = i; j < Math.min(WS, i + 200); j++) batch.push(wsClient(j));
  await Promise.all(batch);
}
for (let i = 0; i < POLL; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(POLL, i + 100); j++) batch.push(pollClient(j));
  await Promise.all(batch);
}
const rampSeconds = (Date.now() - t0) / 1000;
const senders = [];
for (let j = 0; j < SENDERS; j++) {
  senders.push(await new Promise((resolve, reject) => {
    const s = io(socketUrl, { auth: { token: tokens[j] }, transports: ["websocket"], forceNew: true, reconnection: false });
    s.on("connect_error", reject);
    s.on("connect", () => resolve(s));
  }));
}
console.error(`ramp: ${st.wsJoined} WebSocket + ${st.pollJoined} polling clients joined in ${rampSeconds.toFixed(1)} s ` +
  `(${st.wsFailed + st.pollFailed} failed); soaking ${SECONDS} s with ${CHAT_RATE} chat message(s)/s`);

// --- server figures ---
const cpuTicks = () => { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return Number(f[11]) + Number(f[12]); };
const status = () => {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  return { rssMiB: Math.round(Number(/VmRSS:\s+(\d+)/.exec(s)[1]) / 1024), threads: Number(/Threads:\s+(\d+)/.exec(s)[1]) };
};
const heapMiB = async () => {
  try {
    const text = await (await fetch(base + "/metrics")).text();
    let sum = 0;
    for (const m of text.matchAll(/^jvm_memory_used_bytes\{area="heap"[^}]*\} (\S+)/gm)) sum += Number(m[1]);
    return Math.round(sum / 1048576);
  } catch { return null; }
};
const fds = () => readdirSync(`/proc/${pid}/fd`).length;

let sent = 0;
trickleOn = true;
const tStart = Date.now();
const trickle = setInterval(() => {
  senders[sent % SENDERS].emit("chat:message", { streamId: stream.id, message: `soak ${sent}` });
  sent++;
}, 1000 / CHAT_RATE);
const samples = [];
let lastTicks = cpuTicks(), lastT = Date.now();
while (Date.now() - tStart < SECONDS * 1000) {
  await sleep(Math.min(SAMPLE * 1000, SECONDS * 1000 - (Date.now() - tStart)));
  const ticks = cpuTicks(), now = Date.now();
  const s = { t: Math.round((now - tStart) / 1000), connected: st.wsJoined - st.wsLost + st.pollJoined - st.pollLost,
    wsLost: st.wsLost, pollLost: st.pollLost, chatSent: sent, cpuCores: +((ticks - lastTicks) / 100 / ((now - lastT) / 1000)).toFixed(2),
    fds: fds(), heapMiB: await heapMiB(), ...status(), pingsAnswered: st.pings };
  lastTicks = ticks; lastT = now;
  samples.push(s);
  console.log(JSON.stringify(s));
}
clearInterval(trickle);
await sleep(3000); // the last messages in flight
trickleOn = false;
const joined = [];
for (let i = 0; i < WS + POLL; i++) if (counts[i] !== undefined) joined.push(counts[i]);
const full = joined.filter((c) => c >= sent).length;
const max = (k) => Math.max(...samples.map((s) => s[k] ?? 0));
const summary = { summary: true, websocketClients: WS, pollingClients: POLL, joined: st.wsJoined + st.pollJoined,
  failedToJoin: st.wsFailed + st.pollFailed, rampSeconds: +rampSeconds.toFixed(1), soakSeconds: SECONDS,
  connectionsLost: st.wsLost + st.pollLost, wsLost: st.wsLost, pollLost: st.pollLost, chatSent: sent,
  clientsWithEveryMessage: full, fewestMessages: Math.min(...joined), pingsAnswered: st.pings,
  cpuCoresMean: +(samples.reduce((a, s) => a + s.cpuCores, 0) / samples.length).toFixed(2), cpuCoresMax: max("cpuCores"),
  lostBecause: reasons, fdsMax: max("fds"), heapMiBMax: max("heapMiB"), rssMiBMax: max("rssMiB"), threadsMax: max("threads") };
console.log(JSON.stringify(summary));
closing = true;
process.exit(0);
