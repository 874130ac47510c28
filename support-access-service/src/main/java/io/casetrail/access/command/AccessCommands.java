package io.casetrail.access.command;

import java.time.Instant;

import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.events.RequestOrigin;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.SessionWrite;

/** The commands of the support access context, addressed to the org's {@link OrgSupportAccess}. */
public final class AccessCommands {

    private AccessCommands() {
    }

    /** Grant support access org-wide: it covers the org's open cases ({@code coveredCases}: those open now). */
    public record GrantOrgSupport(@TargetAggregateIdentifier String orgId, String grantId, List<String> coveredCases,
                                  RequestOrigin origin, Caller caller) {
    }

    /** Add 24 hours to what the active org-wide grant has left. */
    public record ExtendOrgSupport(@TargetAggregateIdentifier String orgId, RequestOrigin origin, Caller caller) {
    }

    /** End the active org-wide grant now. */
    public record RevokeOrgSupport(@TargetAggregateIdentifier String orgId, RequestOrigin origin, Caller caller) {
    }

    /** Grant support access for one case of the org. */
    public record GrantCaseSupport(@TargetAggregateIdentifier String orgId, String grantId, String caseNumber,
                                   RequestOrigin origin, Caller caller) {
    }

    /**
     * Add 24 hours to what the case's active grant has left, as the platform does, when {@code expiration} (what the
     * caller sends) is later than the grant's; the grant's own expiration sent back, or an earlier one still to come,
     * changes nothing, and one past is refused.
     */
    public record ExtendCaseSupport(@TargetAggregateIdentifier String orgId, String caseNumber, Instant expiration,
                                    RequestOrigin origin, Caller caller) {
    }

    /** End the case's active grant now. */
    public record RevokeCaseSupport(@TargetAggregateIdentifier String orgId, String caseNumber, RequestOrigin origin,
                                    Caller caller) {
    }

    /**
     * Support working the case (its engineer, or a lead or manager of its team) starts a read-only impersonation
     * session inside an active grant.
     */
    public record StartImpersonation(@TargetAggregateIdentifier String orgId, String sessionId, String caseNumber,
                                     RequestOrigin origin, Caller caller) {

        /** Why support not working {@code known} is refused a session on it. */
        public static String notWorking(KnownCase known) {
            return "only support working case " + known.caseNumber() + " (its engineer, or a lead or manager of team "
                    + known.team() + ") starts impersonation sessions for it";
        }
    }

    /**
     * The engineer (or support working its case) ends a session. {@code engineer} and {@code caseNumber}: who started
     * it and for which case, as the session directory recorded them at its start (null for a session started
     * before it did): what a stop of a session that has already ended is checked against, as the org's support
     * access keeps only its running sessions.
     */
    public record StopImpersonation(@TargetAggregateIdentifier String orgId, String sessionId, String engineer,
                                    String caseNumber, RequestOrigin origin, Caller caller) {

        /** A stop that names no engineer or case (a session ended before it is answered 409 to anyone). */
        public StopImpersonation(String orgId, String sessionId, RequestOrigin origin, Caller caller) {
            this(orgId, sessionId, null, null, origin, caller);
        }
    }

    /** A change tried with a session's token, refused: recorded on the session's org. */
    public record RecordSessionWrite(@TargetAggregateIdentifier String orgId, SessionWrite write) {
    }

    /**
     * Casetrail ends the sessions on a case of those who no longer hold it since the case's event {@code sequence}:
     * every one started before it when the case closed ({@code engineer} null), those of its former assignee
     * ({@code engineer}) when it was reassigned. A session started on a later status of the case (that event
     * delivered again), or none at all, is left as it is.
     */
    public record EndCaseSessions(@TargetAggregateIdentifier String orgId, String caseNumber, String engineer,
                                  long sequence, SessionEndReason reason) {
    }

    /** A Super Administrator creates an org API token; only the hash of its secret enters the command. */
    public record CreateApiToken(@TargetAggregateIdentifier String tokenId, String orgId, String name,
                                 String tokenHash, Caller caller) {
    }

    /** Revoke an org API token. */
    public record RevokeApiToken(@TargetAggregateIdentifier String tokenId, Caller caller) {
    }
}
