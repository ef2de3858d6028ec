package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.srtp.SrtpCryptoBackend;
import io.relaycast.sfu.srtp.SrtpCryptoSetup;
import io.relaycast.sfu.srtp.SrtpProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SFU forwarding benchmark, side by side: the same load generator ramps viewers of one synthetic 1.5 Mbit/s stream
 * on our SFU ({@link RelaycastTarget}, its own JVM) and then on Janus 1.1.2's streaming plugin
 * ({@link JanusTarget}), measures the forwarding cost floor ({@link FloorLoop}) in between, and prints both rows
 * and their ratio. {@code target/result.json}: our server's fields at the top level (as before), {@code janus}
 * with the same fields, {@code floor} and {@code floorMicrosPerPacket}.
 *
 * <p>Options ({@code --name value}): servers (relaycast,janus), viewers (comma list, default
 * 10,50,100,200,300,...,800,1000,1200,1500), seconds (measured window per step, 10), warmup (3), probes (joins
 * timed per point, 5), batch (concurrent joins, 25), video-kbps (1350), gop (frames between key frames, 60),
 * reactors (receiver threads, 2), max-loss (fraction of packets a step may lose and still count as sustained,
 * 0.001), viewer-rtx (viewers accept RTX as Chrome does, true), stamp-viewers (viewers that decrypt to read the
 * payload stamp, 4), cpus (taskset CPU list for both servers, e.g. 0 or 0,1; default unpinned), floor-seconds (5,
 * 0 skips), floor-viewers (default: our highest sustained step, at least 100), janus-iface (rcbench0), janus-debug (3), out
 * (results JSON file).
 */
public final class Bench {
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
        int nReactors = Integer.parseInt(opt("reactors", "2"));
        for (int i = 0; i < nReactors; i++) {
            reactors.add(new Reactor("bench-rx-" + i, handshakes));
        }
        Thread ticker = new Thread(this::tickLoop, "bench-ice");
        ticker.setDaemon(true);
        ticker.start();
        boolean viewerRtx = Boolean.parseBoolean(opt("viewer-rtx", "true"));
        String cpus = opt("cpus", "");
        List<String> servers = List.of(opt("servers", "relaycast,janus").split(","));

        ObjectNode result = JSON.createObjectNode();
        result.put("date", java.time.ZonedDateTime.now().toString());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("serverCpus", cpus.isEmpty() ? "all" : cpus);
        result.put("viewerRtx", viewerRtx);
        result.put("cpuModel", cpuModel());
        result.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        Ramp.log("load average %s; servers %s, pinned to CPUs %s", result.get("loadAverageAtStart").asText(), servers,
                cpus.isEmpty() ? "(none)" : cpus);

        SrtpProfile profile = SrtpProfile.SRTP_AEAD_AES_128_GCM;
        int floorViewers = 0;
        double packetRate = 207;
        if (servers.contains("relaycast")) {
            RelaycastTarget sfu = new RelaycastTarget(opt("sfu-java-opts", "-XX:+UseZGC -Xmx1g"), cpus,
                    opt("sfu-log", "target/sfu.log"), cert, viewerRtx);
            Ramp.log("relaycast: SFU pid %d on UDP %d", sfu.pid(), sfu.udpPort());
            Ramp ramp = new Ramp(sfu, opts, cert, handshakes, reactors, ticking);
            try {
                ObjectNode ours = ramp.run();
                profile = sfu.publisher.srtp.profile();
                for (Iterator<Map.Entry<String, JsonNode>> it = ours.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().startsWith("loadAverage")) {
                        result.set(e.getKey(), e.getValue());
                    }
                }
                JsonNode top = ours.has("maxSustained") ? ours.get("maxSustained") : last(ours);
                if (top != null) {
                    floorViewers = top.get("viewers").asInt();
                    packetRate = top.get("publisherPacketsPerSecond").asDouble();
                }
            } finally {
                ramp.stop();
                sfu.close();
            }
        }
        int floorSeconds = Integer.parseInt(opt("floor-seconds", "5"));
        floorViewers = Integer.parseInt(opt("floor-viewers", Integer.toString(Math.max(floorViewers, 100))));
        if (floorSeconds > 0) {
            ObjectNode floor = FloorLoop.run(floorViewers, profile, packetRate, floorSeconds, reactors, cert);
            result.set("floor", floor);
            result.put("floorMicrosPerPacket", floor.get("microsPerPacket").asDouble());
            Ramp.log("floor: copy + SRTP protect (%s) + DatagramChannel.send on one thread to %d loopback viewers: "
                            + "%.2f us per packet, of which copy + protect %.2f us (%d packets, %.1f %% received)",
                    profile, floorViewers, floor.get("microsPerPacket").asDouble(),
                    floor.get("protectMicrosPerPacket").asDouble(), floor.get("packetsSent").asLong(),
                    100 * floor.get("receivedFraction").asDouble());
        }
        if (servers.contains("janus")) {
            JanusTarget janus = new JanusTarget(Path.of("target/janus").toAbsolutePath(), cpus,
                    opt("janus-iface", "rcbench0"), java.net.InetAddress.getByName(opt("janus-address", "10.200.0.1")),
                    Integer.parseInt(opt("janus-debug", "3")), cert, viewerRtx);
            Ramp ramp = new Ramp(janus, opts, cert, handshakes, reactors, ticking);
            try {
                result.set("janus", ramp.run());
            } finally {
                ramp.stop();
                janus.close();
            }
        }
        result.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        Files.writeString(Path.of(opt("out", "target/result.json")),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Summary.print(result);
    }

    private static JsonNode last(JsonNode ramp) {
        JsonNode steps = ramp.path("steps");
        return steps.size() == 0 ? null : steps.get(steps.size() - 1);
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

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
