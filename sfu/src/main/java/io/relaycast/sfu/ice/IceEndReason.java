package io.relaycast.sfu.ice;

/** Why an {@link IceSession} ended. */
public enum IceEndReason {
    /** Every candidate pair failed (RFC 8445 §7.2.5.3.3 / §8.1.2). */
    CHECKS_FAILED,
    /** Not connected within {@link IceConfig#connectTimeout()}. */
    CONNECT_TIMEOUT,
    /** No consent response on the selected pair for {@link IceConfig#consentTimeout()} (RFC 7675 §5.1). */
    CONSENT_EXPIRED,
    /** {@link IceSession#close()}. */
    CLOSED_LOCALLY
}
