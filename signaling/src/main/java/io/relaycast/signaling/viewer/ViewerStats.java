package io.relaycast.signaling.viewer;

/** {@code GET /streams/{id}/viewers}: watching now, the most at once, and distinct viewers ever. */
public record ViewerStats(int current, int peak, int unique) {
}
