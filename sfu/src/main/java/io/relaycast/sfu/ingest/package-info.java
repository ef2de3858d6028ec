/**
 * Publications fed by this process (RTMP ingest): a {@link io.relaycast.sfu.room.Publisher} on a
 * {@link io.relaycast.sfu.ingest.LoopbackTransport} instead of a WebRTC transport, with tracks read from an SDP
 * offer that {@link io.relaycast.sfu.ingest.LocalOffer} writes.
 */
package io.relaycast.sfu.ingest;
