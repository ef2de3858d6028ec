package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.MemoryPubSubStore;
import com.corundumstudio.socketio.store.pubsub.DispatchMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubStore;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Room broadcasts, encoded once. netty-socketio's {@code BroadcastOperations.sendEvent} hands the same packet to
 * every client, and each client's pipeline then runs {@code PacketEncoder.encodePacket} (the JSON of the whole
 * event) and frames it again: a 1,000-viewer room cost 1,000 JSON encodings and 1,000 buffers per chat message.
 * Here the packet is encoded once, with netty-socketio's own encoder so the bytes are the ones it would send, and
 * framed once as a complete WebSocket text frame (RFC 6455 section 5.2: FIN, opcode 1, unmasked as a server must
 * send, section 5.1); every WebSocket connection in the room then gets a retained duplicate of that one buffer
 * (pooled: no per-recipient allocation in steady state). Writes are grouped per event loop (one task per loop per
 * broadcast) and flushed per loop after whatever broadcasts are already queued there, so a backlog of messages
 * goes out in one {@code writev} per connection rather than one per message.
 *
 * <p>Clients on long-polling, or whose WebSocket {@link WebSocketConnections} has not seen yet, take
 * netty-socketio's own path (their bytes are framed per HTTP response anyway). With Redis the packet is also
 * published for the other nodes exactly as netty-socketio publishes it, and {@link #takeOverRemoteDispatch()}
 * makes each node deliver what it receives the same encode-once way.
 */
final class RoomFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(RoomFanOut.class);

    private final SocketIOServer server;
    private final WebSocketConnections connections;
    private final PacketEncoder encoder;
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final int maxFramePayload;
    private final Map<EventExecutor, FlushQueue> flushQueues = new ConcurrentHashMap<>();
    private final LongAdder slowConsumersClosed = new LongAdder();

    RoomFanOut(SocketIOServer server, WebSocketConnections connections) {
        this.server = server;
        this.connections = connections;
        Configuration c = server.getConfiguration();
        this.encoder = new PacketEncoder(c, c.getJsonSupport());
        this.maxFramePayload = c.getMaxFramePayloadLength();
    }

    /** {@code name(data)} to everyone in {@code room}, on this node and (with Redis) on the others. */
    void sendEvent(String room, String name, Object data) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        packet.setSubType(PacketType.EVENT);
        packet.setName(name);
        packet.setData(Arrays.asList(data)); // as netty-socketio does: its Redis codec knows this list
        Namespace ns = defaultNamespace();
        deliverLocally(ns, room, packet);
        server.getConfiguration().getStoreFactory().pubSubStore()
                .publish(PubSubType.DISPATCH, new DispatchMessage(room, packet, ns.getName()));
    }

    /**
     * {@code name(data)} to the clients in {@code room} connected to this node only: for notices every node sends
     * to its own clients (a dead origin's viewers, decision 306), which through Redis would arrive once per node.
     */
    void sendEventLocally(String room, String name, Object data) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        packet.setSubType(PacketType.EVENT);
        packet.setName(name);
        packet.setData(Arrays.asList(data));
        deliverLocally(defaultNamespace(), room, packet);
    }

    /**
     * netty-socketio's store subscribes every node to DISPATCH with a listener that sends per client (re-encoding
     * for each); replace it, once the server has started, with one that delivers through this class.
     */
    void takeOverRemoteDispatch() {
        PubSubStore pubSub = server.getConfiguration().getStoreFactory().pubSubStore();
        if (pubSub instanceof MemoryPubSubStore) {
            return; // one node: nothing arrives from elsewhere
        }
        pubSub.unsubscribe(PubSubType.DISPATCH);
        pubSub.subscribe(PubSubType.DISPATCH, msg -> {
            SocketIONamespace n = server.getNamespace(msg.getNamespace());
            if (n instanceof Namespace ns) {
                deliverLocally(ns, msg.getRoom(), msg.getPacket());
            }
        }, DispatchMessage.class);
    }

    /** WebSocket connections closed because they held more unsent bytes than allowed (stopped reading). */
    long slowConsumersClosed() {
        return slowConsumersClosed.sum();
    }

    private Namespace defaultNamespace() {
        return (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
    }

    void deliverLocally(Namespace ns, String room, Packet packet) {
        ByteBuf frame = null;
        boolean framed = true;
        Map<EventExecutor, Batch> batches = null;
        for (SocketIOClient client : ns.getRoomClients(room)) {
            ChannelHandlerContext ctx = framed && client.getTransport() == Transport.WEBSOCKET
                    ? connections.get(client.getSessionId()) : null;
            if (ctx != null && frame == null) {
                frame = frame(packet);
                framed = frame != null;
            }
            if (ctx == null || !framed) {
                client.send(packet); // polling, or not a frame we can share: netty-socketio's path
                continue;
            }
            if (batches == null) {
                batches = new IdentityHashMap<>(4);
            }
            EventExecutor loop = ctx.executor();
            Batch b = batches.get(loop);
            if (b == null) {
                b = new Batch(frame, flushQueue(loop), slowConsumersClosed);
                batches.put(loop, b);
            }
            b.targets.add(ctx);
        }
        if (frame == null) {
            return;
        }
        try {
            if (batches != null) {
                for (Map.Entry<EventExecutor, Batch> e : batches.entrySet()) {
                    frame.retain(); // one reference per loop task; the task releases it
                    try {
                        e.getKey().execute(e.getValue());
                    } catch (RejectedExecutionException shuttingDown) {
                        frame.release();
                    }
                }
            }
        } finally {
            frame.release();
        }
    }

    /** The packet as one complete WebSocket text frame, or null to leave it to netty-socketio (binary, oversize). */
    private ByteBuf frame(Packet packet) {
        ByteBuf payload = alloc.ioBuffer();
        try {
            encoder.encodePacket(packet, payload, alloc, true);
            int len = payload.readableBytes();
            if (packet.hasAttachments() || len > maxFramePayload) {
                return null;
            }
            // RFC 6455 section 5.2: FIN=1, RSV=0, opcode 0x1 (text); MASK=0; 7-bit length, or 126 + 16-bit, or 127 + 64-bit
            int header = len < 126 ? 2 : len <= 0xFFFF ? 4 : 10;
            ByteBuf frame = alloc.ioBuffer(header + len);
            frame.writeByte(0x81);
            if (len < 126) {
                frame.writeByte(len);
            } else if (len <= 0xFFFF) {
                frame.writeByte(126).writeShort(len);
            } else {
                frame.writeByte(127).writeLong(len);
            }
            frame.writeBytes(payload);
            return frame;
        } catch (IOException | RuntimeException e) {
            LOG.warn("broadcast of {} not pre-encoded, sending per client: {}", packet.getName(), e.toString());
            return null;
        } finally {
            payload.release();
        }
    }

    private FlushQueue flushQueue(EventExecutor loop) {
        FlushQueue q = flushQueues.get(loop);
        return q != null ? q : flushQueues.computeIfAbsent(loop, FlushQueue::new);
    }

    /** One broadcast's writes on one event loop. */
    private static final class Batch implements Runnable {
        final ByteBuf frame;
        final FlushQueue flush;
        final LongAdder slowClosed;
        final ArrayList<ChannelHandlerContext> targets = new ArrayList<>();

        Batch(ByteBuf frame, FlushQueue flush, LongAdder slowClosed) {
            this.frame = frame;
            this.flush = flush;
            this.slowClosed = slowClosed;
        }

        @Override
        public void run() {
            try {
                for (ChannelHandlerContext ctx : targets) {
                    Channel ch = ctx.channel();
                    if (!ch.isActive()) {
                        continue;
                    }
                    if (!ch.isWritable()) {
                        // above the high water mark (max-outbound-bytes): the client has stopped reading. Buffering
                        // on for it would grow the heap with every broadcast; it reconnects and gets fresh state.
                        slowClosed.increment();
                        LOG.info("closing a WebSocket that stopped reading (max-outbound-bytes reached)");
                        ctx.close();
                        continue;
                    }
                    ctx.write(frame.retainedDuplicate(), ctx.voidPromise());
                    flush.add(ctx);
                }
            } finally {
                frame.release();
            }
            flush.schedule();
        }
    }

    /**
     * The connections of one event loop written to but not yet flushed; touched only on that loop. The flush runs
     * as a task of its own, after the broadcasts already queued on the loop, so they share one flush.
     */
    static final class FlushQueue implements Runnable {
        private final EventExecutor loop;
        private ArrayList<ChannelHandlerContext> pending = new ArrayList<>();
        private ArrayList<ChannelHandlerContext> spare = new ArrayList<>();
        private final Set<ChannelHandlerContext> queued = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean scheduled;

        FlushQueue(EventExecutor loop) {
            this.loop = loop;
        }

        void add(ChannelHandlerContext ctx) {
            if (queued.add(ctx)) {
                pending.add(ctx);
            }
        }

        void schedule() {
            if (!scheduled && !pending.isEmpty()) {
                scheduled = true;
                try {
                    loop.execute(this);
                } catch (RejectedExecutionException shuttingDown) {
                    scheduled = false;
                }
            }
        }

        @Override
        public void run() {
            scheduled = false;
            ArrayList<ChannelHandlerContext> now = pending;
            pending = spare;
            spare = now;
            queued.clear();
            for (ChannelHandlerContext ctx : now) {
                ctx.flush();
            }
            now.clear();
        }
    }
}
