// The reference: the official Node.js Socket.IO server doing the same room broadcast as Relaycast's chat
// (same event names and payload fields, WebSocket compression off as in Relaycast), and nothing else: no auth,
// no rate limit, no database. Usage: node reference-server.mjs <port>
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";

const io = new Server(createServer().listen(Number(process.argv[2]), "127.0.0.1"), { perMessageDeflate: false });
io.on("connection", (socket) => {
  socket.on("join-livestream", ({ streamId }, ack) => { socket.join("stream:" + streamId); ack?.({ streamId }); });
  socket.on("chat:message", ({ streamId, message }, ack) => {
    const m = { id: randomUUID(), streamId, userId: socket.id, displayName: "bench", message, pinned: false,
      timestamp: new Date().toISOString() };
    io.to("stream:" + streamId).emit("chat:message", m);
    ack?.(m);
  });
});
