package io.relaycast.signaling.chat;

/**
 * A chat message, which is also a REST comment: the same record ({@code message} on the socket,
 * {@code content} over REST). {@code seq} orders a stream's messages and is the paging cursor.
 */
public record Comment(long seq, String id, String streamId, String userId, String displayName, String content,
                      boolean pinned, Long deletedAt, long createdAt) {
}
