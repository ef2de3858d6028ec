package io.relaycast.web;

import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.moderation.Ban;
import io.relaycast.signaling.moderation.ModerationListener;
import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.reaction.LikeService;
import io.relaycast.signaling.shop.SaleService;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the REST side's services tell a stream's room (or one user) over Socket.IO, on every node. */
final class RoomNotices {
    private RoomNotices() {
    }

    static void wire(SignalingServer signaling, ModerationService moderation, SaleService sales, LikeService likes,
                     FeaturedService featured) {
        // a ban is told once to the banned user's sockets, on every node (stream:error BANNED with the streamId)
        moderation.addListener(new ModerationListener() {
            @Override
            public void onBanned(Ban ban) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("code", ErrorCode.BANNED.name());
                m.put("message", ModerationService.message(ban));
                m.put("streamId", ban.streamId());
                m.put("expiresAt", ban.expiresAt() == null ? null : java.time.Instant.ofEpochMilli(ban.expiresAt()).toString());
                signaling.tellUser(ban.userId(), Events.ERROR, m);
            }
        });
        // live shopping's room events (no buyer data in stream:sale)
        sales.addListener(sale -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streamId", sale.streamId());
            m.put("featuredId", sale.featuredId());
            m.put("quantity", sale.quantity());
            signaling.tellRoom(sale.streamId(), Events.SALE, m);
        });
        likes.addListener((streamId, count) -> signaling.tellRoom(streamId, Events.LIKES, Map.of("streamId", streamId, "count", count)));
        featured.onCleared(streamId -> signaling.tellRoom(streamId, Events.FEATURED_CLEARED, Map.of("streamId", streamId)));
    }
}
