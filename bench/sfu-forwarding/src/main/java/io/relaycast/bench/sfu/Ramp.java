package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.dtls.DtlsCertificate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * One server's ramp: publish, join probes idle, then viewer steps until a step is not sustained, then join probes
 * at the highest sustained load. The same code for every {@link Target}; {@link StepMeter} measures each step.
 */
final class Ramp {
    static final long AUDIO_SSRC = 0x11111111L;
    static final long VIDEO_SSRC = 0x22222222L;
    static final long RTX_SSRC = 0x33333333L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Target target;
    private final Map<String, String> opts;
    private final DtlsCertificate cert;
    private final ExecutorService handshakes;
    private final List<Reactor> reactors;
    private final List<Peer> ticking;
    final List<Peer> viewers = new ArrayList<>();
    Pacer pacer;
    private int nextReactor;
    private int nextId;
    long joinFailures;

    Ramp(Target target, Map<String, String> opts, DtlsCertificate cert, ExecutorService handshakes,
         List<Reactor> reactors, List<Peer> ticking) {
        this.target = target;
        this.opts = opts;
        this.cert = cert;
        this.handshakes = handshakes;
        this.reactors = reactors;
        this.ticking = ticking;
    }

    String opt(String name, String dflt) {
        return opts.getOrDefault(name, dflt);
    }

    List<Reactor> reactors() {
        return reactors;
    }

    Target target() {
        return target;
    }

    /** Puts a peer's socket on a reactor and its ICE checks on the ticker. */
    void register(Peer p) {
        p.reactor = reactors.get(nextReactor++ % reactors.size());
        p.reactor.add(p);
        ticking.add(p);
    }

    ObjectNode run() throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.put("server", target.name());
        result.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        int kbps = Integer.parseInt(opt("video-kbps", "1350"));
        Runnable[] onRequest = new Runnable[1];
        Pacer.Sink sink = target.startPublisher(this, () -> onRequest[0].run());
        pacer = new Pacer(sink, AUDIO_SSRC, VIDEO_SSRC, kbps * 1000, Integer.parseInt(opt("gop", "60")));
        onRequest[0] = pacer::requestKeyframe;
        // a browser publisher paces its packets (2.5x the rate, as libwebrtc); --pacing 0 sends each frame in a burst
        double pacing = Double.parseDouble(opt("pacing", "2.5"));
        pacer.setPacing(pacing);
        result.put("publisherPacing", pacing);
        pacer.start();
        Thread.sleep(2000);
        result.put("srtpBackend", target.stats().path("srtpBackend").asText(target.name()));
        int probes = Integer.parseInt(opt("probes", "5"));
        result.set("joinIdle", new JoinProbe(this).probe(probes));

        StepMeter meter = new StepMeter(this);
        ArrayNode steps = result.putArray("steps");
        double maxLoss = Double.parseDouble(opt("max-loss", "0.001"));
        int seconds = Integer.parseInt(opt("seconds", "10"));
        ObjectNode best = null;
        for (String n : opt("viewers", "10,50,100,200,300,350,400,450,500,550,600,700,800,1000,1200,1500").split(",")) {
            addViewers(Integer.parseInt(n.trim()));
            Thread.sleep(1000L * Integer.parseInt(opt("warmup", "3")));
            ObjectNode step = meter.measure(seconds);
            boolean sustained = sustained(step, maxLoss);
            if (!sustained) {
                // the machine is shared: one retry, so a stall caused by someone else's burst does not end the ramp
                StepMeter.print(target.name(), step.put("sustained", false).put("retried", true));
                Thread.sleep(2000);
                step = meter.measure(seconds);
                sustained = sustained(step, maxLoss);
            }
            steps.add(step);
            step.put("sustained", sustained);
            StepMeter.print(target.name(), step);
            if (!sustained) {
                break;
            }
            best = step;
            if (step.get("busiestThreadCores").asDouble() > 0.95) {
                break; // one thread is saturated: for a one-thread forwarder, more viewers cannot be served
            }
        }
        if (best != null) {
            result.set("maxSustained", best);
            // time joins at the highest load the server sustained, not at the step that broke it
            int keep = best.get("viewers").asInt();
            while (viewers.size() > keep) {
                Peer v = viewers.remove(viewers.size() - 1);
                target.leave(v);
                v.close();
            }
            Thread.sleep(3000);
        }
        result.set("joinLoaded", new JoinProbe(this).probe(probes));
        result.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        return result;
    }

    /** Stops the publisher and every viewer (the server is closed by the caller). */
    void stop() throws Exception {
        if (pacer != null) {
            pacer.stop();
        }
        for (Peer v : viewers) {
            ticking.remove(v);
            v.close();
        }
        viewers.clear();
    }

    private static boolean sustained(JsonNode step, double maxLoss) {
        return step.get("lossFraction").asDouble() <= maxLoss && step.get("joinFailures").asLong() == 0
                && step.get("sfuIngressLoss").asLong() <= 0;
    }

    Peer join(boolean decrypt, boolean stamp) throws Exception {
        Peer v = new Peer(target.name().charAt(0) + "v" + nextId++, Peer.Role.VIEWER, decrypt, cert, 256 * 1024,
                target.viewerAddress());
        v.stamp = stamp;
        v.tStart = System.nanoTime();
        target.join(v, this::register);
        v.tick(System.nanoTime(), handshakes); // the first check at once, as a browser with the server's candidate
        return v;
    }

    private void addViewers(int target) throws Exception {
        int batch = Integer.parseInt(opt("batch", "25"));
        int stampViewers = Integer.parseInt(opt("stamp-viewers", "4"));
        while (viewers.size() < target) {
            List<Peer> joined = new ArrayList<>();
            for (int i = 0; i < batch && viewers.size() + joined.size() < target; i++) {
                joined.add(join(false, viewers.size() + joined.size() < stampViewers));
            }
            awaitReady(joined, 20_000);
            int failed = 0;
            for (Peer v : joined) {
                if (v.isReady() && v.tFirstRtp != 0) {
                    viewers.add(v);
                } else {
                    joinFailures++;
                    failed++;
                    log("%s: viewer %s failed to join: %s", this.target.name(), v.id, v.failure == null ? "timeout" : v.failure);
                    this.target.leave(v);
                    v.close();
                }
            }
            if (failed == joined.size()) {
                log("%s: a whole batch of %d viewers failed to join: the step stops here", this.target.name(), failed);
                return; // the step is measured with the viewers there are and fails on joinFailures
            }
        }
    }

    static void awaitReady(List<Peer> peers, long timeoutMs) throws InterruptedException {
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

    static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    static double[] sorted(double[] col) {
        double[] c = col.clone();
        Arrays.sort(c);
        return c;
    }
}
