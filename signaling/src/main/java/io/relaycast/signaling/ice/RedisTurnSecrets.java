package io.relaycast.signaling.ice;

import org.redisson.Redisson;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * coturn's TURN REST API secrets in its Redis user database ({@code redis-userdb}): coturn runs
 * {@code SMEMBERS turn/realm/<realm>/secret} on every authentication and tries each member. Beside that set we keep a
 * retirement schedule, a sorted set {@code relaycast/turn/realm/<realm>/retire-at} (member: secret, score: Unix
 * second it leaves). The schedule lives in Redis, not in a node, so whichever node runs retires every due secret,
 * including those of a previous master secret no node knows any more. Secrets we never scheduled (added by hand
 * with turnadmin) are left alone.
 */
public final class RedisTurnSecrets implements AutoCloseable {
    private final RedissonClient redis;
    private final String secretsKey;
    private final String scheduleKey;

    private RedisTurnSecrets(RedissonClient redis, String realm) {
        this.redis = redis;
        this.secretsKey = secretsKey(realm);
        this.scheduleKey = "relaycast/turn/realm/" + realm + "/retire-at";
    }

    /** Connects to {@code redis://host:port}; the client is this store's own and {@link #close()} ends it. */
    public static RedisTurnSecrets connect(String redisUrl, String realm) {
        org.redisson.config.Config c = new org.redisson.config.Config();
        c.useSingleServer().setAddress(redisUrl).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
        return new RedisTurnSecrets(Redisson.create(c), realm);
    }

    /** The key coturn reads (coturn 4.6.1, dbd_redis.c, {@code redis_get_auth_secrets}). */
    public static String secretsKey(String realm) {
        return "turn/realm/" + realm + "/secret";
    }

    /**
     * Adds each secret with its retirement time, in one MULTI/EXEC: SADD and ZADD of a value already there change
     * nothing, so every node may publish the same secrets at any time.
     */
    public void publish(Map<String, Long> retireAtBySecret) {
        if (retireAtBySecret.isEmpty()) {
            return;
        }
        RBatch batch = atomicBatch();
        retireAtBySecret.forEach((secret, retireAt) -> {
            batch.<String>getScoredSortedSet(scheduleKey, StringCodec.INSTANCE).addAsync(retireAt, secret);
            batch.<String>getSet(secretsKey, StringCodec.INSTANCE).addAsync(secret);
        });
        batch.execute();
    }

    /** Removes from coturn's set every scheduled secret whose time has come; returns how many. */
    public int retireDue(long now) {
        Collection<String> due = redis.<String>getScoredSortedSet(scheduleKey, StringCodec.INSTANCE)
                .valueRange(Double.NEGATIVE_INFINITY, true, now, true);
        if (due.isEmpty()) {
            return 0;
        }
        List<String> secrets = List.copyOf(due);
        RBatch batch = atomicBatch();
        batch.<String>getSet(secretsKey, StringCodec.INSTANCE).removeAllAsync(secrets);
        batch.<String>getScoredSortedSet(scheduleKey, StringCodec.INSTANCE).removeAllAsync(secrets);
        batch.execute();
        return secrets.size();
    }

    /** What coturn would read now (tests and diagnostics; never log these). */
    public Set<String> secrets() {
        return redis.<String>getSet(secretsKey, StringCodec.INSTANCE).readAll();
    }

    /** Deletes both keys of this realm (tests clean up with it). */
    public void deleteAll() {
        redis.getKeys().delete(secretsKey, scheduleKey);
    }

    private RBatch atomicBatch() {
        return redis.createBatch(BatchOptions.defaults().executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
    }

    @Override
    public void close() {
        redis.shutdown();
    }
}
