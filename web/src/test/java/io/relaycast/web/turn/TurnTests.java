package io.relaycast.web.turn;

import io.relaycast.signaling.ice.EpochSecret;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.TurnEpochs;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;

/** Small shared pieces of the TURN tests. */
final class TurnTests {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TurnTests() {
    }

    /** A fresh random shared secret, as an operator would make one (openssl rand -base64 32). */
    static String randomSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The Redis the tests share (the one REDIS_URL names on CI), redis://host:port. */
    static String redisUrl() {
        return System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379");
    }

    /** The same Redis as coturn's redis-userdb connection string wants it. */
    static String coturnRedisConnection() {
        URI u = URI.create(redisUrl());
        return "ip=" + u.getHost() + " port=" + (u.getPort() < 0 ? 6379 : u.getPort()) + " dbname=0 connect_timeout=5";
    }

    /** A realm of one test class's own: its Redis keys are turn/realm/<realm>/... and nobody else's. */
    static String randomRealm() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "relaycast-test-" + java.util.HexFormat.of().formatHex(b);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A TURN REST API username and password, signed the way IceServerService signs them. */
    record Credential(String username, String password) {
        static Credential of(String secret, long expiry, String userId) {
            String username = expiry + ":" + userId;
            return new Credential(username, IceServerService.credential(secret, username));
        }

        /** Signed the epoch-bound way: with the secret of the expiry's epoch, derived from {@code master}. */
        static Credential ofEpoch(String master, TurnEpochs epochs, long expiry, String userId) {
            return of(EpochSecret.derive(master, epochs.epochSeconds(), epochs.epochOf(expiry)), expiry, userId);
        }
    }

    /**
     * An IP literal (never a name: nothing is resolved). IPv4-mapped IPv6 literals ({@code ::ffff:a.b.c.d}) stay
     * IPv6 on the wire; Java's InetAddress.getByName would turn them into plain IPv4.
     */
    static InetAddress ip(String literal) {
        try {
            InetAddress a = InetAddress.getByName(literal);
            if (literal.contains(":") && a.getAddress().length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
                return java.net.Inet6Address.getByAddress(null, mapped, -1);
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** True when this machine has IPv6 loopback (::1) to relay from. */
    static boolean hasIpv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip("::1"), 0))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
