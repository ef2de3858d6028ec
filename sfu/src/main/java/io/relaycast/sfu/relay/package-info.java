/**
 * Relaying a live stream from its origin node to edge nodes (issue 15): plain SRTP over UDP, one copy of every
 * packet per edge. {@link io.relaycast.sfu.relay.RelayOrigin} opens a {@link io.relaycast.sfu.relay.RelaySink} in
 * the origin's room per authenticated request; {@link io.relaycast.sfu.relay.RelayEdge} keeps one
 * {@link io.relaycast.sfu.relay.EdgeRelay} per relayed stream, whose publisher serves the edge's viewers from a
 * local room. Keys come from the shared secret and two nonces ({@link io.relaycast.sfu.relay.RelayKeys}); the
 * control request itself ({@link io.relaycast.sfu.relay.RelayRequest}, {@link io.relaycast.sfu.relay.RelayGrant})
 * travels over HTTP (the web module signs and checks it).
 */
package io.relaycast.sfu.relay;
