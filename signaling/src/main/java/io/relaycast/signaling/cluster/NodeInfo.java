package io.relaycast.signaling.cluster;

/**
 * One Relaycast node as the routing registry knows it: its id ({@code data-dir/node-id}), the base URL other nodes
 * and load balancers reach its HTTP API on, the host its media (UDP) is reachable on, its load (open WebRTC peers)
 * and when it last heartbeated (epoch millis).
 */
public record NodeInfo(String id, String httpUrl, String mediaHost, int load, long heartbeatAtMillis) {
}
