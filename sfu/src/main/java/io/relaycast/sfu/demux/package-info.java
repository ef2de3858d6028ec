/**
 * First-byte demultiplexing of the single UDP port shared by STUN, DTLS, RTP and RTCP (RFC 7983 section 7,
 * RFC 5761 section 4). Runs before anything else on every datagram, so it reads two bytes and allocates nothing.
 */
package io.relaycast.sfu.demux;
