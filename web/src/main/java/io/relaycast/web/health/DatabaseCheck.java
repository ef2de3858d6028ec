package io.relaycast.web.health;

import io.relaycast.signaling.db.Database;

/** The database answers. Essential: without it nothing can be served. */
public record DatabaseCheck(Database db) implements ReadinessCheck {
    @Override
    public String name() {
        return "database";
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Result check() {
        boolean ok = db.isReachable();
        return new Result(ok, ok ? (db.config().embedded() ? "embedded H2" : "PostgreSQL") : "database does not answer");
    }
}
