/**
 * The SFU's ICE layer (RFC 8445 full ICE, RFC 8838 trickle, RFC 8839 SDP candidates, RFC 7675 consent),
 * built on ice4j.
 *
 * <p>{@link io.relaycast.sfu.ice.IceHarvesters} owns the one shared UDP port, {@link io.relaycast.sfu.ice.IceSession}
 * wraps one ice4j {@code Agent} per peer connection, and {@link io.relaycast.sfu.ice.IceSessions} keeps them by
 * local ufrag and expires them. Received payload (DTLS, SRTP) is pushed to a {@link io.relaycast.sfu.ice.DatagramHandler}
 * on the harvester's read thread; nothing here runs a read loop per session.
 */
package io.relaycast.sfu.ice;
