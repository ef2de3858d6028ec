package io.relaycast.signaling.db;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.SQLException;

/** Small portable-SQL helpers shared by the repositories (PostgreSQL and H2 behave alike here). */
public final class Sql {
    private Sql() {
    }

    /** SQLSTATE 23505, unique_violation, as both PostgreSQL and H2 report it. */
    public static boolean isUniqueViolation(UnableToExecuteStatementException e) {
        Throwable t = e.getCause();
        while (t != null) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            t = t.getCause();
        }
        return false;
    }
}
