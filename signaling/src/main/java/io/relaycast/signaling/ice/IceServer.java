package io.relaycast.signaling.ice;

import java.util.List;

/** One RTCIceServer entry as browsers take it ({@code username}/{@code credential} only for TURN). */
public record IceServer(List<String> urls, String username, String credential) {
}
