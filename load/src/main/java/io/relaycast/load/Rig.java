package io.relaycast.load;

import io.relaycast.load.rtc.Peer;
import io.relaycast.load.rtc.Reactor;
import io.relaycast.sfu.dtls.DtlsCertificate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the peers of one run share: one DTLS certificate (a browser has one per page too), a few selector threads
 * reading every peer's socket, one ticker retransmitting ICE checks, and a bounded pool for the blocking bctls
 * handshakes. The load generator's own cost stays a few threads whatever the viewer count, so the cores go to the
 * server when both run on one machine.
 */
final class Rig implements AutoCloseable {
    /** Handshakes in flight at once; more wait, as the SFU's per-address handshake limit would make them anyway. */
    static final int HANDSHAKE_THREADS = 8;

    final DtlsCertificate certificate = DtlsCertificate.generate();
    final ExecutorService handshakes;
    private final List<Reactor> reactors = new ArrayList<>();
    private final Queue<Peer> ticking = new ConcurrentLinkedQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final Thread ticker;
    private volatile boolean running = true;

    Rig(int reactorThreads) throws IOException {
        AtomicInteger n = new AtomicInteger();
        handshakes = Executors.newFixedThreadPool(HANDSHAKE_THREADS, r -> {
            Thread t = new Thread(r, "load-dtls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < reactorThreads; i++) {
            reactors.add(new Reactor("load-reactor-" + i, handshakes));
        }
        ticker = new Thread(this::tickLoop, "load-ice-ticker");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Reads the peer's socket from now on (before its first check goes out, so no answer is missed). */
    void register(Peer p) {
        reactors.get(Math.floorMod(next.getAndIncrement(), reactors.size())).add(p);
    }

    /** Sends and retransmits the peer's ICE checks until ICE is done (RFC 8445 section 6.1.4). */
    void startChecks(Peer p) {
        ticking.add(p);
        p.tick(System.nanoTime(), handshakes);
    }

    /** abs-send-time ages recorded by every reactor (publisher send → viewer receive, same clock). */
    List<Reactor> reactors() {
        return reactors;
    }

    private void tickLoop() {
        while (running) {
            long now = System.nanoTime();
            for (Peer p : ticking) {
                if (p.isIceDone() || p.failure != null) {
                    ticking.remove(p);
                } else {
                    p.tick(now, handshakes);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        ticker.interrupt();
        handshakes.shutdownNow();
        for (Reactor r : reactors) {
            try {
                r.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
