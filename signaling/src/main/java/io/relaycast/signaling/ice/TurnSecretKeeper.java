package io.relaycast.signaling.ice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps coturn's store holding exactly the live epochs' secrets: every {@link TurnEpochs#PERIOD_SECONDS} it
 * publishes the secrets of epochs {@code firstLive(now) .. lastLive(now)} for the master secret and, during a
 * rotation, the previous one (so credentials from nodes not yet switched keep working), then retires what is due.
 * Publishing everything each period, not only new epochs, also refills a Redis that restarted empty.
 *
 * <p>{@link #signingSecret} is what {@link IceServerService} signs with; it makes sure the epoch is published before
 * a credential for it leaves this node. Secrets are never logged.
 */
public final class TurnSecretKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnSecretKeeper.class);

    private final RedisTurnSecrets store;
    private final TurnEpochs epochs;
    private final String master;
    private final String previousMaster;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** The newest epoch this node has published; Long.MIN_VALUE until the first successful run. */
    private volatile long publishedThrough = Long.MIN_VALUE;

    public TurnSecretKeeper(RedisTurnSecrets store, TurnEpochs epochs, String master, String previousMaster, Clock clock) {
        this.store = store;
        this.epochs = epochs;
        this.master = master;
        this.previousMaster = previousMaster == null ? "" : previousMaster;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turn-secret-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    /** A first run now (a Redis that does not answer is logged, not fatal: TURN fails, the rest works), then every period. */
    public TurnSecretKeeper start() {
        runLogged();
        timer.scheduleWithFixedDelay(this::runLogged, TurnEpochs.PERIOD_SECONDS, TurnEpochs.PERIOD_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    private void runLogged() {
        try {
            maintain();
        } catch (RuntimeException e) {
            LOG.warn("TURN secrets: Redis store not updated ({}); coturn refuses credentials of epochs it lacks", e.toString());
        }
    }

    /** One run: publish the live epochs' secrets, retire the due ones. Public for tests that move the clock. */
    public synchronized void maintain() {
        long now = clock.instant().getEpochSecond();
        long first = epochs.firstLive(now);
        long last = epochs.lastLive(now);
        Map<String, Long> live = new LinkedHashMap<>();
        for (long k = first; k <= last; k++) {
            live.put(EpochSecret.derive(master, epochs.epochSeconds(), k), epochs.retireAt(k));
            if (!previousMaster.isEmpty()) {
                live.put(EpochSecret.derive(previousMaster, epochs.epochSeconds(), k), epochs.retireAt(k));
            }
        }
        store.publish(live);
        int retired = store.retireDue(now);
        publishedThrough = last;
        if (retired > 0) {
            LOG.debug("TURN secrets: published epochs {}..{}, retired {}", first, last, retired);
        }
    }

    /** The secret to sign a credential expiring at {@code expiry} with; publishes its epoch first if this node has not. */
    public String signingSecret(long expiry) {
        long epoch = epochs.epochOf(expiry);
        if (epoch > publishedThrough) {
            runLogged();
        }
        return EpochSecret.derive(master, epochs.epochSeconds(), epoch);
    }

    public TurnEpochs epochs() {
        return epochs;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        store.close();
    }
}
