package io.relaycast.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.auth.DevTokenIssuer;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.web.http.Authenticator;
import io.relaycast.web.http.JsonBody;

/** What the REST routes need, handed over once by the composition root. {@code devTokens} is null in production. */
public record Api(
        ObjectMapper mapper,
        long maxBodyBytes,
        Authenticator auth,
        Views views,
        Urls urls,
        UserService users,
        StreamService streams,
        ViewerService viewers,
        ChatService chat,
        ReactionService reactions,
        FeaturedService featured,
        AnalyticsService analytics,
        RecordingRepository recordings,
        IceServerService iceServers,
        DevTokenIssuer devTokens) {

    public static final String PREFIX = "/api/v1";

    public JsonBody body(Context ctx) {
        return JsonBody.read(ctx, mapper, maxBodyBytes);
    }
}
