package io.casetrail.events;

/**
 * Kafka header names of the CloudEvents 1.0 binary mode used on every Casetrail topic.
 * The record value is the event payload as JSON; {@code content-type} is {@code application/json}.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String ORG_ID = "ce_orgid";
    public static final String CASE_ID = "ce_caseid";
    public static final String ACTOR = "ce_actor";
    public static final String SEQUENCE = "ce_sequence";
    public static final String CORRELATION_ID = "ce_correlationid";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    private CloudEventHeaders() {
    }
}
