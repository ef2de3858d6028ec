package io.relaycast.signaling.featured;

import java.math.BigDecimal;

/** Something the broadcaster shows under the video (a product in live selling, a link). */
public record FeaturedItem(String id, String streamId, String title, String url, String imageUrl, BigDecimal price,
                           String currency, String createdBy, long createdAt) {
}
