package io.relaycast.signaling.featured;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Optional;

/** Featured items in SQL; the newest one is what viewers see. */
public final class FeaturedRepository {
    private static final RowMapper<FeaturedItem> MAPPER = (rs, ctx) -> new FeaturedItem(rs.getString("id"),
            rs.getString("stream_id"), rs.getString("title"), rs.getString("url"), rs.getString("image_url"),
            rs.getBigDecimal("price"), rs.getString("currency"), rs.getString("created_by"), rs.getLong("created_at"));

    private final Jdbi jdbi;

    public FeaturedRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(FeaturedItem f) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO featured_items (id, stream_id, title, url, image_url, price, currency,"
                        + " created_by, created_at) VALUES (:id, :stream, :title, :url, :image, :price, :currency, :by, :at)")
                .bind("id", f.id()).bind("stream", f.streamId()).bind("title", f.title()).bind("url", f.url())
                .bind("image", f.imageUrl()).bind("price", f.price()).bind("currency", f.currency())
                .bind("by", f.createdBy()).bind("at", f.createdAt()).execute());
    }

    public Optional<FeaturedItem> latest(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM featured_items WHERE stream_id = :s"
                        + " ORDER BY created_at DESC, id LIMIT 1")
                .bind("s", streamId).map(MAPPER).findOne());
    }
}
