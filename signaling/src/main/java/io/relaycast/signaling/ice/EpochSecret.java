package io.relaycast.signaling.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The TURN secret of one epoch, derived from the configured master secret:
 * {@code base64(HMAC-SHA256(master, "relaycast-turn/" + epochSeconds + "/" + k))}. Every node derives the same value,
 * so publishing it is idempotent; the epoch length is in the label so that two epoch lengths never share a secret
 * for different time ranges. HMAC as a PRF is the usual key derivation (RFC 5869's extract step is the same
 * construction); nothing learnt from one epoch's secret gives the master or another epoch's secret.
 */
public final class EpochSecret {
    private EpochSecret() {
    }

    public static String derive(String master, long epochSeconds, long epoch) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] label = ("relaycast-turn/" + epochSeconds + "/" + epoch).getBytes(StandardCharsets.UTF_8);
            return Base64.getEncoder().encodeToString(mac.doFinal(label));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
