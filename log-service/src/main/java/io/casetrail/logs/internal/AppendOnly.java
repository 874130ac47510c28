package io.casetrail.logs.internal;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.api.Trigger;

/**
 * H2's guard of the internal log tables (PostgreSQL has triggers of its own, see db/pg): every UPDATE and DELETE
 * is refused, whoever asks.
 */
public class AppendOnly implements Trigger {

    private String table;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) {
        table = tableName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException("casetrail: changing " + table + " is refused: internal logs are append-only",
                "42501");
    }
}
