package io.relaycast.signaling.stream;

/** Whether a user may go live: {@code followerCount >= required}; {@code reason} says why not. */
public record Eligibility(boolean eligible, int followerCount, int required, String reason) {
}
