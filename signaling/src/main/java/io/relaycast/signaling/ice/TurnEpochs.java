package io.relaycast.signaling.ice;

/**
 * The arithmetic of epoch-bound TURN secrets, in Unix seconds (the TURN REST API's expiry unit,
 * draft-uberti-behave-turn-rest-00 §2.2). Epoch {@code k} holds the expiries {@code [k*E, (k+1)*E)}; a credential
 * is signed with the secret of the epoch its expiry lies in.
 *
 * <p>A secret is in coturn's store while its epoch is live: from {@link #lastLive} reaching it (some node may sign
 * an expiry in it within {@link #LOOKAHEAD_SECONDS}) until {@link #retireAt} (every expiry in it has passed, plus
 * {@link #GRACE_SECONDS} for clocks that disagree). So whatever expiry a credential claims, coturn verifies it for
 * at most {@link #maxSecondsAtCoturn()}.
 *
 * @param epochSeconds E, the length of an epoch
 * @param ttlSeconds   the credential lifetime we sign ({@code relaycast.ice.credential-ttl})
 */
public record TurnEpochs(long epochSeconds, long ttlSeconds) {
    /** How often {@link TurnSecretKeeper} publishes and retires. */
    public static final long PERIOD_SECONDS = 30;
    /** Secrets are published this far ahead of need: two periods, so one missed run costs nothing. */
    public static final long LOOKAHEAD_SECONDS = 2 * PERIOD_SECONDS;
    /** Clock disagreement between Relaycast nodes and coturn that retirement tolerates. */
    public static final long GRACE_SECONDS = 60;

    public TurnEpochs {
        if (epochSeconds <= 0 || ttlSeconds <= 0) {
            throw new IllegalArgumentException("epoch and ttl must be positive");
        }
    }

    /** The epoch an expiry (or any instant) lies in; floor division, so instants before 1970 work too. */
    public long epochOf(long unixSeconds) {
        return Math.floorDiv(unixSeconds, epochSeconds);
    }

    /** The oldest epoch not yet retired at {@code now}: retireAt(firstLive(now)) > now >= retireAt(firstLive(now) - 1). */
    public long firstLive(long now) {
        return epochOf(now - GRACE_SECONDS);
    }

    /** The newest epoch whose secret must be in the store at {@code now}: a credential signed up to a lookahead from now. */
    public long lastLive(long now) {
        return epochOf(now + ttlSeconds + LOOKAHEAD_SECONDS);
    }

    /** When epoch k's secret leaves the store: its last expiry ((k+1)E - 1) has passed, plus the grace. */
    public long retireAt(long epoch) {
        return (epoch + 1) * epochSeconds + GRACE_SECONDS;
    }

    /**
     * The longest any credential can work at coturn for a new allocation, whatever expiry it claims: its epoch's
     * secret is present from {@code kE - ttl - lookahead} to {@code (k+1)E + grace}.
     */
    public long maxSecondsAtCoturn() {
        return epochSeconds + ttlSeconds + LOOKAHEAD_SECONDS + GRACE_SECONDS;
    }
}
