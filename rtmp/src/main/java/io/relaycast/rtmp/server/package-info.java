/**
 * The RTMP server on Netty: {@link io.relaycast.rtmp.server.RtmpServer} (ports, limits per address),
 * {@link io.relaycast.rtmp.server.RtmpConnection} (handshake, chunk stream, acknowledgements) and
 * {@link io.relaycast.rtmp.server.RtmpSession} (AMF0 commands, publish authorisation, media into the SFU).
 */
package io.relaycast.rtmp.server;
