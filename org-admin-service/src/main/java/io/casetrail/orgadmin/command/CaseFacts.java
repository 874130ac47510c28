package io.casetrail.orgadmin.command;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What the org administration rules need to know about cases (from case-service's events). */
public interface CaseFacts {

    Optional<KnownCase> find(String caseNumber);

    /** Whether the admin opened the case or is one of its contacts. */
    boolean isOpenerOrContact(String caseNumber, String adminId);

    /** The cases this service has learnt from case-service's topic. */
    static CaseFacts of(KnownCases known) {
        return new CaseFacts() {
            @Override
            public Optional<KnownCase> find(String caseNumber) {
                return known.find(caseNumber);
            }

            @Override
            public boolean isOpenerOrContact(String caseNumber, String adminId) {
                return known.isOpenerOrContact(caseNumber, adminId);
            }
        };
    }
}
