// Interop check with the official socket.io-client 4.x, as browsers use it:
// handshake with auth.token, an ack, and a room broadcast between two clients.
// Usage: node socketio-interop.mjs <socketUrl> <tokenA> <tokenB> <streamId>
// Prints one JSON line with what it saw; exits non-zero on any failure or after 15 s.
import { io } from "socket.io-client";

const [url, tokenA, tokenB, streamId] = process.argv.slice(2);
const fail = (why) => { console.log(JSON.stringify({ ok: false, why })); process.exit(1); };
setTimeout(() => fail("timeout"), 15000);

const connect = (token) => new Promise((resolve, reject) => {
  const s = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
  s.on("connect", () => resolve(s));
  s.on("connect_error", (e) => reject(new Error("connect_error: " + JSON.stringify(e.data ?? e.message))));
});

try {
  const a = await connect(tokenA);
  const b = await connect(tokenB);
  const joinAck = await b.timeout(5000).emitWithAck("join-livestream", { streamId });
  const heard = new Promise((resolve) => b.on("chat:message", (m) => resolve(m)));
  await a.timeout(5000).emitWithAck("join-livestream", { streamId });
  const ack = await a.timeout(5000).emitWithAck("chat:message", { streamId, message: "hello from node" });
  const broadcast = await heard;
  const refused = await new Promise((resolve) => {
    const s = io(url, { auth: { token: "forged.token.value" }, transports: ["websocket"], reconnection: false });
    s.on("connect", () => { s.close(); resolve(null); });
    s.on("connect_error", (e) => { s.close(); resolve(e.data ?? { message: e.message }); });
  });
  console.log(JSON.stringify({ ok: true, joinAck, ack, broadcast, refused, transport: a.io.engine.transport.name }));
  a.close();
  b.close();
  process.exit(0);
} catch (e) {
  fail(String(e));
}
