package io.casetrail.escalations.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.escalations.command.ApprovalChains;
import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.events.EventJson;
import io.casetrail.events.escalation.ApprovalStep;
import io.casetrail.events.escalation.EscalationRaised;
import io.casetrail.events.escalation.TimelineExcerpt;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.store.Jdbc;

/** Reads of the escalation views: one escalation, a case's, an approver's pending ones, the Engineering board. */
@Singleton
public class EscalationQueries {

    /**
     * An escalation as a card: on a list, in a board column. {@code reachedEngineering}: its whole chain approved it
     * (what ends without, rejected or withdrawn while awaiting approval, never reached Engineering).
     */
    public record Card(String escalationId, String caseNumber, String orgId, String team, String requestType,
                       String summary, EscalationStatus status, String raisedBy, Instant raisedAt,
                       String awaitingStep, boolean reachedEngineering, String owner, String managerId,
                       String managerName, Instant updatedAt) {
    }

    /** One entry of an escalation's history. */
    public record Entry(Instant at, String kind, String actorId, String actorName, String actorRole, String text) {
    }

    /** An escalation with everything support collected, its chain, and its history. */
    public record Detail(Card escalation, String customerImpact, List<String> requestIds, List<String> logReferences,
                         List<String> logExcerpts, List<ApprovalStep> chain, int currentStep, List<String> currentStepApprovers,
                         List<TimelineExcerpt> caseTimeline, List<Entry> history) {
    }

    /**
     * What a card row holds beyond the card: the chain, the step, who approved the current step
     * ({@code stepApprovers}) and who approved any step so far ({@code approvers}).
     */
    private record Row(Card card, List<ApprovalStep> chain, int step, List<String> stepApprovers,
                       List<String> approvers) {
    }

    /** Rows a filtered list reads at a time. */
    private static final int SCAN_BATCH = 200;
    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final String COLUMNS = "escalation_id, case_number, org_id, team, request_type, summary, status,"
            + " raised_by, raised_at, current_step, step_approvers, approvers, owner, manager_id, manager_name,"
            + " updated_at, chain";
    private static final TypeReference<List<ApprovalStep>> CHAIN = new TypeReference<>() {
    };

    private final Jdbc jdbc;

    public EscalationQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Detail> detail(String escalationId) {
        Optional<Row> found = jdbc.queryOne("SELECT " + COLUMNS + " FROM escalation_view WHERE escalation_id = ?",
                EscalationQueries::row, escalationId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Row row = found.get();
        EscalationRaised raised = jdbc.queryOne("SELECT raised FROM escalation_view WHERE escalation_id = ?",
                r -> read(r.getString(1), new TypeReference<EscalationRaised>() {
                }), escalationId).orElseThrow();
        return Optional.of(new Detail(row.card(), raised.customerImpact(), raised.requestIds(),
                raised.logReferences(), raised.logExcerpts(), row.chain(), row.step(), row.stepApprovers(), raised.timeline(),
                history(escalationId)));
    }

    /** A case's escalations that {@code readable} lets through, oldest first. */
    public Page<Card> ofCase(String caseNumber, Predicate<Card> readable, Page.At after, int limit) {
        return scan("case_number = ?", List.of(caseNumber), Order.RAISED, row -> readable.test(row.card()), after,
                limit);
    }

    /**
     * Escalations waiting for a step this caller may approve now (and has approved no step of yet, nor is named to
     * approve a later one: nobody approves two steps of one chain), oldest first.
     */
    public Page<Card> pendingFor(Caller caller, Page.At after, int limit) {
        return scan("status = ?", List.of(EscalationStatus.AWAITING_APPROVAL), Order.RAISED, row -> {
            // past its last step (approved; the approval itself follows in a moment, another batch of the view),
            // it awaits nobody
            return ApprovalChains.awaitsApprovalOf(row.chain(), row.step(), caller, row.card().team(),
                    row.card().raisedBy()) && !row.approvers().contains(caller.id());
        }, after, limit);
    }

    /** Whose cards a reader sees: every team's, or those of the named teams (none when there are none). */
    public record Teams(boolean every, Set<String> named) {

        public static final Teams EVERY = new Teams(true, Set.of());

        public static Teams of(Set<String> named) {
            return new Teams(false, Set.copyOf(named));
        }
    }

    /**
     * A board column as a reader sees it: the cards of the teams it reads (chosen in the query, so that other teams'
     * cards never crowd its own out), latest change first.
     */
    public Page<Card> column(EscalationStatus column, Teams teams, Page.At after, int limit) {
        if (!teams.every() && teams.named().isEmpty()) {
            return new Page<>(List.of(), null);
        }
        List<Object> parameters = new ArrayList<>(List.of(column));
        String where = "status = ?";
        if (!teams.every()) {
            where += " AND team IN (" + String.join(", ", teams.named().stream().map(t -> "?").toList()) + ")";
            parameters.addAll(teams.named());
        }
        return scan(where, parameters, Order.LATEST_CHANGE, row -> true, after, limit);
    }

    /** The orders lists are read in: a time, then the escalation id. */
    private enum Order {
        RAISED("raised_at", false, Card::raisedAt),
        LATEST_CHANGE("updated_at", true, Card::updatedAt);

        final String column;
        final boolean descending;
        final Function<Card, Instant> time;

        Order(String column, boolean descending, Function<Card, Instant> time) {
            this.column = column;
            this.descending = descending;
            this.time = time;
        }

        Page.At at(Card card) {
            return new Page.At(time.apply(card), card.escalationId());
        }
    }

    /**
     * A page of the rows matching {@code where} that {@code keep} accepts, in {@code order} after {@code after}:
     * read {@value #SCAN_BATCH} rows (or {@code limit}, if more) at a time until the page is full or the rows run
     * out, so that rows {@code keep} refuses never shorten a page.
     */
    private Page<Card> scan(String where, List<Object> parameters, Order order, Predicate<Row> keep, Page.At after,
                            int limit) {
        List<Card> kept = new ArrayList<>();
        Page.At position = after;
        while (true) {
            List<Object> values = new ArrayList<>(parameters);
            int batch = Math.max(limit, SCAN_BATCH); // the query reads one more: whether there is more to read
            String sql = Page.At.query("SELECT " + COLUMNS + " FROM escalation_view WHERE " + where, order.column,
                    "escalation_id", order.descending, position, values, batch);
            List<Row> rows = jdbc.query(sql, EscalationQueries::row, values.toArray());
            for (Row row : rows) {
                if (keep.test(row)) {
                    kept.add(row.card());
                    if (kept.size() > limit) {
                        return Page.of(kept, limit, card -> order.at(card).cursor());
                    }
                }
            }
            if (rows.size() <= batch) {
                return Page.of(kept, limit, card -> order.at(card).cursor());
            }
            position = order.at(rows.get(rows.size() - 1).card());
        }
    }

    private List<Entry> history(String escalationId) {
        return jdbc.query("SELECT at, kind, actor_id, actor_name, actor_role, text FROM escalation_entry"
                + " WHERE escalation_id = ? ORDER BY seq", r -> new Entry(Jdbc.instant(r, "at"), r.getString("kind"),
                r.getString("actor_id"), r.getString("actor_name"), r.getString("actor_role"), r.getString("text")),
                escalationId);
    }

    private static <T> T read(String json, TypeReference<T> type) throws SQLException {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable escalation document", e);
        }
    }

    private static Row row(ResultSet r) throws SQLException {
        List<ApprovalStep> chain = read(r.getString("chain"), CHAIN);
        int step = r.getInt("current_step");
        EscalationStatus status = EscalationStatus.valueOf(r.getString("status"));
        String awaiting = status == EscalationStatus.AWAITING_APPROVAL && step < chain.size()
                ? chain.get(step).name() : null;
        Card card = new Card(r.getString("escalation_id"), r.getString("case_number"), r.getString("org_id"),
                r.getString("team"), r.getString("request_type"), r.getString("summary"), status,
                r.getString("raised_by"), Jdbc.instant(r, "raised_at"), awaiting, step >= chain.size(),
                r.getString("owner"),
                r.getString("manager_id"), r.getString("manager_name"), Jdbc.instant(r, "updated_at"));
        return new Row(card, chain, step, ids(r.getString("step_approvers")), ids(r.getString("approvers")));
    }

    /**
     * An approver's id as the view lists it, comma-separated: a comma or a backslash in the id (a subject may be a
     * distinguished name, {@code CN=Lu,OU=Support}) escaped with a backslash.
     */
    static String listed(String id) {
        return id.replace("\\", "\\\\").replace(",", "\\,");
    }

    /** The ids of a list written with {@link #listed}. */
    static List<String> ids(String list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<String> ids = new java.util.ArrayList<>();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\\' && i + 1 < list.length()) {
                id.append(list.charAt(++i));
            } else if (c == ',') {
                ids.add(id.toString());
                id.setLength(0);
            } else {
                id.append(c);
            }
        }
        ids.add(id.toString());
        return List.copyOf(ids);
    }
}
