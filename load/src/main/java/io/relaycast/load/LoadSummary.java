package io.relaycast.load;

import java.util.Locale;
import java.util.Map;

/**
 * What a run measured. Latencies are ms (p50, p95, p99, max); {@code forwardMs} is null when the run watched a
 * stream it did not publish (abs-send-time is then another machine's clock).
 */
public record LoadSummary(String url, String streamId, double heldSeconds,
                          int viewers, int viewersConnected, int viewersReceiving,
                          double[] joinToFirstPacketMs, double[] joinToKeyframeMs,
                          long videoPackets, long audioPackets, long bytes, double kbpsPerViewer, double lossPercent,
                          double[] forwardMs, long publisherPackets,
                          int chatters, int chattersJoined, long chatSent, long chatAccepted, long chatReceived,
                          long chatExpected, double[] chatLatencyMs,
                          Map<String, Long> errors, Map<String, String> errorExamples, long signalingRetries,
                          double cpuAvg, double cpuMax, boolean cpuSaturated) {

    private static final double HISTOGRAM_END_MS = 2000;

    /** Every viewer received media and every accepted chat message reached every chatter (99 % or better). */
    public boolean ok() {
        boolean chatOk = chatters == 0 || chatExpected > 0 && chatReceived >= 0.99 * chatExpected;
        return viewersReceiving == viewers && chatOk && errors.isEmpty();
    }

    public double chatDeliveryPercent() {
        return chatExpected == 0 ? 0 : 100.0 * chatReceived / chatExpected;
    }

    public String format() {
        StringBuilder b = new StringBuilder();
        line(b, "relaycast load: %s, stream %s, load held %.0f s", url, streamId, heldSeconds);
        if (viewers > 0) {
            line(b, "  viewers       %d/%d connected (ICE+DTLS), %d receiving media", viewersConnected, viewers,
                    viewersReceiving);
            line(b, "  join → first packet    %s", ms(joinToFirstPacketMs, false));
            if (joinToKeyframeMs != null) {
                line(b, "  join → first keyframe  %s", ms(joinToKeyframeMs, false));
            }
            line(b, "  received      %,d video + %,d audio packets, %.1f MB, %.0f kbit/s per viewer", videoPackets,
                    audioPackets, bytes / 1e6, kbpsPerViewer);
            line(b, "  loss          %.3f %% (sequence gaps, before any retransmission)", lossPercent);
            if (forwardMs != null) {
                line(b, "  publisher → viewer     %s (abs-send-time; %,d packets published)", ms(forwardMs, true),
                        publisherPackets);
            }
        }
        if (chatters > 0) {
            line(b, "  chatters      %d/%d in the room", chattersJoined, chatters);
            line(b, "  chat          %,d sent, %,d accepted, %,d of %,d deliveries (%.1f %%)", chatSent, chatAccepted,
                    chatReceived, chatExpected, chatDeliveryPercent());
            line(b, "  chat latency  %s", ms(chatLatencyMs, true));
        }
        line(b, "  this machine  CPU %.0f %% average, %.0f %% peak while loaded%s", cpuAvg * 100, cpuMax * 100,
                cpuSaturated ? " — SATURATED: the numbers above include the load generator's own starvation;"
                        + " run it on another machine or with fewer viewers" : "");
        if (signalingRetries > 0) {
            line(b, "  retries       %d Socket.IO connects retried (the target was slow to answer)", signalingRetries);
        }
        if (errors.isEmpty()) {
            line(b, "  errors        none");
        } else {
            line(b, "  errors by cause:");
            errors.forEach((k, v) -> {
                String ex = errorExamples.get(k);
                line(b, "    %6d  %s%s", v, k, ex == null || ex.isEmpty() ? "" : "  (e.g. " + trim(ex) + ")");
            });
            if (errors.containsKey(Failures.PORTS)) {
                line(b, "  this machine ran out of local ports or file descriptors: raise `ulimit -n`, widen"
                        + " net.ipv4.ip_local_port_range, or run fewer viewers per machine");
            }
        }
        line(b, "  result        %s", ok() ? "OK" : "NOT OK");
        return b.toString();
    }

    private static String trim(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    /** @param histogram the values come from a latency histogram, which ends at 2 s (load.rtc.Histogram) */
    private static String ms(double[] p, boolean histogram) {
        if (p == null || p.length < 4) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "p50 %s, p95 %s, p99 %s, max %s", one(p[0], histogram), one(p[1], histogram),
                one(p[2], histogram), one(p[3], histogram));
    }

    /** Beyond a histogram's last bucket is "≥ 2000 ms", not a number; join times are exact. */
    private static String one(double ms, boolean histogram) {
        return histogram && ms >= HISTOGRAM_END_MS ? "≥ 2000 ms" : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static void line(StringBuilder b, String f, Object... a) {
        b.append(String.format(Locale.ROOT, f, a)).append('\n');
    }
}
