package io.casetrail.orgadmin.command;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.orgadmin.directory.DirectoryDocument;
import io.casetrail.platform.security.Caller;

/** The commands of the org administration context; all but the import address the case's {@link CaseAdministration}. */
public final class AdminCommands {

    private AdminCommands() {
    }

    /** The scope of a consent: action kinds and, optionally, target users and feature flags. */
    public record Scope(List<ActionKind> actionKinds, List<String> targetUserIds, List<String> featureFlags) {

        public Scope {
            actionKinds = actionKinds == null ? List.of() : List.copyOf(actionKinds);
            targetUserIds = targetUserIds == null ? List.of() : List.copyOf(targetUserIds);
            featureFlags = featureFlags == null ? List.of() : List.copyOf(featureFlags);
        }
    }

    /** An admin of the case's org gives written consent through the API. */
    public record GiveWrittenConsent(@TargetAggregateIdentifier String caseNumber, String consentId, Scope scope,
                                     Duration validFor, Caller caller) {
    }

    /** The engineer records the consent an admin gave on the phone or in a remote session. */
    public record RecordVerbalConsent(@TargetAggregateIdentifier String caseNumber, String consentId, String givenBy,
                                      ConsentChannel channel, Instant givenAt, Scope scope, Duration validFor,
                                      Caller caller) {
    }

    /** The customer withdraws a consent. */
    public record WithdrawConsent(@TargetAggregateIdentifier String caseNumber, String consentId, Caller caller) {
    }

    /**
     * The case closed, at its event {@code sequence}: its consents still live and given before it end with it
     * ({@link ConsentClosures}).
     */
    public record EndConsentsOfClosedCase(@TargetAggregateIdentifier String caseNumber, long sequence) {
    }

    /** Support looked something up in the org for the case. */
    public record RecordResearch(@TargetAggregateIdentifier String caseNumber, String orgId, String resource,
                                 String query, int results, Caller caller) {
    }

    /** An administrative action on a user or a feature flag of the case's org. */
    public record RunAdminAction(@TargetAggregateIdentifier String caseNumber, String orgId, ActionKind kind,
                                 String target, boolean enable, boolean force, Caller caller) {
    }

    /** A write attempted during a read-only impersonation session. */
    public record RecordImpersonationWrite(@TargetAggregateIdentifier String caseNumber, String orgId,
                                           String sessionId, String method, String path, String actorId,
                                           String actorName) {
    }

    /** A platform operator loads an org's directory. */
    public record ImportDirectory(@TargetAggregateIdentifier String importId, DirectoryDocument document,
                                  Caller caller) {
    }
}
