package io.relaycast.web.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The credential of a node-to-node relay request: {@code Authorization: Relaycast-Relay
 * <nodeId>.<expiry unix seconds>.<base64url HMAC-SHA256>}, the MAC over the node id, the expiry and the SHA-256 of
 * the exact request body, keyed with a key derived from {@code relaycast.cluster.relay.secret} (a purpose label of
 * its own, so it is not the key the relay's SRTP keys come from). Stateless: every node that shares the secret
 * signs and checks them. Binding the body means a captured token opens nothing but the same request (whose media
 * keys need the secret) until it expires ({@code token-ttl}).
 */
public final class RelayTokens {
    public static final String SCHEME = "Relaycast-Relay";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Clocks of nodes differ; a token dated further ahead than ttl + this is refused (not minted by us). */
    private static final long SKEW_SECONDS = 30;

    /** Why a credential was refused (the endpoint maps it to 401 or 403). */
    public enum Verdict { OK, MISSING, MALFORMED, EXPIRED, BAD_SIGNATURE }

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;

    public RelayTokens(byte[] secret, Duration ttl, Clock clock) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("relaying needs relaycast.cluster.relay.secret");
        }
        this.key = hmac(secret, "relaycast relay token key v1".getBytes(StandardCharsets.UTF_8));
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The Authorization header value for {@code body} sent by {@code nodeId}. */
    public String sign(String nodeId, byte[] body) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        return SCHEME + " " + nodeId + "." + expiry + "." + B64.encodeToString(mac(nodeId, expiry, body));
    }

    /** Checks an Authorization header against the body it came with and the node the body names. */
    public Verdict verify(String header, String nodeId, byte[] body) {
        if (header == null || header.isBlank()) {
            return Verdict.MISSING;
        }
        if (!header.startsWith(SCHEME + " ") || header.length() > 300) {
            return Verdict.MALFORMED;
        }
        // <nodeId>.<expiry>.<mac>: split from the right, since a node id may hold dots
        String value = header.substring(SCHEME.length() + 1).trim();
        int last = value.lastIndexOf('.');
        int middle = last <= 0 ? -1 : value.lastIndexOf('.', last - 1);
        if (middle <= 0) {
            return Verdict.MALFORMED;
        }
        String[] parts = {value.substring(0, middle), value.substring(middle + 1, last), value.substring(last + 1)};
        if (!NODE.matcher(parts[0]).matches() || parts[1].isEmpty() || parts[1].length() > 12) {
            return Verdict.MALFORMED;
        }
        long expiry;
        byte[] presented;
        try {
            expiry = Long.parseLong(parts[1]);
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        // the signature first: an outsider learns nothing about expiry handling
        boolean signed = MessageDigest.isEqual(presented, mac(parts[0], expiry, body));
        if (!signed || nodeId == null || !nodeId.equals(parts[0])) {
            return Verdict.BAD_SIGNATURE;
        }
        long now = clock.instant().getEpochSecond();
        if (expiry < now || expiry > now + ttl.toSeconds() + SKEW_SECONDS) {
            return Verdict.EXPIRED;
        }
        return Verdict.OK;
    }

    private byte[] mac(String nodeId, long expiry, byte[] body) {
        String data = "relaycast relay request v1\n" + nodeId + "\n" + expiry + "\n" + B64.encodeToString(sha256(body));
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
