package io.relaycast.sfu.srtp;

import java.util.Objects;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide choice of jitsi-srtp's AES implementation.
 *
 * <p>jitsi-srtp picks its cipher factory in static state ({@link Aes#setFactoryClassName(String)}); left unset,
 * it benchmarks every provider it knows on the first cipher of each transformation, which costs seconds at
 * start-up and makes the choice unpredictable. We name the factory instead: "OpenSSL" when the bundled JNI
 * library loaded, else "SunJCE". If the named factory then fails its self-test, jitsi-srtp falls back to
 * benchmarking the others, so a broken OpenSSL never leaves us without SRTP.
 *
 * <p>Once the first {@link SrtpSession} exists jitsi-srtp has cached its factory per transformation, so the
 * choice is frozen; asking for a different backend after that is an error rather than a silent no-op.
 * HMAC-SHA1 is outside this switch: jitsi-srtp always prefers OpenSSL for it when the library loaded.
 */
public final class SrtpCryptoSetup {
    private static final Logger LOG = LoggerFactory.getLogger(SrtpCryptoSetup.class);

    private static SrtpCryptoBackend effective;
    private static boolean frozen;

    private SrtpCryptoSetup() {
    }

    /**
     * Applies {@code requested} and returns the backend actually in use ({@link SrtpCryptoBackend#OPENSSL} or
     * {@link SrtpCryptoBackend#JCE}). Call it at start-up, before the first session.
     *
     * @throws IllegalStateException if sessions already run on a different backend
     */
    public static synchronized SrtpCryptoBackend configure(SrtpCryptoBackend requested) {
        Objects.requireNonNull(requested, "requested");
        boolean openSsl = openSslAvailable();
        SrtpCryptoBackend resolved = resolve(requested, openSsl);
        if (frozen) {
            if (resolved != effective) {
                throw new IllegalStateException("SRTP already runs on " + effective + "; " + requested
                        + " must be configured before the first SRTP session");
            }
            return effective;
        }
        if (requested == SrtpCryptoBackend.OPENSSL && !openSsl) {
            LOG.warn("OpenSSL requested for SRTP but jitsi-srtp's native library did not load; using JCE");
        }
        Aes.setFactoryClassName(factoryName(resolved));
        effective = resolved;
        LOG.info("SRTP AES backend: {} (requested {})", resolved, requested);
        return resolved;
    }

    /** The backend in use, or {@code null} before the first {@link #configure} or session. */
    public static synchronized SrtpCryptoBackend effective() {
        return effective;
    }

    /** Whether jitsi-srtp's JNI library loaded against this machine's OpenSSL. */
    public static boolean openSslAvailable() {
        try {
            return JitsiOpenSslProvider.isLoaded();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Called by every new session: configures {@link SrtpCryptoBackend#AUTO} if nobody chose, then freezes. */
    static synchronized void freeze() {
        if (effective == null) {
            configure(SrtpCryptoBackend.AUTO);
        }
        frozen = true;
    }

    /** Pure resolution of a request against the availability of OpenSSL. */
    static SrtpCryptoBackend resolve(SrtpCryptoBackend requested, boolean openSslAvailable) {
        return switch (requested) {
            case AUTO, OPENSSL -> openSslAvailable ? SrtpCryptoBackend.OPENSSL : SrtpCryptoBackend.JCE;
            case JCE -> SrtpCryptoBackend.JCE;
        };
    }

    /** jitsi-srtp's short name for the cipher factory: {@code Aes$<name>CipherFactory}. */
    static String factoryName(SrtpCryptoBackend resolved) {
        return switch (resolved) {
            case OPENSSL -> "OpenSSL";
            case JCE -> "SunJCE";
            case AUTO -> throw new IllegalArgumentException("AUTO is not a resolved backend");
        };
    }
}
