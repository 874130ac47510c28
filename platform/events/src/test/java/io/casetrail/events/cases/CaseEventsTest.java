package io.casetrail.events.cases;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.EventJson;

/** The status a case has after an event, as every service that keeps cases reads it. */
class CaseEventsTest {

    static final Actor ADA = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, "org-admin");

    @Test
    void aCustomersUploadThatAnswersCarriesTheStatusAfterIt() {
        assertThat(CaseEvents.statusAfter(new AttachmentAdded("00100001", "org-acme", "a-1", "app.har",
                "application/json", 12, "ab", false, CaseStatus.OPEN, ADA))).contains(CaseStatus.OPEN);
    }

    /** An upload stored before the field existed reads with no status, and leaves the case's status as it was. */
    @Test
    void anUploadStoredBeforeItsStatusLeavesTheStatusAsItWas() throws Exception {
        ObjectMapper json = EventJson.newMapper();
        AttachmentAdded old = json.readValue("""
                {"caseNumber":"00100001","orgId":"org-acme","attachmentId":"a-1","fileName":"app.har",
                 "contentType":"application/json","sizeBytes":12,"sha256":"ab","internal":false,
                 "actor":{"id":"admin-ada","displayName":"Ada","kind":"CUSTOMER","role":"org-admin"}}""",
                AttachmentAdded.class);
        assertThat(old.status()).isNull();
        assertThat(CaseEvents.statusAfter(old)).isEmpty();
    }
}
