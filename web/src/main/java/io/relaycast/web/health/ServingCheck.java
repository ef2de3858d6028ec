package io.relaycast.web.health;

/**
 * Every listener serves: the API routes, Socket.IO, {@code /api/v1/config/client}, the media routes and, when on,
 * RTMP. The HTTP port starts answering before the rest is registered (its port is needed to build them), so this
 * essential check keeps {@code /health/ready} at 503 until the composition root has finished (issue 14 item 6: a
 * load balancer that trusted an early 200 sent browsers to a node whose {@code config/client} still answered 404).
 */
public final class ServingCheck implements ReadinessCheck {
    private volatile boolean serving;

    public void serving() {
        serving = true;
    }

    @Override
    public String name() {
        return "listeners";
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Result check() {
        return serving ? new Result(true, "API, Socket.IO, client config and media routes registered")
                : new Result(false, "starting: not every listener serves yet");
    }
}
