package io.relaycast.signaling.moderation;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** Bans in SQL. A ban is read on every chat message, reaction and like: one primary-key lookup. */
public final class BanRepository {
    private static final RowMapper<Ban> MAPPER = (rs, ctx) -> {
        long e = rs.getLong("expires_at");
        Long expires = rs.wasNull() ? null : e;
        return new Ban(rs.getString("stream_id"), rs.getString("user_id"), rs.getString("banned_by"),
                rs.getString("reason"), rs.getLong("created_at"), expires);
    };

    private final Jdbi jdbi;

    public BanRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Replaces any earlier ban of this user on this stream (a new duration counts from now). */
    public void put(Ban b) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM stream_bans WHERE stream_id = :s AND user_id = :u")
                    .bind("s", b.streamId()).bind("u", b.userId()).execute();
            h.createUpdate("INSERT INTO stream_bans (stream_id, user_id, banned_by, reason, created_at, expires_at)"
                            + " VALUES (:s, :u, :by, :reason, :at, :exp)")
                    .bind("s", b.streamId()).bind("u", b.userId()).bind("by", b.bannedBy()).bind("reason", b.reason())
                    .bind("at", b.createdAt()).bind("exp", b.expiresAt()).execute();
        });
    }

    public Optional<Ban> find(String streamId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM stream_bans WHERE stream_id = :s AND user_id = :u")
                .bind("s", streamId).bind("u", userId).map(MAPPER).findOne());
    }

    public boolean delete(String streamId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM stream_bans WHERE stream_id = :s AND user_id = :u")
                .bind("s", streamId).bind("u", userId).execute()) == 1;
    }

    /** Bans still in force at {@code now}, newest first. */
    public List<Ban> active(String streamId, long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM stream_bans WHERE stream_id = :s"
                        + " AND (expires_at IS NULL OR expires_at > :now) ORDER BY created_at DESC, user_id")
                .bind("s", streamId).bind("now", now).map(MAPPER).list());
    }
}
