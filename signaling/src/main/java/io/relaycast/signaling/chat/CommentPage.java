package io.relaycast.signaling.chat;

import java.util.List;

/** A page of chat history, oldest first; {@code nextCursor} fetches the older page (null at the start). */
public record CommentPage(List<Comment> items, String nextCursor) {
}
