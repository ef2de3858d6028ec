package io.relaycast.signaling.reaction;

/** A reaction at an optional position (percent of the player's width and height, 0-100). */
public record Reaction(String id, String streamId, String userId, ReactionType type, Double x, Double y, long createdAt) {
}
