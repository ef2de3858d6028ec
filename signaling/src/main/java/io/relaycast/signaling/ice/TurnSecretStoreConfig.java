package io.relaycast.signaling.ice;

import java.time.Duration;

/**
 * Where coturn finds the TURN REST API secrets ({@code relaycast.ice.turn-secret-store} and its siblings).
 * <ul>
 *   <li>{@link Kind#STATIC}: coturn is started with {@code --static-auth-secret=<turn-secret>} and we sign every
 *       credential with that secret. coturn checks only {@code expiry >= now}, so a credential signed with it is
 *       good until the expiry it claims (up to 2038).</li>
 *   <li>{@link Kind#REDIS}: epoch-bound secrets. We derive one secret per {@code epoch} from {@code turn-secret},
 *       sign each credential with the secret of its expiry's epoch, and keep in coturn's Redis user database
 *       ({@code turn/realm/<realm>/secret}, read by coturn on every authentication) only the secrets of the
 *       epochs a valid credential can fall in (docs/decisions.md 66–68).</li>
 * </ul>
 *
 * @param redisUrl Redis of coturn's {@code redis-userdb} ({@code redis://host:port}); empty in static mode
 * @param realm    coturn's {@code realm}: the secrets are stored per realm
 * @param epoch    the length of one epoch
 */
public record TurnSecretStoreConfig(Kind kind, String redisUrl, String realm, Duration epoch) {

    public enum Kind { STATIC, REDIS }

    /** The mode of a deployment without a store: today's single static secret. */
    public static TurnSecretStoreConfig staticSecret() {
        return new TurnSecretStoreConfig(Kind.STATIC, "", "relaycast", Duration.ofHours(1));
    }

    public boolean epochBound() {
        return kind == Kind.REDIS;
    }
}
