package io.relaycast.web.health;

import java.util.function.BooleanSupplier;

/**
 * The media plane holds its UDP port (contract: {@code /health/ready} covers the media ports). Essential: a node
 * without it still serves the API and chat, but cannot carry a broadcast, so a load balancer should not send
 * broadcasters or viewers to it.
 */
public final class MediaPortCheck implements ReadinessCheck {
    private final int udpPort;
    private final BooleanSupplier open;
    private final String unavailableReason;

    private MediaPortCheck(int udpPort, BooleanSupplier open, String unavailableReason) {
        this.udpPort = udpPort;
        this.open = open;
        this.unavailableReason = unavailableReason;
    }

    /** This node's SFU, bound to {@code udpPort}, up while {@code open} says so. */
    public static MediaPortCheck running(int udpPort, BooleanSupplier open) {
        return new MediaPortCheck(udpPort, open, null);
    }

    /** The SFU could not start. */
    public static MediaPortCheck unavailable(String reason) {
        return new MediaPortCheck(-1, () -> false, reason);
    }

    /** A media plane handed in by the embedder (tests, another node's SFU): not ours to check. */
    public static MediaPortCheck external() {
        return new MediaPortCheck(-1, () -> true, null);
    }

    @Override
    public String name() {
        return "media";
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Result check() {
        if (unavailableReason != null) {
            return new Result(false, "media plane unavailable: " + unavailableReason);
        }
        if (udpPort < 0) {
            return new Result(true, "external media plane");
        }
        boolean ok = open.getAsBoolean();
        return new Result(ok, ok ? "UDP port " + udpPort : "SFU on UDP port " + udpPort + " is stopped");
    }
}
