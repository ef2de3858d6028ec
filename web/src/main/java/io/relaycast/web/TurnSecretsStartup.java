package io.relaycast.web;

import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.signaling.ice.RedisTurnSecrets;
import io.relaycast.signaling.ice.TurnEpochs;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/** Starts the keeper of coturn's epoch-bound TURN secrets for the composition root ({@link RelaycastServer}). */
final class TurnSecretsStartup {
    // the startup log keeps the composition root's logger name, as before this part was moved out of it
    private static final Logger LOG = LoggerFactory.getLogger(RelaycastServer.class);

    private TurnSecretsStartup() {
    }

    /** Epoch-bound TURN secrets in coturn's Redis (turn-secret-store = redis), or null for a static secret. */
    static TurnSecretKeeper start(IceServersConfig ice, Clock clock) {
        if (!ice.turnStore().epochBound() || ice.turnUrls().isEmpty()) {
            return null;
        }
        TurnEpochs epochs = new TurnEpochs(ice.turnStore().epoch().toSeconds(), ice.credentialTtl().toSeconds());
        LOG.info("TURN secrets: epoch-bound, {} epochs, in Redis for realm {}", ice.turnStore().epoch(), ice.turnStore().realm());
        RedisTurnSecrets store = RedisTurnSecrets.connect(ice.turnStore().redisUrl(), ice.turnStore().realm());
        return new TurnSecretKeeper(store, epochs, ice.turnSecret(), ice.turnPreviousSecret(), clock).start();
    }
}
