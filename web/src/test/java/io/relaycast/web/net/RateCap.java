package io.relaycast.web.net;

/**
 * A bandwidth cap on the path into a {@link NetworkNamespace} (our veth end's egress, so what the SFU sends the
 * namespace's viewer): a token bucket filter ({@code tc qdisc ... tbf}), which queues up to {@code latency} of
 * traffic above the rate and drops the rest, as a slow access link does. Lifted by {@link #close()}.
 */
public final class RateCap implements AutoCloseable {
    private final NetworkNamespace ns;
    public final long kbitPerSecond;
    private boolean on;

    private RateCap(NetworkNamespace ns, long kbitPerSecond) {
        this.ns = ns;
        this.kbitPerSecond = kbitPerSecond;
        // a burst of 20 full packets keeps tbf from dropping a single keyframe's packet train outright;
        // 100 ms of queue is a home router's, not a bufferbloated one's
        NetworkNamespace.run("tc", "qdisc", "add", "dev", ns.hostLink, "root", "tbf", "rate", kbitPerSecond + "kbit",
                "burst", "30000", "latency", "100ms");
        on = true;
    }

    public static RateCap apply(NetworkNamespace ns, long kbitPerSecond) {
        return new RateCap(ns, kbitPerSecond);
    }

    @Override
    public void close() {
        if (on) {
            on = false;
            try {
                NetworkNamespace.run("tc", "qdisc", "del", "dev", ns.hostLink, "root");
            } catch (RuntimeException ignored) {
                // the link is gone already
            }
        }
    }
}
