package io.relaycast.signaling.moderation;

/** A user kept out of a stream's chat, reactions and likes; {@code expiresAt} null = for the whole stream. */
public record Ban(String streamId, String userId, String bannedBy, String reason, long createdAt, Long expiresAt) {
    public boolean activeAt(long now) {
        return expiresAt == null || expiresAt > now;
    }
}
