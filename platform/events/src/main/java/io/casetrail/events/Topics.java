package io.casetrail.events;

/** The Kafka topics, one per bounded context. Record key = aggregate id. */
public final class Topics {

    public static final String CASE = "casetrail.case.v1";
    public static final String ORG_ADMIN = "casetrail.orgadmin.v1";
    public static final String ACCESS = "casetrail.access.v1";
    public static final String ESCALATION = "casetrail.escalation.v1";
    public static final String LOG = "casetrail.log.v1";

    private Topics() {
    }
}
