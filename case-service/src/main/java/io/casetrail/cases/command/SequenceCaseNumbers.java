package io.casetrail.cases.command;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

/** Case numbers from the database sequence {@code case_number_seq}: eight digits, never reused. */
@Singleton
public class SequenceCaseNumbers implements CaseNumbers {

    private final DataSource dataSource;

    public SequenceCaseNumbers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String next() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT nextval('case_number_seq')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return String.format("%08d", rs.getLong(1));
        } catch (SQLException e) {
            throw new IllegalStateException("could not draw a case number", e);
        }
    }
}
