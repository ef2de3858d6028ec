package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.JsonNode;

/** The run's closing lines: one row per server at its highest sustained step, the ratios, the floor. */
final class Summary {
    private Summary() {
    }

    static void print(JsonNode r) {
        System.out.println();
        System.out.println("== SFU forwarding benchmark (" + r.get("date").asText() + ", " + r.get("cpus").asInt()
                + " cpus, servers on CPUs " + r.get("serverCpus").asText() + ", " + r.get("cpuModel").asText()
                + ", SRTP " + r.path("srtpBackend").asText("-") + ")");
        System.out.println(Bench.fmt("%-10s %12s %10s %12s %10s %14s %12s %16s %s", "server", "max viewers",
                "cores", "viewers/core", "us/pkt", "busiest thread", "p99 latency", "join->key frame", "(highest sustained step)"));
        JsonNode ours = r.has("steps") ? r : null;
        JsonNode janus = r.get("janus");
        row("relaycast", ours);
        row("janus", janus);
        double floor = r.path("floorMicrosPerPacket").asDouble(-1);
        if (floor > 0) {
            System.out.println(Bench.fmt("floor      copy + protect + send on one thread, %d viewers: %.2f us per packet",
                    r.get("floor").get("viewers").asInt(), floor));
        }
        JsonNode a = ours == null ? null : ours.get("maxSustained");
        JsonNode b = janus == null ? null : janus.get("maxSustained");
        if (a != null && floor > 0) {
            System.out.println(Bench.fmt("relaycast / floor: %.2fx CPU per forwarded packet (goal <= 1.5x)",
                    a.get("processMicrosPerForwardedPacket").asDouble() / floor));
        }
        if (a != null && b != null) {
            System.out.println(Bench.fmt("relaycast / janus: %.2fx viewers sustained, %.2fx viewers per core (goal >= 2x), "
                            + "%.2fx CPU per forwarded packet",
                    a.get("viewers").asDouble() / b.get("viewers").asDouble(),
                    perCore(a) / perCore(b),
                    a.get("processMicrosPerForwardedPacket").asDouble() / b.get("processMicrosPerForwardedPacket").asDouble()));
        }
        System.out.println("load average: start " + r.get("loadAverageAtStart").asText() + ", end "
                + r.get("loadAverageAtEnd").asText());
    }

    private static double perCore(JsonNode step) {
        return step.get("viewers").asInt() / Math.max(0.01, step.get("sfuProcessCores").asDouble());
    }

    private static void row(String name, JsonNode ramp) {
        if (ramp == null) {
            return;
        }
        JsonNode s = ramp.get("maxSustained");
        JsonNode steps = ramp.get("steps");
        String broke = "";
        if (steps != null && steps.size() > 0 && !steps.get(steps.size() - 1).get("sustained").asBoolean()) {
            JsonNode x = steps.get(steps.size() - 1);
            broke = Bench.fmt("; %d not sustained: %.2f %% loss, ingress loss %d", x.get("viewers").asInt(),
                    100 * x.get("lossFraction").asDouble(), x.get("sfuIngressLoss").asLong());
        }
        if (s == null) {
            System.out.println(Bench.fmt("%-10s no step sustained%s", name, broke));
            return;
        }
        JsonNode top = s.get("busiestThreads").size() > 0 ? s.get("busiestThreads").get(0) : null;
        System.out.println(Bench.fmt("%-10s %12d %10.2f %12.0f %10.2f %14s %12s %16s%s", name, s.get("viewers").asInt(),
                s.get("sfuProcessCores").asDouble(), perCore(s), s.get("processMicrosPerForwardedPacket").asDouble(),
                top == null ? "-" : Bench.fmt("%.0f%% %s", 100 * top.get("shareOfProcess").asDouble(), top.get("name").asText()),
                Bench.fmt("%.2f ms", s.get("latencyP99Ms").asDouble()),
                Bench.fmt("%.0f/%.0f ms", ramp.get("joinIdle").get("firstKeyframeMs").get("median").asDouble(),
                        ramp.get("joinLoaded").get("firstKeyframeMs").get("median").asDouble()), broke));
    }
}
