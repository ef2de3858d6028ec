package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One step's numbers: two snapshots {@code seconds} apart of the server's counters and CPU (its process and each
 * thread, {@code /proc}), the viewers' counts (loss by sequence number), the kernel's UDP drops and both latency
 * histograms.
 */
final class StepMeter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Ramp ramp;
    private long[] lastStamp;

    StepMeter(Ramp ramp) {
        this.ramp = ramp;
    }

    ObjectNode measure(int seconds) throws Exception {
        Snapshot a = snapshot();
        Thread.sleep(seconds * 1000L);
        Snapshot b = snapshot();
        double wall = (b.wallNs - a.wallNs) / 1e9;
        ObjectNode s = JSON.createObjectNode();
        s.put("viewers", ramp.viewers.size());
        s.put("sfuSubscribers", b.sfu.get("subscribers").asInt());
        s.put("seconds", Ramp.round(wall));
        long pubPackets = b.pubPackets - a.pubPackets;
        s.put("publisherPacketsPerSecond", Ramp.round(pubPackets / wall));
        s.put("streamMbps", Ramp.round((b.pubWireBytes - a.pubWireBytes) * 8 / wall / 1e6));
        s.put("streamPayloadMbps", Ramp.round((b.pubPayloadBytes - a.pubPayloadBytes) * 8 / wall / 1e6));
        boolean serverCounts = b.sfu.get("rtpOut").asLong() >= 0;
        long ingressDrops = b.dropsSfu - a.dropsSfu;
        // ours: its own receive statistics (RFC 3550 cumulative lost); Janus: the kernel's drops at the mountpoint
        s.put("sfuIngressLoss", b.sfu.get("publisherLost").asLong() - a.sfu.get("publisherLost").asLong()
                + (serverCounts ? 0 : ingressDrops));
        s.put("sfuPublisherRtpIn", serverCounts
                ? b.sfu.get("publisherRtpIn").asLong() - a.sfu.get("publisherRtpIn").asLong() : -1);
        s.put("publisherPacketsSent", pubPackets);
        s.put("sfuRoomPacketsForwarded", serverCounts
                ? b.sfu.get("roomPacketsForwarded").asLong() - a.sfu.get("roomPacketsForwarded").asLong() : -1);
        long recv = b.received - a.received;
        long out = serverCounts ? b.sfu.get("rtpOut").asLong() - a.sfu.get("rtpOut").asLong() : recv;
        s.put("forwardedPackets", out);
        s.put("forwardedCountedBy", serverCounts ? "server" : "viewers");
        s.put("forwardedPerSecond", Ramp.round(out / wall));
        double procCpu = (b.sfu.get("processCpuNs").asLong() - a.sfu.get("processCpuNs").asLong()) / 1e9;
        Map<String, Double> threads = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = b.sfu.path("threadCpuNs").fields();
        double readThread = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            double d = (e.getValue().asLong() - a.sfu.path("threadCpuNs").path(e.getKey()).asLong(0)) / 1e9;
            if (d > 0.001 * wall) {
                threads.put(e.getKey(), Ramp.round(d / wall));
            }
            if (e.getKey().contains("thread for")) {
                readThread += d; // ice4j's read thread of the shared port: today's whole packet path
            }
        }
        List<Object[]> busiest = ProcStat.busiest(a.proc, b.proc, wall, 6);
        double busiestCores = busiest.isEmpty() ? 0 : (double) busiest.get(0)[2];
        s.put("sfuProcessCores", Ramp.round(procCpu / wall));
        s.put("readThreadCores", Ramp.round(readThread > 0 ? readThread / wall : busiestCores));
        s.set("sfuThreadCores", JSON.valueToTree(threads));
        ArrayNode top = s.putArray("busiestThreads");
        for (Object[] t : busiest) {
            top.addObject().put("name", (String) t[0]).put("tid", (int) t[1]).put("cores", Ramp.round((double) t[2]))
                    .put("shareOfProcess", Ramp.round((double) t[3]));
        }
        s.put("busiestThreadCores", Ramp.round(busiestCores));
        s.put("busiestThreadShare", busiest.isEmpty() ? 0 : Ramp.round((double) busiest.get(0)[3]));
        s.put("processMicrosPerForwardedPacket", out == 0 ? -1 : Ramp.round(procCpu * 1e6 / out));
        s.put("readThreadMicrosPerForwardedPacket", out == 0 ? -1
                : Ramp.round((readThread > 0 ? readThread : busiestCores * wall) * 1e6 / out));
        s.put("sendFailures", b.sfu.get("sendFailures").asLong() - a.sfu.get("sendFailures").asLong());
        long expected = b.expected - a.expected;
        s.put("receivedPackets", recv);
        s.put("expectedBySequence", expected);
        s.put("lostBySequence", Math.max(0, expected - recv));
        s.put("lossFraction", expected <= 0 ? 0 : Ramp.round6(Math.max(0, expected - recv) / (double) expected));
        s.put("kernelDropsReceivers", b.dropsReceivers - a.dropsReceivers);
        s.put("kernelDropsSfuPort", ingressDrops);
        s.put("kernelRcvbufErrorsAllUdp", b.rcvbufErrors - a.rcvbufErrors);
        s.put("publisherKeyframes", b.keyframes - a.keyframes);
        s.put("publisherKeyframesOnRequest", b.keyframesOnRequest - a.keyframesOnRequest);
        double[] abs = Histogram.percentilesMs(a.latency, b.latency, 0.5, 0.99, 0.999);
        double[] stamp = Histogram.percentilesMs(a.stamp, b.stamp, 0.5, 0.99, 0.999);
        // Janus rewrites abs-send-time when it sends, so for it the latency fields are the payload stamp's
        double[] lat = serverCounts ? abs : stamp;
        s.put("latencySource", serverCounts ? "abs-send-time, every viewer" : "payload stamp, stamp viewers");
        s.put("latencyP50Ms", Ramp.round(lat[0]));
        s.put("latencyP99Ms", Ramp.round(lat[1]));
        s.put("latencyP999Ms", Ramp.round(lat[2]));
        s.put("latencyMaxMs", Ramp.round(lat[3]));
        s.put("stampLatencySamples", Arrays.stream(b.stamp).sum() - Arrays.stream(a.stamp).sum());
        s.put("stampLatencyP50Ms", Ramp.round(stamp[0]));
        s.put("stampLatencyP99Ms", Ramp.round(stamp[1]));
        s.put("stampLatencyMaxMs", Ramp.round(stamp[3]));
        s.put("loadGeneratorCores", Ramp.round((b.selfCpuNs - a.selfCpuNs) / 1e9 / wall));
        s.put("joinFailures", ramp.joinFailures);
        s.put("loadAverage", b.loadavg);
        return s;
    }

    private static final class Snapshot {
        long wallNs;
        JsonNode sfu;
        ProcStat.Sample proc;
        long pubPackets;
        long pubWireBytes;
        long pubPayloadBytes;
        long received;
        long expected;
        long[] latency;
        long[] stamp;
        long dropsReceivers;
        long dropsSfu;
        long selfCpuNs;
        String loadavg;
        long rcvbufErrors;
        long keyframes;
        long keyframesOnRequest;
    }

    private Snapshot snapshot() throws Exception {
        Snapshot s = new Snapshot();
        s.sfu = ramp.target().stats();
        s.proc = ProcStat.sample(ramp.target().pid());
        s.wallNs = System.nanoTime();
        Pacer pacer = ramp.pacer;
        s.pubPackets = pacer.videoPackets + pacer.audioPackets;
        s.pubWireBytes = pacer.wireBytes;
        s.pubPayloadBytes = pacer.payloadBytes;
        for (Peer v : ramp.viewers) {
            for (int k = 0; k < 2; k++) {
                s.received += v.received[k];
                if (v.baseSeq[k] >= 0) {
                    s.expected += v.highestSeq[k] - v.baseSeq[k] + 1;
                }
            }
        }
        s.latency = sum(ramp, false);
        s.stamp = sum(ramp, true);
        Set<Integer> ports = new HashSet<>();
        for (Peer v : ramp.viewers) {
            ports.add(v.localPort());
        }
        // Java's DatagramChannel is an AF_INET6 socket on a dual-stack host, even bound to 127.0.0.1: read both
        List<String> udp = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/udp")));
        Path udp6 = Path.of("/proc/net/udp6");
        if (Files.exists(udp6)) {
            udp.addAll(Files.readAllLines(udp6));
        }
        Set<Integer> ingress = ramp.target().ingressPorts();
        for (String line : udp) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 13 || !w[1].contains(":")) {
                continue;
            }
            int port = Integer.parseInt(w[1].substring(w[1].indexOf(':') + 1), 16);
            long drops = Long.parseLong(w[w.length - 1]);
            if (ingress.contains(port)) {
                s.dropsSfu += drops;
            } else if (ports.contains(port)) {
                s.dropsReceivers += drops;
            }
        }
        s.selfCpuNs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        s.loadavg = Files.readString(Path.of("/proc/loadavg")).trim();
        s.rcvbufErrors = rcvbufErrors();
        s.keyframes = pacer.keyframes;
        s.keyframesOnRequest = pacer.keyframesOnRequest;
        return s;
    }

    private static long[] sum(Ramp ramp, boolean stamp) {
        long[] out = null;
        for (Reactor r : ramp.reactors()) {
            long[] h = (stamp ? r.stampLatency : r.latency).snapshot();
            if (out == null) {
                out = h;
            } else {
                for (int i = 0; i < h.length; i++) {
                    out[i] += h[i];
                }
            }
        }
        return out;
    }

    private static long rcvbufErrors() throws IOException {
        List<String> snmp = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < snmp.size(); i++) {
            if (snmp.get(i).startsWith("Udp:") && snmp.get(i + 1).startsWith("Udp:")) {
                List<String> names = Arrays.asList(snmp.get(i).split("\\s+"));
                String[] values = snmp.get(i + 1).split("\\s+");
                return Long.parseLong(values[names.indexOf("RcvbufErrors")]);
            }
        }
        return 0;
    }

    static void print(String server, JsonNode s) {
        Ramp.log("%-9s %5d viewers: %7.0f pkt/s out, %.2f cores (busiest thread %.2f = %.0f%% of the process) = %.2f us/pkt, "
                        + "loss %.4f%% (kernel drops rx %d, server ingress %d, all UDP %d; send failures %d), latency p50 %.2f p99 %.2f max %.1f ms"
                        + " (payload stamp p99 %.2f), loadgen %.2f cores, stream %.2f Mbit/s, load %s%s",
                server, s.get("viewers").asInt(), s.get("forwardedPerSecond").asDouble(), s.get("sfuProcessCores").asDouble(),
                s.get("busiestThreadCores").asDouble(), 100 * s.get("busiestThreadShare").asDouble(),
                s.get("processMicrosPerForwardedPacket").asDouble(), 100 * s.get("lossFraction").asDouble(),
                s.get("kernelDropsReceivers").asLong(), s.get("kernelDropsSfuPort").asLong(),
                s.get("kernelRcvbufErrorsAllUdp").asLong(), s.get("sendFailures").asLong(),
                s.get("latencyP50Ms").asDouble(), s.get("latencyP99Ms").asDouble(), s.get("latencyMaxMs").asDouble(),
                s.get("stampLatencyP99Ms").asDouble(), s.get("loadGeneratorCores").asDouble(),
                s.get("streamMbps").asDouble(), s.get("loadAverage").asText(),
                s.get("sustained").asBoolean() ? "" : "  <- NOT sustained");
        StringBuilder top = new StringBuilder();
        for (JsonNode t : s.get("busiestThreads")) {
            top.append(String.format(java.util.Locale.ROOT, "%s%s %.2f (%.0f%%)", top.length() == 0 ? "" : ", ",
                    t.get("name").asText(), t.get("cores").asDouble(), 100 * t.get("shareOfProcess").asDouble()));
        }
        Ramp.log("          busiest threads (cores, share of the server's CPU): %s; publisher key frames %d (%d on request)",
                top, s.get("publisherKeyframes").asLong(), s.get("publisherKeyframesOnRequest").asLong());
    }
}
