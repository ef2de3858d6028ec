package io.relaycast.signaling.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Sends the outbox's deliveries (decisions 160-166). One poller thread leases due deliveries (so several nodes on
 * one database send each once per endpoint) and hands them to a fixed pool of workers; a worker makes one signed
 * attempt with a timeout and records the outcome: delivered, retry later (exponential backoff with jitter), or
 * given up. Nothing here runs on a request thread: the API call that caused an event only wrote the outbox row.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final DeliveryRepository deliveries;
    private final WebhooksConfig config;
    private final TargetGuard guard;
    private final Clock clock;
    private final RandomGenerator random;
    /** This dispatcher's lease owner name: unique per process, so a restarted node does not inherit old leases. */
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 13);
    private final HttpClient http;
    private final ScheduledExecutorService poller;
    private final ExecutorService workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();

    public WebhookDispatcher(DeliveryRepository deliveries, WebhooksConfig config, Clock clock, RandomGenerator random) {
        this.deliveries = deliveries;
        this.config = config;
        this.guard = new TargetGuard(config.allowPrivateTargets());
        this.clock = clock;
        this.random = random;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.attemptTimeout())
                // a redirect could lead anywhere, including inside the host's network: a 3xx is a failed attempt
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "webhook-poller"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> daemon(r, "webhook-worker-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Attempts by outcome ({@code delivered}, {@code failed}: a retry follows, {@code gave_up}), for metrics. */
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> outcomes = java.util.Map.of(
            "delivered", new java.util.concurrent.atomic.LongAdder(), "failed", new java.util.concurrent.atomic.LongAdder(),
            "gave_up", new java.util.concurrent.atomic.LongAdder());

    /** Attempts this node made that ended {@code outcome} ({@code delivered}, {@code failed}, {@code gave_up}). */
    public long attempts(String outcome) {
        java.util.concurrent.atomic.LongAdder a = outcomes.get(outcome);
        return a == null ? 0 : a.sum();
    }

    public WebhookDispatcher start() {
        long every = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
        LOG.info("webhooks: dispatcher {} polling every {} with {} workers", node, config.pollInterval(), config.workers());
        return this;
    }

    public String node() {
        return node;
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("webhooks: polling the outbox failed (will retry): {}", e.toString());
        }
    }

    /** Leases what is due and hands it to the workers. Package-visible for tests that step by hand. */
    void poll() {
        int room = config.workers() - inFlight.get();
        if (room <= 0) {
            return;
        }
        long now = clock.millis();
        long leaseUntil = now + config.lease().toMillis();
        List<DeliveryRepository.Claimed> claimed = deliveries.claimDue(node, now, leaseUntil, room, slots);
        for (DeliveryRepository.Claimed c : claimed) {
            inFlight.incrementAndGet();
            workers.execute(() -> {
                try {
                    attempt(c);
                } catch (RuntimeException e) {
                    LOG.warn("webhooks: delivery {} could not be recorded (its lease will run out and it is retried): {}",
                            c.id(), e.toString());
                } finally {
                    inFlight.decrementAndGet();
                    slots.release(c.endpointId());
                }
            });
        }
    }

    /** At most max-in-flight-per-endpoint attempts to one endpoint at a time from this node. */
    private final DeliveryRepository.EndpointSlots slots = new DeliveryRepository.EndpointSlots() {
        @Override
        public boolean reserve(String endpointId) {
            AtomicInteger n = inFlightByEndpoint.computeIfAbsent(endpointId, k -> new AtomicInteger());
            if (n.incrementAndGet() > config.maxInFlightPerEndpoint()) {
                n.decrementAndGet();
                return false;
            }
            return true;
        }

        @Override
        public void release(String endpointId) {
            AtomicInteger n = inFlightByEndpoint.get(endpointId);
            if (n != null) {
                n.decrementAndGet();
            }
        }
    };

    private void attempt(DeliveryRepository.Claimed c) {
        long started = clock.millis();
        DeliveryRepository.Outcome outcome = send(c);
        long at = clock.millis();
        Long next = null;
        if (!outcome.delivered() && !config.retry().givesUp(c.eventCreatedAt(), at)) {
            next = at + config.retry().delayMillis(c.attempts() + 1, random);
        }
        boolean kept = deliveries.record(node, c, outcome, at, next, this::disableReason);
        outcomes.get(outcome.delivered() ? "delivered" : next == null ? "gave_up" : "failed").increment();
        if (!kept) {
            LOG.warn("webhooks: lease on delivery {} ran out during its attempt; another node owns it now", c.id());
        } else if (!outcome.delivered()) {
            LOG.info("webhooks: {} to endpoint {} failed (attempt {}, {}ms): {}; {}", c.eventType(), c.endpointId(),
                    c.attempts() + 1, at - started, outcome.error(),
                    next == null ? "giving up" : "next attempt at " + Instant.ofEpochMilli(next));
        }
    }

    private DeliveryRepository.Outcome send(DeliveryRepository.Claimed c) {
        long t0 = System.nanoTime();
        URI url;
        try {
            url = URI.create(c.url());
        } catch (IllegalArgumentException e) {
            return new DeliveryRepository.Outcome(false, null, "invalid URL", 0);
        }
        Optional<String> refused = guard.refusal(url);
        if (refused.isPresent()) {
            return new DeliveryRepository.Outcome(false, null, "target refused: " + refused.get(), 0);
        }
        long timestamp = clock.millis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.attemptTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Relaycast-Webhooks/1")
                .header("webhook-id", c.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSigner.sign(c.secret(), c.eventId(), timestamp, c.body()))
                .POST(HttpRequest.BodyPublishers.ofString(c.body()))
                .build();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // the answer's body is not used; closing it at once means a receiver that streams forever costs nothing
            r.body().close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int status = r.statusCode();
            boolean ok = status >= 200 && status < 300;
            return new DeliveryRepository.Outcome(ok, status, ok ? null : "HTTP " + status, ms);
        } catch (HttpTimeoutException e) {
            return new DeliveryRepository.Outcome(false, null, "timed out after " + config.attemptTimeout().toMillis() + "ms",
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            return new DeliveryRepository.Outcome(false, null, "connection failed: " + e,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryRepository.Outcome(false, null, "interrupted (node shutting down)",
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Disabled after disable-after-failures consecutive failures spanning at least disable-after (decision 164). */
    private String disableReason(int failures, long failingSince, long now, DeliveryRepository.Outcome last) {
        if (failures < config.disableAfterFailures() || now - failingSince < config.disableAfter().toMillis()) {
            return null;
        }
        return failures + " consecutive failed attempts since " + Instant.ofEpochMilli(failingSince)
                + "; last: " + last.error();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
