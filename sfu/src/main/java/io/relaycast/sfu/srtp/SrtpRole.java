package io.relaycast.sfu.srtp;

/**
 * Which half of the DTLS-SRTP keying material is ours.
 *
 * <p>RFC 5764 §4.2: the DTLS client protects what it sends with the client_write keys and the server with the
 * server_write keys; each side unprotects with the other's. Relaycast is the DTLS server (a=setup:passive,
 * RFC 5763 §5) except toward a publisher that offers {@code passive} itself, where it is the client.
 */
public enum SrtpRole {
    CLIENT,
    SERVER
}
