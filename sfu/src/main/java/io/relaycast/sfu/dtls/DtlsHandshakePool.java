package io.relaycast.sfu.dtls;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads DTLS handshakes run on (bctls blocks one per handshake in progress), shared fairly: a remote
 * address runs at most {@link DtlsLimits#maxHandshakesPerAddress()} handshakes at once, so peers that send a
 * ClientHello and go silent from one source take a few threads for {@link DtlsLimits#handshakeTimeout()} and
 * every other viewer and publisher still gets one. Refusals are {@link RejectedExecutionException}s, which
 * {@link DtlsSession#start} turns into "try again on the next ClientHello".
 */
public final class DtlsHandshakePool implements Executor, AutoCloseable {
    /** Handshakes whose remote address is not known yet share one bucket (and its limit). */
    private static final String UNKNOWN = "?";

    private final DtlsLimits limits;
    private final ThreadPoolExecutor threads;
    /** Handshakes in progress per remote address; updated with compute() so the limit is exact. */
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    public DtlsHandshakePool(DtlsLimits limits, java.util.concurrent.ThreadFactory factory) {
        this.limits = limits;
        this.threads = new ThreadPoolExecutor(0, limits.maxHandshakes(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                factory);
    }

    /** Runs without an address (the unknown-address bucket). */
    @Override
    public void execute(Runnable handshake) {
        run(UNKNOWN, handshake);
    }

    /** The executor for handshakes with {@code remote} (null: not known yet). */
    public Executor forPeer(InetAddress remote) {
        String key = remote == null ? UNKNOWN : remote.getHostAddress();
        return handshake -> run(key, handshake);
    }

    private void run(String key, Runnable handshake) {
        boolean[] admitted = {false};
        perAddress.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limits.maxHandshakesPerAddress()) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            refused.incrementAndGet();
            io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.DTLS_HANDSHAKES_REFUSED, 1);
            throw new RejectedExecutionException("too many DTLS handshakes in progress from " + key);
        }
        try {
            threads.execute(() -> {
                try {
                    handshake.run();
                } finally {
                    release(key);
                }
            });
        } catch (RejectedExecutionException e) {
            release(key);
            refused.incrementAndGet();
            io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.DTLS_HANDSHAKES_REFUSED, 1);
            throw e;
        }
    }

    private void release(String key) {
        perAddress.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int running() {
        return threads.getActiveCount();
    }

    public int refused() {
        return refused.get();
    }

    public DtlsLimits limits() {
        return limits;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
