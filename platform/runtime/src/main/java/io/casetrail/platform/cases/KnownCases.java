package io.casetrail.platform.cases;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseEvents;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.ContactAdded;
import io.casetrail.events.cases.ContactRemoved;
import io.casetrail.platform.kafka.CloudEventConsumer;
import io.casetrail.platform.logging.CaseOrgLookup;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * What a service outside case-service needs to know about cases (table {@code known_case}): which org a case is
 * for, its team, its assignee and whether it is open, kept from {@code casetrail.case.v1}. It answers the question
 * the other contexts ask before they let support act in an org: does this principal hold an open case there?
 * Enabled with {@code casetrail.known-cases.enabled=true}.
 */
@Singleton
@LookupIfProperty(name = "casetrail.known-cases.enabled", stringValue = "true")
public class KnownCases implements CloudEventConsumer, CaseLookup, CaseOrgLookup {

    /**
     * A case as other contexts know it. {@code openedBySupport}: the support principal that opened it on a
     * customer's behalf, if one did. {@code statusSequence}: the case's sequence number of the latest event that
     * gave it its status or assignee (null for a case known before it was kept). {@code openSince}: when the case
     * was opened or last reopened, by case-service's clock (null for a case known before it was kept);
     * {@code openSequence}: the case's sequence number of that event (null for a case known before it was kept).
     */
    public record KnownCase(String caseNumber, String orgId, String subject, String team, String assignee,
                            String openedBy, String openedBySupport, CaseStatus status, Long statusSequence,
                            Instant openSince, Long openSequence) {

        public boolean isOpen() {
            return status != CaseStatus.CLOSED;
        }

        /**
         * Whether support works the case: the engineer it is assigned to, or a lead or manager of its team other
         * than one who opened it on the customer's behalf. Otherwise a lead could give itself, alone, an open case
         * in any org, and with it research, verbal consent it records itself and admin actions; an engineer who
         * opened a case works it only once someone else assigned it (case-service refuses the rest).
         */
        public boolean isWorkedBy(Caller caller) {
            return workingRole(caller).isPresent();
        }

        /**
         * The role in which the principal works the case ({@link #isWorkedBy}), as its events record it: the
         * engineer's it is assigned to, else that of a lead or manager of its team. A principal with several roles
         * acts in the one that lets it act here, not in whichever of its roles comes first.
         */
        public Optional<String> workingRole(Caller caller) {
            if (caller.has(Roles.SUPPORT_ENGINEER) && caller.id().equals(assignee)) {
                return Optional.of(Roles.SUPPORT_ENGINEER);
            }
            return caller.id().equals(openedBySupport) ? Optional.empty() : caller.teamRole(team);
        }

        /** The principal as the actor of what it does working the case: in its {@link #workingRole}. */
        public Actor actorWorking(Caller caller) {
            return caller.actingAs(workingRole(caller).orElseThrow(() -> new IllegalStateException(caller.id()
                    + " does not work case " + caseNumber)));
        }
    }

    /**
     * A case closed, as this service learnt in the transaction that recorded it: observers (synchronous) act on it in
     * that transaction, so what they do commits with the closure, or neither does.
     *
     * @param sequence the case's sequence number of the closure
     */
    public record Closed(String caseNumber, String orgId, long sequence) {
    }

    /**
     * A case assigned to another engineer than before, announced as {@link Closed} is: who held it does no
     * longer.
     *
     * @param sequence the case's sequence number of the assignment
     */
    public record Reassigned(String caseNumber, String orgId, String previousAssignee, String assignee,
                             long sequence) {
    }

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final Set<String> ANNOUNCED = Set.of(EventCatalog.typeOf(CaseAssigned.class),
            EventCatalog.typeOf(CaseClosed.class));
    private static final String SELECT = "SELECT case_number, org_id, subject, team, assignee, opened_by,"
            + " opened_by_support, status, status_seq, open_since, open_seq FROM known_case";

    private final Jdbc jdbc;
    private final Event<Closed> closures;
    private final Event<Reassigned> reassignments;

    public KnownCases(Jdbc jdbc, Event<Closed> closures, Event<Reassigned> reassignments) {
        this.jdbc = jdbc;
        this.closures = closures;
        this.reassignments = reassignments;
    }

    @Override
    public String name() {
        return "known-cases";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.CASE);
    }

    /**
     * An assignment or a closure, alone: each may be announced ({@link Reassigned}, {@link Closed}), and observers
     * send commands on it, whose aggregates stay locked until the transaction ends.
     */
    @Override
    public boolean appliesAlone(CloudEvent event) {
        return ANNOUNCED.contains(event.type());
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        Optional<Class<? extends DomainEvent>> type = EventCatalog.payloadClass(event.type());
        if (type.isEmpty()) {
            return;
        }
        DomainEvent payload = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8), type.get());
        if (payload instanceof CaseOpened opened) {
            if (find(opened.caseNumber()).isEmpty()) {
                jdbc.update("INSERT INTO known_case (case_number, org_id, subject, team, opened_by, opened_by_support,"
                        + " status, status_seq, open_since, open_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        opened.caseNumber(), opened.orgId(), opened.subject(), opened.team(), opened.openedBy(),
                        opened.actor().isCustomer() ? null : opened.actor().id(), CaseStatus.NEW, event.sequence(),
                        event.time(), event.sequence());
                for (String contact : opened.contacts()) {
                    addContact(opened.caseNumber(), contact);
                }
            }
        }
        if (payload instanceof ContactAdded added) {
            addContact(added.caseNumber(), added.contactId());
        }
        if (payload instanceof ContactRemoved removed) {
            jdbc.update("DELETE FROM known_case_contact WHERE case_number = ? AND contact_id = ?",
                    removed.caseNumber(), removed.contactId());
        }
        if (payload instanceof CaseAssigned assigned) {
            assign(assigned, event.sequence());
        } else {
            Optional<CaseStatus> status = CaseEvents.statusAfter(payload);
            if (status.isPresent() && !(payload instanceof CaseOpened)) {
                changeStatus(payload.caseNumber(), status.get(), event.sequence(), event.time());
            }
        }
    }

    /**
     * The case's assignee and status from an event newer than what it has them from; a new engineer in place of
     * another is announced ({@link Reassigned}). The row is locked first, as a command holding it locks it before
     * its aggregate: observers send commands, so both take the two locks in one order.
     */
    private void assign(CaseAssigned assigned, Long sequence) {
        Optional<KnownCase> found = lockedIfOlder(assigned.caseNumber(), sequence);
        if (found.isEmpty()) {
            return;
        }
        KnownCase known = found.get();
        jdbc.update("UPDATE known_case SET assignee = ?, status = ?, status_seq = ? WHERE case_number = ?",
                assigned.assignee(), assigned.status(), sequenceAfter(known, sequence), known.caseNumber());
        if (known.assignee() != null && !known.assignee().equals(assigned.assignee())) {
            reassignments.fire(new Reassigned(known.caseNumber(), known.orgId(), known.assignee(),
                    assigned.assignee(), sequence == null ? Long.MAX_VALUE : sequence));
        }
    }

    /**
     * The case's status from an event newer than what it has it from; a closure is announced ({@link Closed}), a
     * reopening starts the case's open time again.
     */
    private void changeStatus(String caseNumber, CaseStatus status, Long sequence, Instant at) {
        Optional<KnownCase> found = lockedIfOlder(caseNumber, sequence);
        if (found.isEmpty()) {
            return;
        }
        KnownCase known = found.get();
        boolean reopened = known.status() == CaseStatus.CLOSED && status != CaseStatus.CLOSED;
        jdbc.update("UPDATE known_case SET status = ?, status_seq = ?, open_since = ?, open_seq = ? WHERE case_number"
                + " = ?", status, sequenceAfter(known, sequence), reopened ? at : known.openSince(),
                reopened ? sequence : known.openSequence(), caseNumber);
        if (status == CaseStatus.CLOSED && known.status() != CaseStatus.CLOSED) {
            closures.fire(new Closed(caseNumber, known.orgId(), sequence == null ? Long.MAX_VALUE : sequence));
        }
    }

    /**
     * The case, its row locked, when an event of it is newer than the one it has its status and assignee from: by
     * sequence; one without a sequence only while the case has none either (known before it was kept, or only from
     * such events). Empty for an unknown case or an older event.
     */
    private Optional<KnownCase> lockedIfOlder(String caseNumber, Long sequence) {
        return findLocked(caseNumber).filter(known -> known.statusSequence() == null
                || sequence != null && sequence > known.statusSequence());
    }

    /** The sequence the case has its status and assignee from after the event. */
    private static Long sequenceAfter(KnownCase known, Long sequence) {
        return sequence == null ? known.statusSequence() : sequence;
    }

    private void addContact(String caseNumber, String contactId) {
        if (jdbc.queryOne("SELECT 1 FROM known_case_contact WHERE case_number = ? AND contact_id = ?", row -> 1,
                caseNumber, contactId).isEmpty()) {
            jdbc.update("INSERT INTO known_case_contact (case_number, contact_id) VALUES (?, ?)", caseNumber,
                    contactId);
        }
    }

    @Override
    public boolean isOpenerOrContact(String caseNumber, String adminId) {
        return find(caseNumber).map(c -> adminId.equals(c.openedBy())).orElse(false)
                || jdbc.queryOne("SELECT 1 FROM known_case_contact WHERE case_number = ? AND contact_id = ?",
                row -> 1, caseNumber, adminId).isPresent();
    }

    /** The org of a case this service knows (for request logs: {@link CaseOrgLookup}). */
    @Override
    public Optional<String> orgOf(String caseNumber) {
        return find(caseNumber).map(KnownCase::orgId);
    }

    @Override
    public Optional<KnownCase> find(String caseNumber) {
        return jdbc.queryOne(SELECT + " WHERE case_number = ?", KnownCases::row, caseNumber);
    }

    /**
     * The case, its row locked until the caller's transaction ends: a closure or reassignment recorded meanwhile
     * waits for that transaction, and one recorded before is what the caller reads. For a command that must not act
     * on a case that changed under it unseen.
     */
    @Override
    public Optional<KnownCase> findLocked(String caseNumber) {
        return jdbc.queryOne(SELECT + " WHERE case_number = ? FOR UPDATE", KnownCases::row, caseNumber);
    }

    /** The org's cases that are not closed, by number. */
    public List<KnownCase> openCases(String orgId) {
        return jdbc.query(SELECT + " WHERE org_id = ? AND status <> 'CLOSED' ORDER BY case_number", KnownCases::row,
                orgId);
    }

    /** The org's cases (open or closed) the support principal works ({@link KnownCase#isWorkedBy}), by number. */
    public List<String> casesWorkedBy(Caller caller, String orgId) {
        return jdbc.query(SELECT + " WHERE org_id = ? ORDER BY case_number", KnownCases::row, orgId).stream()
                .filter(known -> known.isWorkedBy(caller)).map(KnownCase::caseNumber).toList();
    }

    /**
     * Whether a support principal holds an open case in the org: an engineer one assigned to it; a team lead or
     * support manager one of its teams that it did not open on the customer's behalf ({@link KnownCase#isWorkedBy}).
     */
    public boolean holdsOpenCase(Caller caller, String orgId) {
        if (caller.has(Roles.SUPPORT_ENGINEER) && !jdbc.query("SELECT 1 FROM known_case WHERE org_id = ?"
                + " AND assignee = ? AND status <> 'CLOSED'", row -> 1, orgId, caller.id()).isEmpty()) {
            return true;
        }
        if (caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) && !caller.teams().isEmpty()) {
            String teams = String.join(", ", caller.teams().stream().map(t -> "?").toList());
            List<Object> parameters = new ArrayList<>(List.of(orgId, caller.id()));
            parameters.addAll(caller.teams());
            return !jdbc.query("SELECT 1 FROM known_case WHERE org_id = ? AND status <> 'CLOSED'"
                    + " AND (opened_by_support IS NULL OR opened_by_support <> ?) AND team IN (" + teams + ")",
                    row -> 1, parameters.toArray()).isEmpty();
        }
        return false;
    }

    private static KnownCase row(java.sql.ResultSet row) throws java.sql.SQLException {
        long sequence = row.getLong(9);
        Long statusSequence = row.wasNull() ? null : sequence; // none for a case known before it was kept
        return new KnownCase(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), CaseStatus.valueOf(row.getString(8)),
                statusSequence, Jdbc.instant(row, "open_since"), row.getObject(11) == null ? null : row.getLong(11));
    }
}
