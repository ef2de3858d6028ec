/**
 * One peer connection's secure transport: {@link io.relaycast.sfu.transport.WebRtcTransport} joins an ICE session,
 * a DTLS-SRTP server session and an SRTP session through small handler interfaces, and demultiplexes what the shared
 * UDP port hands it by first byte (RFC 7983).
 */
package io.relaycast.sfu.transport;
