package io.relaycast.sfu.srtp;

/** Which AES implementation jitsi-srtp uses for SRTP and SRTCP. */
public enum SrtpCryptoBackend {
    /** OpenSSL through jitsi-srtp's bundled JNI library when it loads, else the JDK's SunJCE provider. */
    AUTO,
    /** jitsi-srtp's JNI binding to the system OpenSSL (libcrypto 1.1 or 3); falls back to JCE if absent. */
    OPENSSL,
    /** The JDK's SunJCE provider. */
    JCE
}
