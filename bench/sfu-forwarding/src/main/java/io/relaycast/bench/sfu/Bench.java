package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.srtp.SrtpCryptoBackend;
import io.relaycast.sfu.srtp.SrtpCryptoSetup;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SFU forwarding benchmark: starts the real SFU ({@link SfuServer}) in its own JVM, publishes a synthetic 1.5 Mbit/s
 * stream into it, ramps lightweight viewers, and reports per step the SFU's CPU per forwarded packet (its process
 * and its shared-port read thread), loss and delivery latency; then join → first keyframe for new viewers, idle and
 * at the highest load.
 *
 * <p>Options ({@code --name value}): viewers (comma list, default 10,50,100,200,300,...,800,1000,1200,1500),
 * seconds (measured window per step, 10), warmup (3), probes (joins timed per point, 5), batch (concurrent
 * joins, 25), video-kbps (1350), gop (frames between key frames, 60), reactors (receiver threads, 2),
 * max-loss (fraction of packets a step may lose and still count as sustained, 0.001), viewer-rtx (viewers
 * accept RTX as Chrome does, true), out (results JSON file).
 */
public final class Bench {
    private static final String STREAM = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> opts;
    private final DtlsCertificate cert = DtlsCertificate.generate();
    private final ExecutorService handshakes = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-dtls");
        t.setDaemon(true);
        return t;
    });
    private final List<Reactor> reactors = new ArrayList<>();
    private final List<Peer> ticking = new CopyOnWriteArrayList<>();
    private final List<Peer> viewers = new ArrayList<>();
    private Control sfu;
    private Peer publisher;
    private Pacer pacer;
    private int nextReactor;
    private int nextId;
    private long joinFailures;

    private Bench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new Bench(opts).run();
        System.exit(0);
    }

    private String opt(String name, String dflt) {
        return opts.getOrDefault(name, dflt);
    }

    private void run() throws Exception {
        SfuServer.quietJul();
        SrtpCryptoSetup.configure(SrtpCryptoBackend.AUTO);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(Arrays.asList(opt("sfu-java-opts", "-XX:+UseZGC -Xmx1g").split(" ")));
        cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), SfuServer.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(new File(opt("sfu-log", "target/sfu.log"))).start();
        sfu = new Control(p);
        int nReactors = Integer.parseInt(opt("reactors", "2"));
        for (int i = 0; i < nReactors; i++) {
            reactors.add(new Reactor("bench-rx-" + i, handshakes));
        }
        Thread ticker = new Thread(this::tickLoop, "bench-ice");
        ticker.setDaemon(true);
        ticker.start();

        ObjectNode result = JSON.createObjectNode();
        result.put("date", java.time.ZonedDateTime.now().toString());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("viewerRtx", Boolean.parseBoolean(opt("viewer-rtx", "true")));
        result.put("cpuModel", cpuModel());
        result.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        log("SFU pid %d on UDP %d; load average %s", sfu.pid, sfu.udpPort, result.get("loadAverageAtStart").asText());

        startPublisher();
        Thread.sleep(2000);
        JsonNode s0 = sfu.stats(STREAM);
        result.put("srtpBackend", s0.path("srtpBackend").asText());

        int probes = Integer.parseInt(opt("probes", "5"));
        result.set("joinIdle", probe(probes));

        ArrayNode steps = result.putArray("steps");
        double maxLoss = Double.parseDouble(opt("max-loss", "0.001"));
        ObjectNode best = null;
        for (String n : opt("viewers", "10,50,100,200,300,350,400,450,500,550,600,700,800,1000,1200,1500").split(",")) {
            int target = Integer.parseInt(n.trim());
            addViewers(target);
            Thread.sleep(1000L * Integer.parseInt(opt("warmup", "3")));
            ObjectNode step = measure(Integer.parseInt(opt("seconds", "10")));
            boolean sustained = sustained(step, maxLoss);
            if (!sustained) {
                // the machine is shared: one retry, so a stall caused by someone else's burst does not end the ramp
                printStep(step.put("sustained", false).put("retried", true));
                Thread.sleep(2000);
                step = measure(Integer.parseInt(opt("seconds", "10")));
                sustained = sustained(step, maxLoss);
            }
            steps.add(step);
            step.put("sustained", sustained);
            printStep(step);
            if (!sustained) {
                break;
            }
            best = step;
            if (step.get("readThreadCores").asDouble() > 0.95) {
                break; // the forwarding thread is saturated: more viewers cannot be served
            }
        }
        if (best != null) {
            result.set("maxSustained", best);
            // time joins at the highest load the SFU sustained, not at the step that broke it
            int keep = best.get("viewers").asInt();
            while (viewers.size() > keep) {
                Peer v = viewers.remove(viewers.size() - 1);
                sfu.closePeer(STREAM, v.id);
                v.close();
            }
            Thread.sleep(3000);
        }
        result.set("joinLoaded", probe(probes));
        result.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        Files.writeString(Path.of(opt("out", "target/result.json")), json);
        summary(result);
        pacer.stop();
        sfu.close();
    }

    private static boolean sustained(JsonNode step, double maxLoss) {
        return step.get("lossFraction").asDouble() <= maxLoss && step.get("joinFailures").asLong() == 0
                && step.get("sfuIngressLoss").asLong() <= 0;
    }

    // ---- peers ----

    private Reactor reactor() {
        return reactors.get(nextReactor++ % reactors.size());
    }

    private void tickLoop() {
        while (true) {
            long now = System.nanoTime();
            for (Peer p : ticking) {
                p.tick(now, handshakes);
                if (p.isIceDone() || p.failure != null) {
                    ticking.remove(p);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void startPublisher() throws Exception {
        publisher = new Peer("pub", Peer.Role.PUBLISHER, false, cert, 1 << 20);
        publisher.tStart = System.nanoTime();
        long audio = 0x11111111L;
        long video = 0x22222222L;
        String answer = sfu.publish(STREAM, publisher.id, Sdp.publisherOffer(publisher, cert, audio, video, 0x33333333L));
        Sdp.readRemote(answer, publisher);
        reactor().add(publisher);
        ticking.add(publisher);
        awaitReady(List.of(publisher), 10_000);
        if (!publisher.isReady()) {
            throw new IllegalStateException("the publisher did not connect: " + publisher.failure);
        }
        int kbps = Integer.parseInt(opt("video-kbps", "1350"));
        pacer = new Pacer(publisher, audio, video, kbps * 1000, Integer.parseInt(opt("gop", "60")));
        pacer.start();
        log("publisher connected in %.1f ms (ICE %.1f, DTLS %.1f)", ms(publisher.tDtlsDone - publisher.tStart),
                ms(publisher.tIceDone - publisher.tStart), ms(publisher.tDtlsDone - publisher.tIceDone));
    }

    private Peer join(boolean decrypt) throws Exception {
        Peer v = new Peer("v" + nextId++, Peer.Role.VIEWER, decrypt, cert, 256 * 1024);
        v.tStart = System.nanoTime();
        String offer = sfu.subscribe(STREAM, v.id);
        v.tOffer = System.nanoTime();
        SessionDescription d = Sdp.readRemote(offer, v);
        String answer = Sdp.viewerAnswer(d, v, cert, Boolean.parseBoolean(opt("viewer-rtx", "true")));
        reactor().add(v);
        sfu.answer(STREAM, v.id, answer);
        v.tAnswerAccepted = System.nanoTime();
        v.tick(v.tAnswerAccepted, handshakes); // the first check at once, as a browser with the SFU's candidate
        ticking.add(v);
        return v;
    }

    private void addViewers(int target) throws Exception {
        int batch = Integer.parseInt(opt("batch", "25"));
        while (viewers.size() < target) {
            List<Peer> joined = new ArrayList<>();
            for (int i = 0; i < batch && viewers.size() + joined.size() < target; i++) {
                joined.add(join(false));
            }
            awaitReady(joined, 20_000);
            for (Peer v : joined) {
                if (v.isReady() && v.tFirstRtp != 0) {
                    viewers.add(v);
                } else {
                    joinFailures++;
                    log("viewer %s failed to join: %s", v.id, v.failure == null ? "timeout" : v.failure);
                    sfu.closePeer(STREAM, v.id);
                    v.close();
                }
            }
        }
    }

    private static void awaitReady(List<Peer> peers, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            boolean all = true;
            for (Peer p : peers) {
                if (p.failure == null && (!p.isReady() || (p.role == Peer.Role.VIEWER && p.tFirstRtp == 0))) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(5);
        }
    }

    /** Joins {@code count} decrypting viewers one by one (1.2 s apart: past the SFU's 500 ms keyframe throttle). */
    private ObjectNode probe(int count) throws Exception {
        List<double[]> rows = new ArrayList<>();
        long kfBefore = pacer.keyframesOnRequest;
        for (int i = 0; i < count; i++) {
            Thread.sleep(1200);
            Peer v = join(true);
            long deadline = System.currentTimeMillis() + 10_000;
            while (v.tFirstKeyframe == 0 && v.failure == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            if (v.tFirstKeyframe != 0) {
                rows.add(new double[] {ms(v.tOffer - v.tStart), ms(v.tAnswerAccepted - v.tStart),
                        ms(v.tFirstCheck - v.tStart), ms(v.tFirstResponse - v.tStart), ms(v.tFirstSfuCheck - v.tStart),
                        ms(v.tIceDone - v.tStart), ms(v.tDtlsDone - v.tStart), ms(v.tFirstRtp - v.tStart),
                        pacer.requestedAtNanos > v.tStart ? ms(pacer.requestedAtNanos - v.tStart) : -1,
                        ms(v.tFirstKeyframe - v.tStart)});
            } else {
                joinFailures++;
                log("probe %s: no keyframe (%s)", v.id, v.failure);
            }
            sfu.closePeer(STREAM, v.id);
            v.close();
        }
        String[] names = {"offerMs", "answerAcceptedMs", "firstCheckSentMs", "firstCheckAnsweredMs",
                "sfuFirstCheckMs", "iceDoneMs", "dtlsDoneMs", "firstRtpMs", "pliAtPublisherMs", "firstKeyframeMs"};
        ObjectNode out = JSON.createObjectNode();
        out.put("joins", rows.size());
        out.put("viewersAlready", viewers.size());
        for (int k = 0; k < names.length; k++) {
            double[] col = new double[rows.size()];
            for (int i = 0; i < col.length; i++) {
                col[i] = rows.get(i)[k];
            }
            Arrays.sort(col);
            ObjectNode c = out.putObject(names[k]);
            c.put("median", col.length == 0 ? -1 : round(col[col.length / 2]));
            c.put("min", col.length == 0 ? -1 : round(col[0]));
            c.put("max", col.length == 0 ? -1 : round(col[col.length - 1]));
        }
        ArrayNode samples = out.putArray("samples");
        for (double[] row : rows) {
            ObjectNode one = samples.addObject();
            for (int k = 0; k < names.length; k++) {
                one.put(names[k], round(row[k]));
            }
        }
        out.put("keyframesOnRequest", pacer.keyframesOnRequest - kfBefore);
        out.put("publisherRequestToKeyframeMs", round(ms(pacer.lastRequestToKeyframeNanos)));
        log("join -> first keyframe with %d viewers watching: median %.1f ms, max %.1f ms (medians: offer %.1f, ICE %.1f, DTLS %.1f, first RTP %.1f, PLI at publisher %.1f)",
                viewers.size(), out.get("firstKeyframeMs").get("median").asDouble(),
                out.get("firstKeyframeMs").get("max").asDouble(), out.get("offerMs").get("median").asDouble(),
                out.get("iceDoneMs").get("median").asDouble(), out.get("dtlsDoneMs").get("median").asDouble(),
                out.get("firstRtpMs").get("median").asDouble(), out.get("pliAtPublisherMs").get("median").asDouble());
        return out;
    }

    // ---- measurement ----

    private ObjectNode measure(int seconds) throws Exception {
        Snapshot a = snapshot();
        Thread.sleep(seconds * 1000L);
        Snapshot b = snapshot();
        double wall = (b.wallNs - a.wallNs) / 1e9;
        ObjectNode s = JSON.createObjectNode();
        s.put("viewers", viewers.size());
        s.put("sfuSubscribers", b.sfu.get("subscribers").asInt());
        s.put("seconds", round(wall));
        long pubPackets = b.pubPackets - a.pubPackets;
        s.put("publisherPacketsPerSecond", round(pubPackets / wall));
        s.put("streamMbps", round((b.pubWireBytes - a.pubWireBytes) * 8 / wall / 1e6));
        s.put("streamPayloadMbps", round((b.pubPayloadBytes - a.pubPayloadBytes) * 8 / wall / 1e6));
        // the SFU's own receive statistics (RFC 3550 cumulative lost, by sequence number) of the publisher's sources
        s.put("sfuIngressLoss", b.sfu.get("publisherLost").asLong() - a.sfu.get("publisherLost").asLong());
        s.put("sfuPublisherRtpIn", b.sfu.get("publisherRtpIn").asLong() - a.sfu.get("publisherRtpIn").asLong());
        s.put("publisherPacketsSent", pubPackets);
        s.put("sfuRoomPacketsForwarded", b.sfu.get("roomPacketsForwarded").asLong() - a.sfu.get("roomPacketsForwarded").asLong());
        long out = b.sfu.get("rtpOut").asLong() - a.sfu.get("rtpOut").asLong();
        s.put("forwardedPackets", out);
        s.put("forwardedPerSecond", round(out / wall));
        double procCpu = (b.sfu.get("processCpuNs").asLong() - a.sfu.get("processCpuNs").asLong()) / 1e9;
        Map<String, Double> threads = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = b.sfu.get("threadCpuNs").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            double d = (e.getValue().asLong() - a.sfu.get("threadCpuNs").path(e.getKey()).asLong(0)) / 1e9;
            if (d > 0.001 * wall) {
                threads.put(e.getKey(), round(d / wall));
            }
        }
        double readThread = 0;
        for (Map.Entry<String, Double> e : threads.entrySet()) {
            if (e.getKey().contains("thread for")) {
                readThread += e.getValue() * wall;
            }
        }
        s.put("sfuProcessCores", round(procCpu / wall));
        s.put("readThreadCores", round(readThread / wall));
        s.set("sfuThreadCores", JSON.valueToTree(threads));
        s.put("processMicrosPerForwardedPacket", out == 0 ? -1 : round(procCpu * 1e6 / out));
        s.put("readThreadMicrosPerForwardedPacket", out == 0 ? -1 : round(readThread * 1e6 / out));
        s.put("sendFailures", b.sfu.get("sendFailures").asLong() - a.sfu.get("sendFailures").asLong());
        // what the viewers got
        long recv = b.received - a.received;
        long expected = b.expected - a.expected;
        s.put("receivedPackets", recv);
        s.put("expectedBySequence", expected);
        s.put("lostBySequence", Math.max(0, expected - recv));
        s.put("lossFraction", expected <= 0 ? 0 : round6(Math.max(0, expected - recv) / (double) expected));
        s.put("kernelDropsReceivers", b.dropsReceivers - a.dropsReceivers);
        s.put("kernelDropsSfuPort", b.dropsSfu - a.dropsSfu);
        s.put("kernelRcvbufErrorsAllUdp", b.rcvbufErrors - a.rcvbufErrors);
        s.put("publisherKeyframes", b.keyframes - a.keyframes);
        s.put("publisherKeyframesOnRequest", b.keyframesOnRequest - a.keyframesOnRequest);
        double[] lat = Histogram.percentilesMs(a.latency, b.latency, 0.5, 0.99, 0.999);
        s.put("latencyP50Ms", round(lat[0]));
        s.put("latencyP99Ms", round(lat[1]));
        s.put("latencyP999Ms", round(lat[2]));
        s.put("latencyMaxMs", round(lat[3]));
        s.put("loadGeneratorCores", round((b.selfCpuNs - a.selfCpuNs) / 1e9 / wall));
        s.put("joinFailures", joinFailures);
        s.put("loadAverage", b.loadavg);
        return s;
    }

    private static final class Snapshot {
        long wallNs;
        JsonNode sfu;
        long pubPackets;
        long pubWireBytes;
        long pubPayloadBytes;
        long received;
        long expected;
        long[] latency;
        long dropsReceivers;
        long dropsSfu;
        long selfCpuNs;
        String loadavg;
        long rcvbufErrors;
        long keyframes;
        long keyframesOnRequest;
    }

    private Snapshot snapshot() throws IOException {
        Snapshot s = new Snapshot();
        s.sfu = sfu.stats(STREAM);
        s.wallNs = System.nanoTime();
        s.pubPackets = pacer.videoPackets + pacer.audioPackets;
        s.pubWireBytes = pacer.wireBytes;
        s.pubPayloadBytes = pacer.payloadBytes;
        for (Peer v : viewers) {
            for (int k = 0; k < 2; k++) {
                s.received += v.received[k];
                if (v.baseSeq[k] >= 0) {
                    s.expected += v.highestSeq[k] - v.baseSeq[k] + 1;
                }
            }
        }
        long[] lat = null;
        for (Reactor r : reactors) {
            long[] h = r.latency.snapshot();
            if (lat == null) {
                lat = h;
            } else {
                for (int i = 0; i < h.length; i++) {
                    lat[i] += h[i];
                }
            }
        }
        s.latency = lat;
        Set<Integer> ports = new HashSet<>();
        for (Peer v : viewers) {
            ports.add(v.localPort());
        }
        // Java's DatagramChannel is an AF_INET6 socket on a dual-stack host, even bound to 127.0.0.1: read both
        List<String> udp = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/udp")));
        Path udp6 = Path.of("/proc/net/udp6");
        if (Files.exists(udp6)) {
            udp.addAll(Files.readAllLines(udp6));
        }
        for (String line : udp) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 13 || !w[1].contains(":")) {
                continue;
            }
            int port = Integer.parseInt(w[1].substring(w[1].indexOf(':') + 1), 16);
            long drops = Long.parseLong(w[w.length - 1]);
            if (port == sfu.udpPort) {
                s.dropsSfu += drops;
            } else if (ports.contains(port)) {
                s.dropsReceivers += drops;
            }
        }
        s.selfCpuNs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        s.loadavg = Files.readString(Path.of("/proc/loadavg")).trim();
        List<String> snmp = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < snmp.size(); i++) {
            if (snmp.get(i).startsWith("Udp:") && snmp.get(i + 1).startsWith("Udp:")) {
                List<String> names = Arrays.asList(snmp.get(i).split("\\s+"));
                String[] values = snmp.get(i + 1).split("\\s+");
                s.rcvbufErrors = Long.parseLong(values[names.indexOf("RcvbufErrors")]);
                break;
            }
        }
        s.keyframes = pacer.keyframes;
        s.keyframesOnRequest = pacer.keyframesOnRequest;
        return s;
    }

    // ---- output ----

    private static void printStep(JsonNode s) {
        log("%5d viewers: %7.0f pkt/s out, SFU %.2f cores (read thread %.2f) = %.2f us/pkt (read thread %.2f), "
                        + "loss %.4f%% (kernel drops rx %d, sfu %d, all UDP %d; SFU send failures %d), latency p50 %.2f p99 %.2f max %.1f ms, "
                        + "loadgen %.2f cores, stream %.2f Mbit/s, load %s%s",
                s.get("viewers").asInt(), s.get("forwardedPerSecond").asDouble(), s.get("sfuProcessCores").asDouble(),
                s.get("readThreadCores").asDouble(), s.get("processMicrosPerForwardedPacket").asDouble(),
                s.get("readThreadMicrosPerForwardedPacket").asDouble(), 100 * s.get("lossFraction").asDouble(),
                s.get("kernelDropsReceivers").asLong(), s.get("kernelDropsSfuPort").asLong(),
                s.get("kernelRcvbufErrorsAllUdp").asLong(), s.get("sendFailures").asLong(),
                s.get("latencyP50Ms").asDouble(), s.get("latencyP99Ms").asDouble(), s.get("latencyMaxMs").asDouble(),
                s.get("loadGeneratorCores").asDouble(), s.get("streamMbps").asDouble(), s.get("loadAverage").asText(),
                s.get("sustained").asBoolean() ? "" : "  <- NOT sustained");
        log("        SFU threads (cores): %s; publisher key frames %d (%d on request)", s.get("sfuThreadCores"),
                s.get("publisherKeyframes").asLong(), s.get("publisherKeyframesOnRequest").asLong());
    }

    private static void summary(JsonNode r) {
        JsonNode best = r.get("maxSustained");
        System.out.println();
        System.out.println("== SFU forwarding benchmark (" + r.get("date").asText() + ", " + r.get("cpus").asInt()
                + " cpus, " + r.get("cpuModel").asText() + ", SRTP " + r.get("srtpBackend").asText() + ")");
        if (best != null) {
            double perViewerPps = best.get("forwardedPerSecond").asDouble() / best.get("viewers").asInt();
            double us = best.get("processMicrosPerForwardedPacket").asDouble();
            System.out.printf(Locale.ROOT, "max sustained: %d viewers of a %.2f Mbit/s stream (%.0f pkt/s each), SFU %.2f cores"
                            + " -> %.0f viewers per core; %.2f us CPU per forwarded packet (read thread %.2f us);"
                            + " projected at 1 core: %.0f viewers%n",
                    best.get("viewers").asInt(), best.get("streamMbps").asDouble(), perViewerPps,
                    best.get("sfuProcessCores").asDouble(),
                    best.get("viewers").asInt() / Math.max(0.01, best.get("sfuProcessCores").asDouble()), us,
                    best.get("readThreadMicrosPerForwardedPacket").asDouble(), 1e6 / (us * perViewerPps));
        }
        System.out.printf(Locale.ROOT, "join -> first keyframe: idle median %.1f ms (max %.1f), loaded (%d viewers) median %.1f ms (max %.1f)%n",
                r.get("joinIdle").get("firstKeyframeMs").get("median").asDouble(),
                r.get("joinIdle").get("firstKeyframeMs").get("max").asDouble(),
                r.get("joinLoaded").get("viewersAlready").asInt(),
                r.get("joinLoaded").get("firstKeyframeMs").get("median").asDouble(),
                r.get("joinLoaded").get("firstKeyframeMs").get("max").asDouble());
        System.out.println("load average: start " + r.get("loadAverageAtStart").asText() + ", end "
                + r.get("loadAverageAtEnd").asText());
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // unknown
        }
        return "unknown";
    }

    private static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
