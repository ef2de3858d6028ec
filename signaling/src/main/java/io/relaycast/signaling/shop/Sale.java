package io.relaycast.signaling.shop;

import java.math.BigDecimal;

/** One order recorded against a stream; {@code featuredId} is the item it is attributed to (or null). */
public record Sale(String id, String streamId, String orderId, String featuredId, String productId, String buyerId,
                   int quantity, BigDecimal amount, String currency, String recordedBy, long createdAt) {
}
