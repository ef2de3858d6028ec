package io.relaycast.load.rtc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;

/** One selector thread reading the sockets of many peers (the bench's receivers cost one thread, not one each). */
public final class Reactor implements Runnable, AutoCloseable {
    /** abs-send-time: publisher send → viewer receive, every counting viewer. */
    public final Histogram latency = new Histogram();
    /** The payload stamp: publisher send → viewer receive, the few decrypting stamp viewers. */
    public final Histogram stampLatency = new Histogram();
    private final Selector selector;
    private final Queue<Peer> pending = new ConcurrentLinkedQueue<>();
    private final ExecutorService handshakes;
    private final Thread thread;
    private volatile boolean running = true;
    public volatile long datagrams;

    public Reactor(String name, ExecutorService handshakes) throws IOException {
        this.selector = Selector.open();
        this.handshakes = handshakes;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    public void add(Peer peer) {
        peer.reactor = this;
        pending.add(peer);
        selector.wakeup();
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        long n = 0;
        while (running) {
            try {
                selector.select(5);
                Peer p;
                while ((p = pending.poll()) != null) {
                    try {
                        p.channel.register(selector, SelectionKey.OP_READ, p);
                    } catch (ClosedChannelException e) {
                        // closed before it was registered
                    }
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Peer peer = (Peer) key.attachment();
                    DatagramChannel ch = peer.channel;
                    for (int i = 0; i < 64; i++) {
                        buf.clear();
                        int r;
                        try {
                            // the floor loop's receivers are not connected: read() would refuse them
                            r = ch.isConnected() ? ch.read(buf) : ch.receive(buf) == null ? 0 : buf.position();
                        } catch (IOException e) {
                            break; // ICMP unreachable after the SFU closed the session, or closed channel
                        }
                        if (r <= 0) {
                            break;
                        }
                        buf.flip();
                        n++;
                        peer.onDatagram(buf, handshakes);
                    }
                }
                datagrams = n;
            } catch (IOException | RuntimeException e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
    }
}
