package io.relaycast.web.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaycast.recorder.Ffmpeg;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.SfuMetrics;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.signaling.chat.ChatListener;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.chat.Comment;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.webhook.WebhookDispatcher;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The {@code relaycast_*} series (the list, with types, labels and meaning, is in docs/metrics.md). Labels are
 * bounded: kinds, transports, directions, outcomes, purposes; the one per-stream series,
 * {@code relaycast_stream_viewers{stream_id}}, exists for the {@code per-stream-top} largest live streams only.
 * The SFU's counters are read from {@link SfuMetrics} on scrape; the database-backed gauges (cluster-wide, the
 * same on every node) are refreshed by one thread every {@link #REFRESH_SECONDS} s, so a scrape never waits on
 * the database.
 */
public final class RelaycastMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelaycastMetrics.class);
    static final int REFRESH_SECONDS = 2;
    static final List<String> TRANSPORTS = List.of(ViewerService.TRANSPORT_WEBRTC, ViewerService.TRANSPORT_HLS,
            ViewerService.TRANSPORT_API);

    private final ScheduledExecutorService refresher;
    private volatile Map<String, Integer> viewersByTransport = Map.of();
    private volatile int liveStreams;
    private final MultiGauge streamViewers;
    private volatile boolean refreshFailureLogged;
    /** Held here: Micrometer keeps only weak references to the objects its gauges and function counters read. */
    private final FfmpegProcesses ffmpeg = new FfmpegProcesses();
    private final Sources sources;

    /** What the series read; suppliers for parts that start after the registry (Socket.IO, webhooks). */
    public record Sources(MediaPlane media, ViewerService viewers, ChatService chat, Jdbi jdbi,
                         IntSupplier socketConnections, Supplier<WebhookDispatcher> webhooks, int perStreamTop) {
    }

    private RelaycastMetrics(PrometheusMeterRegistry r, Sources s) {
        this.sources = s;
        new ClassLoaderMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);
        sfu(r);
        r.getPrometheusRegistry().register(new ForwardingLatencyCollector());
        Gauge.builder("relaycast.sfu.publishers", s.media(), m -> count(m, true))
                .description("Publishers on this node's SFU").register(r);
        Gauge.builder("relaycast.sfu.subscribers", s.media(), m -> count(m, false))
                .description("WebRTC viewers on this node's SFU").register(r);
        Gauge.builder("relaycast.live.streams", this, m -> m.liveStreams)
                .description("Streams live in the cluster (the same on every node: aggregate with max)").register(r);
        for (String t : TRANSPORTS) {
            Gauge.builder("relaycast.viewers", this, m -> m.viewersByTransport.getOrDefault(t, 0))
                    .tag("transport", t)
                    .description("Open viewer sessions in the cluster by transport (the same on every node: aggregate with max)")
                    .register(r);
        }
        streamViewers = MultiGauge.builder("relaycast.stream.viewers")
                .description("Open viewer sessions by transport of the largest public live streams (at most metrics.per-stream-top)")
                .register(r);
        Gauge.builder("relaycast.socketio.connections", s.socketConnections(), IntSupplier::getAsInt)
                .description("Socket.IO connections on this node").register(r);
        Counter chat = Counter.builder("relaycast.chat.messages").description("Chat messages stored through this node")
                .register(r);
        s.chat().addListener(new ChatListener() {
            @Override
            public void onMessage(Comment comment) {
                chat.increment();
            }
        });
        for (String outcome : List.of("delivered", "failed", "gave_up")) {
            FunctionCounter.builder("relaycast.webhook.deliveries", s.webhooks(), w -> w.get() == null ? 0 : w.get().attempts(outcome))
                    .tag("outcome", outcome)
                    .description("Webhook delivery attempts by this node (failed: retried later; gave_up: no more tries)")
                    .register(r);
        }
        for (String purpose : FfmpegProcesses.PURPOSES) {
            FunctionCounter.builder("relaycast.ffmpeg.restarts", purpose, Ffmpeg::crashes).tag("purpose", purpose)
                    .description("ffmpeg processes that died mid-stream (restarted, or given up after too many)")
                    .register(r);
            Gauge.builder("relaycast.ffmpeg.processes", ffmpeg, f -> f.snapshot().processes(purpose)).tag("purpose", purpose)
                    .description("ffmpeg processes running under this server").register(r);
            FunctionCounter.builder("relaycast.ffmpeg.cpu.seconds", ffmpeg, f -> f.snapshot().cpuSeconds(purpose))
                    .tag("purpose", purpose).description("CPU time used by this server's ffmpeg processes").register(r);
        }
        refresher = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "metrics-refresh");
            th.setDaemon(true);
            return th;
        });
        refresher.scheduleWithFixedDelay(() -> refresh(s), 0, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    public static RelaycastMetrics bind(PrometheusMeterRegistry registry, Sources sources) {
        return new RelaycastMetrics(registry, sources);
    }

    private static void sfu(PrometheusMeterRegistry r) {
        for (String kind : List.of("audio", "video")) {
            boolean video = kind.equals("video");
            counter(r, "relaycast.sfu.packets.in", video ? SfuMetrics.PACKETS_IN_VIDEO : SfuMetrics.PACKETS_IN_AUDIO,
                    "RTP packets received from publishers (after SRTP)", "kind", kind);
            counter(r, "relaycast.sfu.bytes.in", video ? SfuMetrics.BYTES_IN_VIDEO : SfuMetrics.BYTES_IN_AUDIO,
                    "RTP bytes received from publishers", "kind", kind);
            counter(r, "relaycast.sfu.packets.out", video ? SfuMetrics.PACKETS_OUT_VIDEO : SfuMetrics.PACKETS_OUT_AUDIO,
                    "RTP packets sent to viewers (first sends; retransmissions are counted apart)", "kind", kind);
            counter(r, "relaycast.sfu.bytes.out", video ? SfuMetrics.BYTES_OUT_VIDEO : SfuMetrics.BYTES_OUT_AUDIO,
                    "RTP bytes sent to viewers (before SRTP)", "kind", kind);
        }
        counter(r, "relaycast.sfu.nacks", SfuMetrics.NACKS_RECEIVED, "Generic NACK packets (RFC 4585)", "direction", "received");
        counter(r, "relaycast.sfu.nacks", SfuMetrics.NACKS_SENT, "Generic NACK packets (RFC 4585)", "direction", "sent");
        counter(r, "relaycast.sfu.keyframe.requests", SfuMetrics.KEYFRAME_REQUESTS_RECEIVED,
                "PLI/FIR: received from viewers, sent to publishers", "direction", "received");
        counter(r, "relaycast.sfu.keyframe.requests", SfuMetrics.KEYFRAME_REQUESTS_SENT,
                "PLI/FIR: received from viewers, sent to publishers", "direction", "sent");
        counter(r, "relaycast.sfu.retransmissions", SfuMetrics.RETRANSMISSIONS_SENT,
                "Packets resent to viewers on their NACKs (RTX or byte for byte)", null, null);
        counter(r, "relaycast.sfu.dtls.handshakes", SfuMetrics.DTLS_HANDSHAKES_OK, "DTLS handshakes by outcome", "outcome", "ok");
        counter(r, "relaycast.sfu.dtls.handshakes", SfuMetrics.DTLS_HANDSHAKES_FAILED, "DTLS handshakes by outcome", "outcome", "failed");
        counter(r, "relaycast.sfu.dtls.handshakes", SfuMetrics.DTLS_HANDSHAKES_REFUSED, "DTLS handshakes by outcome", "outcome", "refused");
        counter(r, "relaycast.sfu.ice.failures", SfuMetrics.ICE_FAILURES, "ICE sessions that failed (checks failed, connect timeout)", null, null);
    }

    private static void counter(PrometheusMeterRegistry r, String name, int which, String help, String tag, String value) {
        FunctionCounter.Builder<Integer> b = FunctionCounter.builder(name, which, SfuMetrics::sum).description(help);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(r);
    }

    private static double count(MediaPlane media, boolean publishers) {
        int n = 0;
        for (StreamStats s : media.streamStats()) {
            n += publishers ? (s.publisher() == null ? 0 : 1) : s.viewers().size();
        }
        return n;
    }

    private void refresh(Sources s) {
        try {
            viewersByTransport = s.viewers().openByTransport();
            liveStreams = s.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM streams WHERE status = 'live'")
                    .mapTo(Integer.class).one());
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            if (s.perStreamTop() > 0) {
                for (Map.Entry<String, Map<String, Integer>> e : s.viewers().largestStreams(s.perStreamTop()).entrySet()) {
                    for (Map.Entry<String, Integer> t : e.getValue().entrySet()) {
                        rows.add(MultiGauge.Row.of(Tags.of("stream_id", e.getKey(), "transport", t.getKey()), t.getValue()));
                    }
                }
            }
            streamViewers.register(rows, true);
        } catch (RuntimeException e) {
            if (!refreshFailureLogged) {
                refreshFailureLogged = true;
                LOG.warn("metrics: viewer and stream gauges could not be read (logged once): {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
