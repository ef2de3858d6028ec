package io.relaycast.web.media;

import io.relaycast.rtmp.server.PublishGate;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamStatus;

/**
 * RTMP's stream key check and stream state changes, the same service calls WHIP makes: the key (hashed, compared
 * by digest, never logged) names the stream; a scheduled or live stream may be published; the publication makes it
 * live ({@link StreamService#startForPublisher}) and its end ends it ({@link StreamService#endForPublisher}).
 */
public final class RtmpPublishGate implements PublishGate {
    private final StreamService streams;

    public RtmpPublishGate(StreamService streams) {
        this.streams = streams;
    }

    @Override
    public String authorize(String streamKey) throws PublishRefused {
        Stream stream = streams.findByStreamKey(streamKey).orElseThrow(() -> new PublishRefused(
                PublishRefused.UNAUTHORIZED, "unknown stream key (wrong, or rotated since)"));
        if (stream.status() == StreamStatus.ENDED || stream.status() == StreamStatus.CANCELLED) {
            throw new PublishRefused(PublishRefused.BAD_NAME, "a " + stream.status().wire()
                    + " stream cannot be published");
        }
        return stream.id();
    }

    @Override
    public void started(String streamId) throws PublishRefused {
        try {
            streams.startForPublisher(streamId);
        } catch (ServiceException e) {
            throw new PublishRefused(PublishRefused.BAD_NAME, e.getMessage());
        }
    }

    @Override
    public void ended(String streamId) {
        streams.endForPublisher(streamId);
    }
}
