package io.relaycast.signaling.featured;

import io.relaycast.signaling.webhook.WebhookEventType;
import io.relaycast.signaling.webhook.WebhookOutbox;
import org.jdbi.v3.core.Jdbi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Optional;

/** Featured items in SQL; the newest one is what viewers see. */
public final class FeaturedRepository {
    private static final RowMapper<FeaturedItem> MAPPER = (rs, ctx) -> new FeaturedItem(rs.getString("id"),
            rs.getString("stream_id"), rs.getString("title"), rs.getString("url"), rs.getString("image_url"),
            rs.getBigDecimal("price"), rs.getString("currency"), rs.getString("created_by"), rs.getLong("created_at"));

    private final Jdbi jdbi;
    private volatile WebhookOutbox outbox;

    public FeaturedRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(FeaturedItem f) {
        WebhookOutbox events = outbox;
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO featured_items (id, stream_id, title, url, image_url, price, currency,"
                            + " created_by, created_at) VALUES (:id, :stream, :title, :url, :image, :price, :currency, :by, :at)")
                    .bind("id", f.id()).bind("stream", f.streamId()).bind("title", f.title()).bind("url", f.url())
                    .bind("image", f.imageUrl()).bind("price", f.price()).bind("currency", f.currency())
                    .bind("by", f.createdBy()).bind("at", f.createdAt()).execute();
            if (events != null) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("streamId", f.streamId());
                d.put("featuredId", f.id());
                d.put("title", f.title());
                d.put("url", f.url());
                d.put("imageUrl", f.imageUrl());
                d.put("price", f.price() == null ? null : f.price().toPlainString());
                d.put("currency", f.currency());
                events.append(h, WebhookEventType.FEATURED_SHOWN, d, f.createdAt());
            }
        });
    }

    /** Writes a featured.shown webhook event with each insert from now on. */
    public void useOutbox(WebhookOutbox outbox) {
        this.outbox = outbox;
    }

    /** The newest item ever shown (the history's head), cleared or not. */
    public Optional<FeaturedItem> latest(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM featured_items WHERE stream_id = :s"
                        + " ORDER BY created_at DESC, id LIMIT 1")
                .bind("s", streamId).map(MAPPER).findOne());
    }

    /** What viewers see now: the newest item, unless the owner cleared the featured slot since. */
    public Optional<FeaturedItem> current(String streamId) {
        return latest(streamId).filter(f -> jdbi.withHandle(h -> h.createQuery(
                "SELECT cleared_at IS NULL FROM featured_items WHERE id = :id").bind("id", f.id()).mapTo(Boolean.class).one()));
    }

    public Optional<FeaturedItem> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM featured_items WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    /** Every item shown on the stream, newest first. */
    public List<FeaturedItem> history(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM featured_items WHERE stream_id = :s"
                + " ORDER BY created_at DESC, id").bind("s", streamId).map(MAPPER).list());
    }

    /** @return true when something was featured and is now cleared */
    public boolean clear(String streamId, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE featured_items SET cleared_at = :now WHERE stream_id = :s"
                + " AND cleared_at IS NULL").bind("s", streamId).bind("now", now).execute()) > 0;
    }

    public void click(String id, String streamId, String featuredId, String viewerKey, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO featured_clicks (id, stream_id, featured_id, viewer_key, created_at)"
                        + " VALUES (:id, :s, :f, :k, :now)")
                .bind("id", id).bind("s", streamId).bind("f", featuredId).bind("k", viewerKey).bind("now", now).execute());
    }

    /** featuredId → {clicks, distinct clickers}. */
    public Map<String, int[]> clicks(String streamId) {
        return jdbi.withHandle(h -> {
            Map<String, int[]> out = new LinkedHashMap<>();
            h.createQuery("SELECT featured_id, COUNT(*), COUNT(DISTINCT viewer_key) FROM featured_clicks WHERE stream_id = :s"
                            + " GROUP BY featured_id").bind("s", streamId)
                    .map((rs, ctx) -> new Object[]{rs.getString(1), new int[]{rs.getInt(2), rs.getInt(3)}})
                    .forEach(r -> out.put((String) r[0], (int[]) r[1]));
            return out;
        });
    }
}
