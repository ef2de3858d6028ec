package io.relaycast.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.load.rtc.Histogram;
import io.relaycast.load.rtc.Peer;
import io.relaycast.load.rtc.Reactor;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One {@code ./relaycast load} run: finds the target's Socket.IO endpoint, gets a stream (given, or created and
 * fed by {@link LoadPublisher}), ramps viewers and chatters, holds the load for the duration with a progress line
 * every second, then prints and returns the {@link LoadSummary}.
 */
public final class LoadRun {
    /** The target could not be used at all (refused, not a Relaycast, no permission): exit status 3. */
    public static final class TargetException extends Exception {
        TargetException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LoadOptions o;
    private final PrintStream progress;
    private final LoadHttp http;
    private final Failures failures = new Failures();
    private final ChatStats chat = new ChatStats();
    private final List<LoadViewer> viewers = new ArrayList<>();
    private final List<LoadChatter> chatters = new ArrayList<>();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private double cpuSum;
    private double cpuMax;
    private int cpuSamples;
    private int cpuSaturatedSamples;

    public LoadRun(LoadOptions options, PrintStream progress) {
        this.o = options;
        this.progress = progress;
        this.http = new LoadHttp(options.url());
    }

    public LoadSummary run() throws TargetException, InterruptedException {
        JsonNode cfg = target("GET /api/v1/config/client", http::clientConfig);
        String signaling = cfg.path("signaling").path("url").asText("");
        boolean dev = cfg.path("devMode").asBoolean(false);
        boolean anonymous = cfg.path("allowAnonymousViewers").asBoolean(false);
        if (signaling.isEmpty()) {
            throw new TargetException(o.url() + "/api/v1/config/client names no Socket.IO endpoint: is it a Relaycast?", null);
        }
        if (o.token() == null && !dev && (o.chatters() > 0 || o.streamId() == null || !anonymous)) {
            throw new TargetException("the target is not in dev mode: pass --token (a JWT it accepts)"
                    + (o.streamId() == null ? " and one that may create streams, or --stream ID" : ""), null);
        }
        int reactorThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-chat-timer");
            t.setDaemon(true);
            return t;
        });
        String streamId = o.streamId();
        String ownerToken = null;
        LoadPublisher publisher = null;
        try (Rig rig = new Rig(reactorThreads)) {
            if (streamId == null) {
                ownerToken = o.token() != null ? o.token() : target("POST /api/v1/auth/dev-token", () -> http.devToken("load-publisher"));
                String owner = ownerToken;
                JsonNode stream = target("POST /api/v1/streams", () -> http.createStream(owner, "relaycast load " + java.time.Instant.now()));
                streamId = stream.path("id").asText();
                publisher = new LoadPublisher(http, rig, streamId, stream.path("streamKey").asText());
                try {
                    publisher.start(rig, o.publishKbps(), 15_000);
                } catch (ConnectException e) {
                    throw new TargetException("WHIP publish refused: " + e.getMessage(), e);
                } catch (Exception e) {
                    throw new TargetException("could not publish the synthetic stream: " + e.getMessage(), e);
                }
                progress.printf("relaycast load: publishing a synthetic %d kbit/s VP8+Opus stream to %s over WHIP%n",
                        o.publishKbps(), streamId);
            }
            List<String> viewerTokens = tokens("viewer", o.viewers(), dev);
            List<String> chatterTokens = tokens("chatter", o.chatters(), dev);
            long t0 = System.nanoTime();
            ramp(rig, signaling, streamId, viewerTokens, chatterTokens, timer, t0);
            long holdStart = System.nanoTime();
            long holdEnd = holdStart + o.duration().toNanos();
            while (System.nanoTime() < holdEnd) {
                tick(t0, true);
                Thread.sleep(Math.min(1000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            }
            double held = (System.nanoTime() - holdStart) / 1e9;
            chatters.forEach(LoadChatter::stop);
            awaitLastDeliveries();
            viewers.forEach(LoadViewer::classifyIfSilent);
            if (System.console() != null) {
                progress.println();
            }
            return summarize(streamId, held, publisher != null, publisher == null ? 0 : publisher.packetsSent(), rig);
        } catch (java.io.IOException e) {
            throw new TargetException("could not set up the load generator: " + e, e);
        } finally {
            viewers.forEach(LoadViewer::close);
            chatters.forEach(LoadChatter::close);
            timer.shutdownNow();
            if (publisher != null) {
                publisher.close();
                try {
                    http.endStream(ownerToken, streamId);
                } catch (Exception e) {
                    // the stream ends on its own when the publisher is gone
                }
            }
        }
    }

    /** The last messages' deliveries: until a second passes without one (a loaded target is late), at most 10 s. */
    private void awaitLastDeliveries() throws InterruptedException {
        if (chatters.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        long seen = -1;
        while (System.nanoTime() < deadline && chat.received.sum() != seen) {
            seen = chat.received.sum();
            Thread.sleep(1000);
        }
    }

    /** Starts viewers and chatters at {@code --ramp} per second, interleaved, printing progress meanwhile. */
    /**
     * One token per client before the ramp (so the ramp's pace is the clients' own): {@code --token} for all, else
     * a dev token each in dev mode (one user each, as the per-user chat and join limits expect), else anonymous.
     */
    private List<String> tokens(String kind, int n, boolean dev) throws TargetException {
        List<String> t = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            t.add(o.token() != null ? o.token() : dev ? target("POST /api/v1/auth/dev-token",
                    () -> http.devToken("load-" + kind + "-" + k)) : null);
        }
        return t;
    }

    private void ramp(Rig rig, String signaling, String streamId, List<String> viewerTokens, List<String> chatterTokens,
                      ScheduledExecutorService timer, long t0) throws InterruptedException {
        int total = o.viewers() + o.chatters();
        long gapNanos = (long) (1e9 / o.rampPerSecond());
        long nextTick = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < total; i++) {
            long due = t0 + i * gapNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                Thread.sleep(Math.max(1, Math.min(wait / 1_000_000, 100)));
                if (System.nanoTime() >= nextTick) {
                    tick(t0, false);
                    nextTick += 1_000_000_000L;
                }
            }
            // interleaved in proportion, so a ramp cut short (out of ports) still has both kinds
            boolean viewer = chatters.size() >= o.chatters() || viewers.size() < o.viewers()
                    && (long) viewers.size() * o.chatters() <= (long) chatters.size() * o.viewers();
            try {
                if (viewer) {
                    int n = viewers.size();
                    String token = viewerTokens.get(n);
                    LoadViewer v = new LoadViewer(n, rig, failures, streamId);
                    viewers.add(v);
                    v.start(signaling, token);
                } else {
                    int n = chatters.size();
                    String token = chatterTokens.get(n);
                    LoadChatter c = new LoadChatter(n, streamId, chat, failures);
                    chatters.add(c);
                    c.start(signaling, token, timer, o.chatInterval().toMillis());
                }
            } catch (java.io.IOException e) {
                failures.add(e);
                if (Failures.PORTS.equals(Failures.cause(e))) {
                    progress.println("relaycast load: this machine ran out of local ports or file descriptors after "
                            + viewers.size() + " viewers and " + chatters.size() + " chatters; holding what runs");
                    return;
                }
                if (Failures.REFUSED.equals(Failures.cause(e))) {
                    progress.println("relaycast load: the target refused a connection: " + e.getMessage());
                }
            }
        }
    }

    /** One progress line (and a CPU sample while the full load is held). */
    private void tick(long t0, boolean holding) {
        double cpu = os.getCpuLoad();
        if (holding && cpu >= 0) {
            cpuSum += cpu;
            cpuSamples++;
            cpuMax = Math.max(cpuMax, cpu);
            if (cpu >= 0.95) {
                cpuSaturatedSamples++;
            }
        }
        long connected = viewers.stream().filter(LoadViewer::connected).count();
        long receiving = viewers.stream().filter(LoadViewer::receiving).count();
        long bytes = 0;
        for (LoadViewer v : viewers) {
            bytes += v.peer.receivedBytes[0] + v.peer.receivedBytes[1];
        }
        String line = String.format(Locale.ROOT,
                "[%4.0fs] viewers %d/%d connected, %d receiving, %.1f MB in | chatters %d/%d, chat %d sent %d delivered"
                        + " | errors %d | cpu %.0f%%",
                (System.nanoTime() - t0) / 1e9, connected, o.viewers(), receiving, bytes / 1e6,
                chatters.stream().filter(c -> c.joined).count(), o.chatters(), chat.sent.sum(), chat.received.sum(),
                failures.total(), Math.max(0, cpu) * 100);
        if (System.console() != null) {
            progress.print("\r" + line);
        } else {
            progress.println(line);
        }
        progress.flush();
    }

    private LoadSummary summarize(String streamId, double held, boolean published, long publisherPackets, Rig rig) {
        long now = System.nanoTime();
        int connected = 0;
        int receiving = 0;
        long video = 0;
        long audio = 0;
        long bytes = 0;
        long expected = 0;
        double receivingSeconds = 0;
        List<Double> firstPacket = new ArrayList<>();
        List<Double> keyframe = new ArrayList<>();
        for (LoadViewer v : viewers) {
            Peer p = v.peer;
            connected += v.connected() ? 1 : 0;
            if (!v.receiving()) {
                continue;
            }
            receiving++;
            video += p.received[1];
            audio += p.received[0];
            bytes += p.receivedBytes[0] + p.receivedBytes[1];
            for (int k = 0; k < 2; k++) {
                if (p.baseSeq[k] >= 0) {
                    expected += p.highestSeq[k] - p.baseSeq[k] + 1;
                }
            }
            receivingSeconds += (now - p.tFirstRtp) / 1e9;
            firstPacket.add((p.tFirstRtp - p.tStart) / 1e6);
            if (p.tFirstKeyframe != 0) {
                keyframe.add((p.tFirstKeyframe - p.tStart) / 1e6);
            }
        }
        double loss = expected == 0 ? 0 : Math.max(0, 100.0 * (expected - video - audio) / expected);
        double[] forward = null;
        if (published) {
            long[] sum = null;
            for (Reactor r : rig.reactors()) {
                long[] s = r.latency.snapshot();
                if (sum == null) {
                    sum = s;
                } else {
                    for (int i = 0; i < s.length; i++) {
                        sum[i] += s[i];
                    }
                }
            }
            forward = sum == null ? null : Histogram.percentilesMs(new long[sum.length], sum, 0.5, 0.95, 0.99);
        }
        int joined = (int) chatters.stream().filter(c -> c.joined).count();
        Map<String, String> examples = new LinkedHashMap<>();
        failures.snapshot().keySet().forEach(k -> {
            String e = failures.example(k);
            if (e != null) {
                examples.put(k, e);
            }
        });
        return new LoadSummary(o.url().toString(), streamId, held, o.viewers(), connected, receiving,
                percentiles(firstPacket), keyframe.isEmpty() ? null : percentiles(keyframe), video, audio, bytes,
                receivingSeconds == 0 ? 0 : bytes * 8 / 1000.0 / receivingSeconds, loss, forward, publisherPackets,
                o.chatters(), joined, chat.sent.sum(), chat.accepted.sum(), chat.received.sum(),
                chat.accepted.sum() * joined, chat.latencyMs(), failures.snapshot(), examples, failures.retries.sum(),
                cpuSamples == 0 ? 0 : cpuSum / cpuSamples, cpuMax,
                cpuSamples > 0 && cpuSaturatedSamples * 2 >= cpuSamples);
    }

    /** p50, p95, p99, max of the values (ms); null when there are none. */
    static double[] percentiles(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return new double[] {at(v, 0.5), at(v, 0.95), at(v, 0.99), v[v.length - 1]};
    }

    private static double at(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    /** A call the whole run needs: its failure is the target's, said plainly. */
    private <T> T target(String what, Call<T> c) throws TargetException {
        try {
            return c.call();
        } catch (LoadHttp.HttpFailure e) {
            throw new TargetException(o.url() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            String cause = Failures.cause(e);
            if (Failures.REFUSED.equals(cause)) {
                throw new TargetException(o.url() + " refused the connection (" + what + "): is Relaycast running there,"
                        + " on that port?", e);
            }
            throw new TargetException(o.url() + ": " + what + " failed: " + cause + " (" + Failures.rootOf(e) + ")", e);
        }
    }
}
