package io.relaycast.signaling.user;

import io.relaycast.signaling.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.util.Optional;

/** The users we have seen in tokens; their display names follow the newest token. */
public final class UserRepository {
    private final Jdbi jdbi;

    public UserRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void upsert(String id, String displayName, long now) {
        jdbi.useHandle(h -> {
            int updated = h.createUpdate("UPDATE users SET display_name = :name, last_seen_at = :now WHERE id = :id")
                    .bind("id", id).bind("name", displayName).bind("now", now).execute();
            if (updated == 0) {
                try {
                    h.createUpdate("INSERT INTO users (id, display_name, created_at, last_seen_at) VALUES (:id, :name, :now, :now)")
                            .bind("id", id).bind("name", displayName).bind("now", now).execute();
                } catch (UnableToExecuteStatementException e) {
                    if (!Sql.isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
        });
    }

    public Optional<String> displayName(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT display_name FROM users WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    public boolean exists(String id) {
        return displayName(id).isPresent();
    }
}
