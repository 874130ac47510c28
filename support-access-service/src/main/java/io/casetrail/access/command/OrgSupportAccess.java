package io.casetrail.access.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateRoot;
import org.axonframework.modelling.command.CreationPolicy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.access.command.AccessCommands.EndCaseSessions;
import io.casetrail.access.command.AccessCommands.ExtendCaseSupport;
import io.casetrail.access.command.AccessCommands.ExtendOrgSupport;
import io.casetrail.access.command.AccessCommands.GrantCaseSupport;
import io.casetrail.access.command.AccessCommands.GrantOrgSupport;
import io.casetrail.access.command.AccessCommands.RecordSessionWrite;
import io.casetrail.access.command.AccessCommands.RevokeCaseSupport;
import io.casetrail.access.command.AccessCommands.RevokeOrgSupport;
import io.casetrail.access.command.AccessCommands.StartImpersonation;
import io.casetrail.access.command.AccessCommands.StopImpersonation;
import io.casetrail.events.Actor;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.events.access.SessionWriteRefused;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.security.SessionWrite;

/**
 * Support access to one org: the grants its Super Administrator gives (for one case, or org-wide: then for the
 * cases open at that moment, which the grant names), and the impersonation sessions support runs inside them. One
 * aggregate per org, so that a session can only start inside a grant that is active at that moment, and a
 * revocation ends every session of its grant in the same transaction.
 *
 * <p>Grants expire, and sessions end at their maximum length, through persisted deadlines: also when the service
 * was down at that moment.
 */
@AggregateRoot(type = "OrgSupportAccess")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class OrgSupportAccess {

    static final String GRANT_EXPIRY = "grant-expiry";
    static final String SESSION_END = "session-end";

    /**
     * An active grant and the cases it covers: a case grant its case; the org-wide grant the org's cases open when
     * it was given. {@code null} in a snapshot taken before grants kept them: an org-wide grant then covers no case
     * (a case grant is given for it), so that no instance reads it more widely than its events do; a case's grant
     * covers its case, as its events say. {@code caseSequences}: the covered cases' status sequences as it was
     * given (null in a snapshot taken before they were kept, and for a grant whose event has none).
     */
    record Grant(String grantId, GrantScope scope, String caseNumber, List<String> coveredCases, Instant expiresAt,
                 Map<String, Long> caseSequences) {

        /**
         * Whether it covers the case as it is now: one of its cases, not reopened since the grant was given (a
         * grant is for a case's open period; one closed since took its grant's cover along, and only the Super
         * Administrator gives it anew). By the case's sequence numbers, not by time: two services' clocks differ.
         */
        boolean covers(KnownCase known) {
            Long given = sequenceOf(known.caseNumber());
            // a grant that kept sequences but none for the case was given while the case had none (known before
            // they were kept): a case with an opening's sequence now was reopened since. A grant without any (its
            // event from before they were kept) cannot tell, and covers its cases until it ends.
            boolean reopenedSince = known.openSequence() != null && (given != null ? known.openSequence() > given
                    : caseSequences != null);
            return cases().contains(known.caseNumber()) && !reopenedSince;
        }

        /** The case's status sequence as the grant was given; null when not recorded. */
        Long sequenceOf(String caseNumber) {
            return caseSequences == null ? null : caseSequences.get(caseNumber);
        }

        /** The cases it covers, as its events name them (a case grant's case, from a snapshot without them). */
        List<String> cases() {
            if (coveredCases == null) {
                return scope == GrantScope.CASE ? List.of(caseNumber) : List.of();
            }
            return coveredCases;
        }
    }

    /**
     * An active impersonation session. Null in snapshots taken before each was kept: {@code startedAt};
     * {@code caseSequence}, the case's status sequence as the session started; {@code engineerRole}, the role the
     * engineer started it in.
     */
    record Session(String sessionId, String caseNumber, String grantId, String engineer, Instant startedAt,
                   Instant endsAt, Long caseSequence, String engineerRole) {
    }

    /** Payload of a grant's expiry deadline. */
    public record GrantDue(String grantId, Instant expiresAt) {
    }

    /** Payload of a session's end deadline. */
    public record SessionDue(String sessionId, Instant endsAt) {
    }

    @AggregateIdentifier
    private String orgId;
    private Map<String, Grant> grants = new LinkedHashMap<>();
    private Map<String, Session> sessions = new LinkedHashMap<>();

    protected OrgSupportAccess() {
        // for event sourcing, and for the first grant of an org (CREATE_IF_MISSING)
    }

    // --- grants ------------------------------------------------------------------------------------------------

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public AccessState handle(GrantOrgSupport command, AccessRules rules, CaseLookup cases,
                              DeadlineManager deadlines) {
        requireSuperAdmin(command.caller(), command.orgId());
        if (orgGrant() != null) {
            return state(null, null, null); // granting again answers the active grant (the identity platform's way)
        }
        if (command.coveredCases().isEmpty()) {
            // support access is for a case (DOMAIN.md): a grant covering none would allow nothing, and its System
            // Log entries would name no case
            throw new RuleViolation("no-open-case", "org " + command.orgId() + " has no open case to grant support"
                    + " access for (a case opened moments ago may not be known here yet: retry shortly)");
        }
        Instant expiresAt = now().plus(rules.grantLength());
        Map<String, Long> sequences = new LinkedHashMap<>();
        for (String number : command.coveredCases()) {
            cases.find(number).map(KnownCase::statusSequence).ifPresent(sequence -> sequences.put(number, sequence));
        }
        apply(new SupportAccessGranted(command.orgId(), command.grantId(), GrantScope.ORG, null,
                command.coveredCases(), sequences, expiresAt, command.origin(), command.caller().actor()));
        deadlines.schedule(expiresAt, GRANT_EXPIRY, new GrantDue(command.grantId(), expiresAt));
        return state(null, null, null);
    }

    @CommandHandler
    public AccessState handle(ExtendOrgSupport command, AccessRules rules, CaseLookup cases,
                              DeadlineManager deadlines) {
        requireSuperAdmin(command.caller(), orgId);
        Grant grant = orgGrant();
        if (grant == null) {
            throw new RuleViolation("not-granted", "support access to org " + orgId + " is not granted");
        }
        // as a case's grant: cases closed since take no more time, and a grant whose cases all closed (or were
        // reopened since, which it no longer covers) allows nothing
        if (grant.cases().stream().noneMatch(number -> cases.find(number)
                .filter(known -> known.isOpen() && grant.covers(known)).isPresent())) {
            throw new RuleViolation("no-open-case", "the cases support access to org " + orgId + " covers ("
                    + String.join(", ", grant.cases()) + ") are closed: it takes no more time");
        }
        extend(grant, rules, command.origin(), command.caller(), deadlines);
        return state(null, null, null);
    }

    @CommandHandler
    public AccessState handle(RevokeOrgSupport command) {
        requireSuperAdmin(command.caller(), orgId);
        // the identity platform's one switch for support access to the org: turned off, every grant in force ends,
        // a case's own ones too, as its answer (DISABLED) says; with none, revoking is idempotent
        List<Grant> inForce = grants.values().stream().filter(this::inForce).toList();
        for (Grant grant : inForce) {
            revoke(grant, command.origin(), command.caller());
        }
        return state(null, null, null);
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public AccessState handle(GrantCaseSupport command, AccessRules rules, CaseLookup cases,
                              DeadlineManager deadlines) {
        requireSuperAdmin(command.caller(), command.orgId());
        KnownCase known = openCaseOfOrg(cases.find(command.caseNumber()), command.caseNumber(), command.orgId());
        if (caseGrant(known.caseNumber()) != null) {
            return state(known.caseNumber(), null, null);
        }
        Instant expiresAt = now().plus(rules.grantLength());
        Map<String, Long> sequences = new LinkedHashMap<>();
        if (known.statusSequence() != null) {
            sequences.put(known.caseNumber(), known.statusSequence());
        }
        apply(new SupportAccessGranted(command.orgId(), command.grantId(), GrantScope.CASE, known.caseNumber(),
                List.of(known.caseNumber()), sequences, expiresAt, command.origin(), command.caller().actor()));
        deadlines.schedule(expiresAt, GRANT_EXPIRY, new GrantDue(command.grantId(), expiresAt));
        return state(known.caseNumber(), null, null);
    }

    @CommandHandler
    public AccessState handle(ExtendCaseSupport command, AccessRules rules, CaseLookup cases,
                              DeadlineManager deadlines) {
        requireSuperAdmin(command.caller(), orgId);
        Grant grant = caseGrant(command.caseNumber());
        if (grant == null) {
            throw new RuleViolation("not-granted", "support access for case " + command.caseNumber()
                    + " is not granted");
        }
        // the expiration sent is what the caller saw, or wants: one past is no extension (revoking ends access);
        // the case sent back as listed, or as listed before another admin extended it, changes nothing
        Instant current = grant.expiresAt().truncatedTo(ChronoUnit.MILLIS);
        Instant sent = command.expiration().truncatedTo(ChronoUnit.MILLIS);
        if (!sent.isAfter(now())) {
            throw new RuleViolation("past-expiration", "support access for case " + command.caseNumber()
                    + " is not extended to " + sent + ", which is past; revoking ends it");
        }
        if (!sent.isAfter(current)) {
            return state(command.caseNumber(), null, null);
        }
        // a case closed since it was granted takes no more time: its sessions ended with it
        openCaseOfOrg(cases.find(command.caseNumber()), command.caseNumber(), orgId);
        extend(grant, rules, command.origin(), command.caller(), deadlines);
        return state(command.caseNumber(), null, null);
    }

    @CommandHandler
    public AccessState handle(RevokeCaseSupport command, CaseLookup cases) {
        requireSuperAdmin(command.caller(), orgId);
        Grant grant = caseGrant(command.caseNumber());
        if (grant == null) {
            Grant orgWide = orgGrant();
            if (orgWide != null && cases.find(command.caseNumber()).filter(KnownCase::isOpen).filter(orgWide::covers)
                    .isPresent()) {
                // there is nothing of the case's own to revoke: answering DISABLED would read as the end of support
                // access while the org-wide grant goes on. With a grant of its own, that grant is revoked (and its
                // sessions end), and the org-wide grant's go on, as the answer (the case's own grant) says
                throw new RuleViolation("covered-by-org-grant", "case " + command.caseNumber() + " has no grant of"
                        + " its own; the org-wide grant covers it, and this does not end it: revoke that grant to end"
                        + " support access");
            }
            return state(command.caseNumber(), null, null);
        }
        revoke(grant, command.origin(), command.caller());
        return state(command.caseNumber(), null, null);
    }

    @DeadlineHandler(deadlineName = GRANT_EXPIRY)
    void grantDue(GrantDue due) {
        Grant grant = grants.get(due.grantId());
        if (grant == null || !grant.expiresAt().equals(due.expiresAt())) {
            return; // revoked, or extended since (its new expiry has its own deadline)
        }
        // its sessions that reached their maximum length before it expired ended then, not with it
        for (Session session : List.copyOf(sessions.values())) {
            if (session.endsAt().isBefore(grant.expiresAt())) {
                endAsDue(session);
            }
        }
        apply(new SupportAccessExpired(orgId, grant.grantId(), grant.scope(), grant.caseNumber(),
                grant.cases(), grant.expiresAt(), Actor.SYSTEM));
        endSessionsOf(grant.grantId(), SessionEndReason.GRANT_EXPIRED, RequestOrigin.NONE, Actor.SYSTEM);
    }

    // --- impersonation sessions ---------------------------------------------------------------------------------

    @CommandHandler
    public AccessState handle(StartImpersonation command, AccessRules rules, CaseLookup cases,
                              DeadlineManager deadlines) {
        Caller caller = command.caller();
        // who works the case first: one who does not learns nothing of it, closed or not, granted or not
        KnownCase known = caseOfOrg(cases.findLocked(command.caseNumber()), command.caseNumber(), orgId);
        if (!known.isWorkedBy(caller)) {
            throw new AccessDenied(StartImpersonation.notWorking(known));
        }
        requireOpen(known);
        Grant grant = caseGrant(known.caseNumber());
        if (grant == null) {
            grant = orgGrant();
        }
        if (grant == null) {
            throw new AccessDenied("the org's Super Administrator has not granted support access for case "
                    + known.caseNumber());
        }
        if (!grant.covers(known)) {
            throw new AccessDenied("the org-wide grant covers the cases open when it was given, not case "
                    + known.caseNumber() + " (opened or reopened since); the Super Administrator grants access for"
                    + " it");
        }
        endDueSessions();
        for (Session session : sessions.values()) {
            if (session.engineer().equals(caller.id()) && session.caseNumber().equals(known.caseNumber())) {
                throw new RuleViolation("session-active", "you already impersonate in session " + session.sessionId()
                        + " for case " + known.caseNumber() + "; stop it first");
            }
        }
        Instant endsAt = sessionEnd(now(), rules, grant.expiresAt());
        apply(new ImpersonationStarted(orgId, command.sessionId(), known.caseNumber(), grant.grantId(), endsAt,
                known.statusSequence(), command.origin(), known.actorWorking(caller)));
        deadlines.schedule(endsAt, SESSION_END, new SessionDue(command.sessionId(), endsAt));
        return state(known.caseNumber(), command.sessionId(), endsAt);
    }

    /**
     * Stops a running session, answering how it ended: {@code STOPPED}, or the end it had already reached (its
     * deadline not handled yet), which is what is recorded. A session that no longer runs (stopped, ended by its
     * grant, its case or its length) cannot be stopped: {@code 409 session-ended}. Stopped by the engineer who
     * started it, or by support working its case ({@link KnownCase#isWorkedBy}: the engineer it is assigned to, a
     * lead or manager of its team other than one who opened it on the customer's behalf), in that role (DOMAIN.md: a
     * TSE stops impersonation; leads may do on any case of their queue what a TSE may).
     */
    @CommandHandler
    public SessionStop handle(StopImpersonation command, CaseLookup cases) {
        Session session = sessions.get(command.sessionId());
        Caller caller = command.caller();
        if (session == null) {
            // ended: one who may not stop it learns nothing of it, not even that (its engineer and case as the
            // session directory recorded them)
            if (command.engineer() != null && !command.engineer().equals(caller.id())) {
                stopper(caller, command.sessionId(), command.caseNumber(), cases);
            }
            throw new RuleViolation("session-ended", "impersonation session " + command.sessionId()
                    + " has ended; only a running session can be stopped");
        }
        Actor actor;
        if (session.engineer().equals(caller.id())) {
            // in the role it started in (the engineer may no longer work the case)
            actor = session.engineerRole() == null ? caller.actor() : caller.actingAs(session.engineerRole());
        } else {
            actor = stopper(caller, session.sessionId(), session.caseNumber(), cases);
        }
        // one that reached its end, its deadline not handled yet, ended then: so it is recorded, not as stopped
        SessionEndReason reached = endIfDue(session);
        if (reached != null) {
            return new SessionStop(session.caseNumber(), reached);
        }
        apply(new ImpersonationEnded(orgId, session.sessionId(), session.caseNumber(), session.engineer(),
                SessionEndReason.STOPPED, command.origin(), actor));
        return new SessionStop(session.caseNumber(), SessionEndReason.STOPPED);
    }

    /**
     * The caller as it stops a session it did not start, working its case; refused ({@code 403}) when it does not
     * work the case.
     */
    private static Actor stopper(Caller caller, String sessionId, String caseNumber, CaseLookup cases) {
        return cases.find(caseNumber).filter(known -> known.isWorkedBy(caller))
                .map(known -> known.actorWorking(caller))
                .orElseThrow(() -> new AccessDenied("session " + sessionId + " is stopped by the engineer who"
                        + " started it or by support working its case"));
    }

    /** DOMAIN.md: during impersonation "any attempt to change something is refused and logged". */
    @CommandHandler
    public void handle(RecordSessionWrite command) {
        SessionWrite write = command.write();
        apply(new SessionWriteRefused(orgId, write.caseNumber(), write.sessionId(), write.method(), write.path(),
                new Actor(write.actorId(), write.actorName(), Actor.Kind.SUPPORT, Roles.IMPERSONATION)));
    }

    @CommandHandler
    public void handle(EndCaseSessions command) {
        endDueSessions();
        List<Session> ending = new ArrayList<>();
        for (Session session : sessions.values()) {
            boolean before = session.caseSequence() == null || session.caseSequence() < command.sequence();
            // a lead or manager who held the case works it still, as one of its team: a session it started in that
            // role goes on (one started as the assignee, or before roles were kept, ends)
            boolean worksItStill = command.reason() == SessionEndReason.CASE_REASSIGNED
                    && session.engineerRole() != null && !Roles.SUPPORT_ENGINEER.equals(session.engineerRole());
            boolean theirs = command.engineer() == null
                    || session.engineer().equals(command.engineer()) && !worksItStill;
            if (session.caseNumber().equals(command.caseNumber()) && theirs && before) {
                ending.add(session);
            }
        }
        for (Session session : ending) {
            apply(new ImpersonationEnded(orgId, session.sessionId(), session.caseNumber(), session.engineer(),
                    command.reason(), RequestOrigin.NONE, Actor.SYSTEM));
        }
        // the case's own grant was for the case while open: it ends with it, on record, so that a reopening (by any
        // admin of the org) brings no access back without the Super Administrator; one past its expiry is left to
        // its deadline, and one given on a later status of the case (a closure delivered again: a rebuild of the
        // known cases) is left as it is
        Grant caseGrant = command.reason() == SessionEndReason.CASE_CLOSED ? caseGrant(command.caseNumber()) : null;
        Long given = caseGrant == null ? null : caseGrant.sequenceOf(command.caseNumber());
        if (caseGrant != null && (given == null || given < command.sequence())) {
            apply(new SupportAccessRevoked(orgId, caseGrant.grantId(), caseGrant.scope(), caseGrant.caseNumber(),
                    caseGrant.cases(), RequestOrigin.NONE, Actor.SYSTEM));
            endSessionsOf(caseGrant.grantId(), SessionEndReason.CASE_CLOSED, RequestOrigin.NONE, Actor.SYSTEM);
        }
    }

    @DeadlineHandler(deadlineName = SESSION_END)
    void sessionDue(SessionDue due) {
        Session session = sessions.get(due.sessionId());
        if (session == null || !session.endsAt().equals(due.endsAt())) {
            return;
        }
        endAsDue(session);
    }

    // --- state changes ----------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(SupportAccessGranted event) {
        orgId = event.orgId();
        grants.put(event.grantId(), new Grant(event.grantId(), event.scope(), event.caseNumber(),
                event.coveredCases(), event.expiresAt(), event.caseSequences()));
    }

    @EventSourcingHandler
    void on(SupportAccessExtended event) {
        Grant grant = grants.get(event.grantId());
        grants.put(event.grantId(), new Grant(grant.grantId(), grant.scope(), grant.caseNumber(),
                grant.cases(), event.expiresAt(), grant.caseSequences()));
    }

    @EventSourcingHandler
    void on(SupportAccessRevoked event) {
        grants.remove(event.grantId());
    }

    @EventSourcingHandler
    void on(SupportAccessExpired event) {
        grants.remove(event.grantId());
    }

    @EventSourcingHandler
    void on(ImpersonationStarted event, @Timestamp Instant at) {
        // to the millisecond, as its end was set (now())
        sessions.put(event.sessionId(), new Session(event.sessionId(), event.caseNumber(), event.grantId(),
                event.actor().id(), at.truncatedTo(ChronoUnit.MILLIS), event.endsAt(), event.caseSequence(),
                event.actor().role()));
    }

    @EventSourcingHandler
    void on(ImpersonationExtended event) {
        Session session = sessions.get(event.sessionId());
        sessions.put(event.sessionId(), new Session(session.sessionId(), session.caseNumber(), session.grantId(),
                session.engineer(), session.startedAt(), event.endsAt(), session.caseSequence(),
                session.engineerRole()));
    }

    @EventSourcingHandler
    void on(ImpersonationEnded event) {
        sessions.remove(event.sessionId());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private void extend(Grant grant, AccessRules rules, RequestOrigin origin, Caller caller,
                        DeadlineManager deadlines) {
        Instant expiresAt = grant.expiresAt().plus(rules.extension());
        apply(new SupportAccessExtended(orgId, grant.grantId(), grant.scope(), grant.caseNumber(),
                grant.cases(), expiresAt, origin, caller.actor()));
        deadlines.schedule(expiresAt, GRANT_EXPIRY, new GrantDue(grant.grantId(), expiresAt));
        // a running session that was to end with the grant goes on: to its maximum length, or the new expiry if
        // earlier (the grant is in force, so such a session has not reached its end). One that was to end before
        // the grant, at its maximum length, keeps that end, whether reached or not.
        for (Session session : List.copyOf(sessions.values())) {
            if (!session.grantId().equals(grant.grantId()) || session.startedAt() == null
                    || !session.endsAt().equals(grant.expiresAt())) {
                continue;
            }
            Instant endsAt = sessionEnd(session.startedAt(), rules, expiresAt);
            if (endsAt.isAfter(session.endsAt())) {
                apply(new ImpersonationExtended(orgId, session.sessionId(), session.caseNumber(), grant.grantId(),
                        endsAt, caller.actor()));
                deadlines.schedule(endsAt, SESSION_END, new SessionDue(session.sessionId(), endsAt));
            }
        }
    }

    private void revoke(Grant grant, RequestOrigin origin, Caller caller) {
        endDueSessions(); // before the grant goes: they ended before it was revoked
        apply(new SupportAccessRevoked(orgId, grant.grantId(), grant.scope(), grant.caseNumber(),
                grant.cases(), origin, caller.actor()));
        endSessionsOf(grant.grantId(), SessionEndReason.GRANT_REVOKED, origin, caller.actor());
    }

    private void endSessionsOf(String grantId, SessionEndReason reason, RequestOrigin origin, Actor actor) {
        List<Session> ending = new ArrayList<>();
        for (Session session : sessions.values()) {
            if (session.grantId().equals(grantId)) {
                ending.add(session);
            }
        }
        for (Session session : ending) {
            apply(new ImpersonationEnded(orgId, session.sessionId(), session.caseNumber(), session.engineer(), reason,
                    origin, actor));
        }
    }

    /**
     * Ends, as its deadline would, every session that reached its end and whose deadline was not handled yet (the
     * deadlines are polled, and late after a restart): a stop, a revocation or a case's closure after that moment
     * did not end it, and must not be recorded as its end.
     */
    private void endDueSessions() {
        for (Session session : List.copyOf(sessions.values())) {
            endIfDue(session);
        }
    }

    /** Ends the session as its deadline does, if it reached its end: why it ended, {@code null} if it runs on. */
    private SessionEndReason endIfDue(Session session) {
        return now().isBefore(session.endsAt()) ? null : endAsDue(session);
    }

    /** The session reached its end: that of its grant, or its maximum length. */
    private SessionEndReason endAsDue(Session session) {
        Grant grant = grants.get(session.grantId());
        SessionEndReason reason = grant != null && !session.endsAt().isBefore(grant.expiresAt())
                ? SessionEndReason.GRANT_EXPIRED : SessionEndReason.MAX_LENGTH;
        apply(new ImpersonationEnded(orgId, session.sessionId(), session.caseNumber(), session.engineer(), reason,
                RequestOrigin.NONE, Actor.SYSTEM));
        return reason;
    }

    /** The org-wide grant in force: one past its expiry counts as none, even before its deadline is handled. */
    private Grant orgGrant() {
        return grants.values().stream().filter(g -> g.scope() == GrantScope.ORG && inForce(g)).findFirst()
                .orElse(null);
    }

    /** The grant in force for the case (as {@link #orgGrant()}). */
    private Grant caseGrant(String caseNumber) {
        return grants.values().stream().filter(g -> g.scope() == GrantScope.CASE && g.caseNumber().equals(caseNumber)
                && inForce(g)).findFirst().orElse(null);
    }

    private boolean inForce(Grant grant) {
        return grant.expiresAt().isAfter(now());
    }

    /** A session's end: its maximum length from its start, or its grant's expiry if earlier. */
    private static Instant sessionEnd(Instant startedAt, AccessRules rules, Instant grantExpiresAt) {
        Instant maxEnd = startedAt.plus(rules.maxSessionLength());
        return maxEnd.isBefore(grantExpiresAt) ? maxEnd : grantExpiresAt;
    }

    private static KnownCase openCaseOfOrg(Optional<KnownCase> found, String caseNumber, String org) {
        return requireOpen(caseOfOrg(found, caseNumber, org));
    }

    private static KnownCase caseOfOrg(Optional<KnownCase> found, String caseNumber, String org) {
        KnownCase known = found.orElseThrow(() -> new NotFound("there is no case " + caseNumber));
        if (!known.orgId().equals(org)) {
            throw new AccessDenied("case " + caseNumber + " belongs to another org");
        }
        return known;
    }

    /** The case, refused as {@code 409 case-closed} once closed (also for an org that never granted access). */
    public static KnownCase requireOpen(KnownCase known) {
        String caseNumber = known.caseNumber();
        if (!known.isOpen()) {
            throw new RuleViolation("case-closed", "case " + caseNumber + " is closed");
        }
        return known;
    }

    private static void requireSuperAdmin(Caller caller, String org) {
        if (!caller.has(Roles.ORG_SUPER_ADMIN) || !caller.isCustomerOf(org)) {
            throw new AccessDenied("only the org's Super Administrator grants, extends or revokes support access");
        }
    }

    private AccessState state(String caseNumber, String sessionId, Instant sessionEndsAt) {
        Grant org = orgGrant();
        Grant forCase = caseNumber == null ? null : caseGrant(caseNumber);
        return new AccessState(orgId, org == null ? null : org.expiresAt(), caseNumber,
                forCase == null ? null : forCase.expiresAt(), sessionId, sessionEndsAt);
    }

    /**
     * Now, to the millisecond, as the identity platform gives times: the expirations and session ends set from it
     * are answered as set and read back alike from the store (which keeps microseconds at most).
     */
    private static Instant now() {
        return GenericEventMessage.clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
