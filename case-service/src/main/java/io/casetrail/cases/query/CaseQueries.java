package io.casetrail.cases.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.cases.SlaTarget;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.store.Jdbc;

/** Reads of {@code case_view}: a case, searches, and the queues in their working order. */
@Singleton
public class CaseQueries {

    /** What a search cursor holds: the case number its page ended with. */
    private static final Pattern CASE_NUMBER = Pattern.compile("[0-9]{8,19}");
    private static final String COLUMNS = "case_number, org_id, org_url, subject, description, product_area,"
            + " priority, priority_rank, status, status_rank, contact_preference, team, opened_by, assignee,"
            + " opened_at, opened_at_ms, updated_at, closed_at, follow_up_of, follow_up_case, sla_target,"
            + " sla_due_ms, sla_remaining_ms, sla_breached, version,"
            + " EXISTS (SELECT 1 FROM case_escalation e WHERE e.case_number = case_view.case_number AND e.active)"
            + " AS escalated,"
            + " (" + CaseEscalations.MANAGER_OF.formatted("case_view.case_number") + ") AS escalation_manager";

    private final Jdbc jdbc;
    private final Clock clock;

    public CaseQueries(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<CaseView> find(String caseNumber) {
        Instant now = clock.instant();
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM case_view WHERE case_number = ?",
                        row -> view(row, now, true), caseNumber)
                .map(view -> view.withContacts(jdbc.query(
                        "SELECT contact_id FROM case_contact WHERE case_number = ? ORDER BY contact_id",
                        row -> row.getString(1), caseNumber)));
    }

    /** Cases matching the filter within the caller's scope, newest case number first. */
    public Page<CaseView> search(CaseReadAccess.Scope scope, CaseFilter filter, String after, int limit) {
        Instant now = clock.instant();
        List<Object> parameters = new ArrayList<>(scope.parameters());
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM case_view WHERE ")
                .append(scope.condition());
        appendFilter(sql, parameters, filter);
        if (after != null) {
            sql.append(" AND case_number < ?");
            String number = Page.parts(after, 1)[0];
            if (!CASE_NUMBER.matcher(number).matches()) {
                throw Page.badCursor();
            }
            parameters.add(number);
        }
        sql.append(" ORDER BY case_number DESC LIMIT ?");
        parameters.add(limit + 1);
        List<Page.Row<CaseView>> rows = jdbc.query(sql.toString(),
                row -> new Page.Row<>(view(row, now, false), Page.cursor(row.getString("case_number"))),
                parameters.toArray());
        return Page.of(rows, limit);
    }

    /**
     * A queue: priority first (P1 on top), then status (NEW, OPEN, PENDING_CUSTOMER, RESOLVED...), then time to
     * SLA breach (least first; cases without a running clock last), then age (oldest first). The cursor pins
     * the "now" of the first page for the order, so that pages stay consistent while clocks run; each page shows
     * its cases' time to breach as of when it is read.
     */
    public Page<CaseView> queue(String condition, List<Object> conditionParameters, CaseFilter filter, String after,
                                int limit) {
        QueueCursor cursor = after == null ? null : QueueCursor.decode(after);
        long now = cursor == null ? clock.millis() : cursor.now();
        List<Object> parameters = new ArrayList<>();
        parameters.add(now);
        parameters.addAll(conditionParameters);
        StringBuilder inner = new StringBuilder("SELECT " + COLUMNS + ", CASE WHEN sla_due_ms IS NOT NULL THEN"
                + " sla_due_ms WHEN sla_remaining_ms IS NOT NULL THEN ? + sla_remaining_ms ELSE "
                + Long.MAX_VALUE + " END AS breach_key FROM case_view WHERE ").append(condition);
        appendFilter(inner, parameters, filter);
        StringBuilder sql = new StringBuilder("SELECT * FROM (").append(inner).append(") q");
        if (cursor != null) {
            sql.append(" WHERE (priority_rank > ? OR (priority_rank = ? AND (status_rank > ? OR (status_rank = ?"
                    + " AND (breach_key > ? OR (breach_key = ? AND (opened_at_ms > ? OR (opened_at_ms = ?"
                    + " AND case_number > ?))))))))");
            parameters.addAll(List.of(cursor.priorityRank(), cursor.priorityRank(), cursor.statusRank(),
                    cursor.statusRank(), cursor.breachKey(), cursor.breachKey(), cursor.openedAtMs(),
                    cursor.openedAtMs(), cursor.caseNumber()));
        }
        sql.append(" ORDER BY priority_rank, status_rank, breach_key, opened_at_ms, case_number LIMIT ?");
        parameters.add(limit + 1);
        // ordered as of the first page's time; shown as of now (a later page's time to breach is not that of then)
        Instant at = clock.instant();
        List<Page.Row<CaseView>> rows = jdbc.query(sql.toString(), row -> new Page.Row<>(view(row, at, false),
                new QueueCursor(now, row.getInt("priority_rank"), row.getInt("status_rank"),
                        row.getLong("breach_key"), row.getLong("opened_at_ms"), row.getString("case_number"))
                        .encode()), parameters.toArray());
        return Page.of(rows, limit);
    }

    private static void appendFilter(StringBuilder sql, List<Object> parameters, CaseFilter filter) {
        condition(sql, parameters, "org_id", filter.orgId());
        condition(sql, parameters, "status", filter.status());
        condition(sql, parameters, "priority", filter.priority());
        condition(sql, parameters, "product_area", filter.productArea());
        condition(sql, parameters, "assignee", filter.assignee());
        condition(sql, parameters, "team", filter.team());
    }

    private static void condition(StringBuilder sql, List<Object> parameters, String column, Object value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            parameters.add(value instanceof Enum<?> e ? e.name() : value);
        }
    }

    private static CaseView view(ResultSet row, Instant now, boolean detail) throws SQLException {
        return new CaseView(row.getString("case_number"), row.getString("org_id"), row.getString("org_url"),
                row.getString("subject"), detail ? row.getString("description") : null,
                ProductArea.valueOf(row.getString("product_area")), Priority.valueOf(row.getString("priority")),
                CaseStatus.valueOf(row.getString("status")),
                row.getString("contact_preference") == null ? null
                        : ContactPreference.valueOf(row.getString("contact_preference")),
                row.getString("team"), row.getString("opened_by"), null, row.getString("assignee"),
                Jdbc.instant(row, "opened_at"), Jdbc.instant(row, "updated_at"), Jdbc.instant(row, "closed_at"),
                row.getString("follow_up_of"), row.getString("follow_up_case"), row.getBoolean("escalated"),
                row.getString("escalation_manager") != null ? row.getString("escalation_manager")
                        : row.getString("assignee"), sla(row, now), row.getLong("version"));
    }

    private static CaseView.Sla sla(ResultSet row, Instant now) throws SQLException {
        String target = row.getString("sla_target");
        if (target == null) {
            return null;
        }
        long due = row.getLong("sla_due_ms");
        boolean running = !row.wasNull();
        long remaining = row.getLong("sla_remaining_ms");
        boolean breached = row.getBoolean("sla_breached");
        return running
                ? new CaseView.Sla(SlaTarget.valueOf(target), Instant.ofEpochMilli(due), false,
                        Math.floorDiv(due - now.toEpochMilli(), 1000), breached)
                : new CaseView.Sla(SlaTarget.valueOf(target), null, true, remaining / 1000, breached);
    }

    /** Where a queue page ended, and the "now" its order was computed at. */
    record QueueCursor(long now, int priorityRank, int statusRank, long breachKey, long openedAtMs,
                       String caseNumber) {

        String encode() {
            return Page.cursor(String.valueOf(now), String.valueOf(priorityRank), String.valueOf(statusRank),
                    String.valueOf(breachKey), String.valueOf(openedAtMs), caseNumber);
        }

        static QueueCursor decode(String token) {
            String[] parts = Page.parts(token, 6);
            try {
                long now = Long.parseLong(parts[0]);
                Page.cursorTime(Instant.ofEpochMilli(now)); // the query adds a clock's remaining time to it
                return new QueueCursor(now, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                        Long.parseLong(parts[3]), Long.parseLong(parts[4]), parts[5]);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw Page.badCursor();
            }
        }
    }
}
