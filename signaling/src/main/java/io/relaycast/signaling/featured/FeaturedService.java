package io.relaycast.signaling.featured;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamStatus;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The owner features an item; viewers are told at once ({@code stream:featured}) and can fetch the latest. */
public final class FeaturedService {
    private final FeaturedRepository items;
    private final StreamService streams;
    private final Clock clock;
    private final List<Consumer<FeaturedItem>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> clearedListeners = new CopyOnWriteArrayList<>();
    private volatile io.relaycast.signaling.moderation.ModerationService moderation;

    public FeaturedService(FeaturedRepository items, StreamService streams, Clock clock) {
        this.items = items;
        this.streams = streams;
        this.clock = clock;
    }

    public void addListener(Consumer<FeaturedItem> l) {
        listeners.add(l);
    }

    public FeaturedItem feature(Principal who, String streamId, String title, String url, String imageUrl,
                                BigDecimal price, String currency) {
        Stream s = streams.requireOwned(who, streamId);
        if (s.status() == StreamStatus.ENDED || s.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(ErrorCode.INVALID_TRANSITION, "a " + s.status().wire() + " stream cannot feature items");
        }
        if (title == null || title.isBlank() || title.strip().length() > 200) {
            throw ServiceException.invalid("title must be 1-200 characters");
        }
        checkUrl("url", url);
        checkUrl("imageUrl", imageUrl);
        if (price != null && (price.signum() < 0 || price.compareTo(new BigDecimal("9999999999.99")) > 0 || price.scale() > 2)) {
            throw ServiceException.invalid("price must be 0-9999999999.99 with at most two decimals");
        }
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw ServiceException.invalid("currency must be an ISO 4217 code such as EUR");
        }
        FeaturedItem f = new FeaturedItem(UUID.randomUUID().toString(), streamId, title.strip(), url, imageUrl, price,
                currency, who.userId(), clock.millis());
        items.insert(f);
        listeners.forEach(l -> l.accept(f));
        return f;
    }

    /** What viewers see now: the newest item, unless the owner cleared it. */
    public Optional<FeaturedItem> latest(Principal viewer, String streamId) {
        streams.requireVisible(viewer, streamId);
        return items.current(streamId);
    }

    /** Every item shown on the stream, newest first (cleared ones included). */
    public List<FeaturedItem> history(Principal viewer, String streamId) {
        streams.requireVisible(viewer, streamId);
        return items.history(streamId);
    }

    /** Clears the featured slot (owner); the room is told with stream:featured-cleared. */
    public void clear(Principal who, String streamId) {
        streams.requireOwned(who, streamId);
        if (items.clear(streamId, clock.millis())) {
            clearedListeners.forEach(l -> l.accept(streamId));
        }
    }

    public void onCleared(Consumer<String> l) {
        clearedListeners.add(l);
    }

    /**
     * A viewer followed the item's link. Anonymous viewers count by {@code anonymousKey}; one viewer's repeated
     * clicks all count as clicks, once as a clicker.
     */
    public void click(Principal viewer, String anonymousKey, String streamId, String featuredId) {
        streams.requireVisible(viewer, streamId);
        if (viewer != null && moderation != null) {
            moderation.requireNotBanned(streamId, viewer.userId());
        }
        FeaturedItem f = items.find(featuredId == null || featuredId.length() > 36 ? "" : featuredId)
                .filter(x -> x.streamId().equals(streamId))
                .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND, "featured item '" + featuredId + "' was not shown on this stream"));
        String key = viewer != null ? viewer.userId() : "anon:" + anonymousKey;
        items.click(UUID.randomUUID().toString(), streamId, f.id(), key, clock.millis());
    }

    public void useModeration(io.relaycast.signaling.moderation.ModerationService moderation) {
        this.moderation = moderation;
    }

    private static void checkUrl(String name, String url) {
        if (url == null) {
            return;
        }
        if (url.length() > 2048) {
            throw ServiceException.invalid(name + " must be at most 2048 characters");
        }
        try {
            URI u = new URI(url);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                throw ServiceException.invalid(name + " must be an http(s) URL");
            }
        } catch (java.net.URISyntaxException e) {
            throw ServiceException.invalid(name + " is not a valid URL");
        }
    }
}
