package io.casetrail.testing;

import static io.casetrail.testing.TopicReader.header;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEventHeaders;
import io.casetrail.events.Topics;

/** The request logs services publish to {@code casetrail.log.v1}, read as the internal log files them. */
public final class RequestLogRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestLogRecords() {
    }

    /**
     * Where a request log is filed: the org and case its data names, and those its CloudEvent headers name (what
     * the internal log's consumer reads).
     */
    public record Filed(String orgId, String caseNumber, String orgHeader, String caseHeader) {

        /** Filed under this org and case, in the data and the headers alike (nulls for none). */
        public static Filed under(String orgId, String caseNumber) {
            return new Filed(orgId, caseNumber, orgId, caseNumber);
        }
    }

    /**
     * The request logs of the requests with these ids ({@code X-Request-Id}), by id: read from the topic until each
     * is there; fails when one is not within {@code timeout}.
     */
    public static Map<String, Filed> of(Collection<String> requestIds, Duration timeout) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.LOG, all -> all.stream()
                .map(r -> header(r, CloudEventHeaders.CORRELATION_ID)).filter(requestIds::contains).distinct()
                .count() == requestIds.size(), timeout);
        Map<String, Filed> filed = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String id = header(record, CloudEventHeaders.CORRELATION_ID);
            if (requestIds.contains(id)) {
                JsonNode data = JSON.readTree(record.value());
                filed.put(id, new Filed(text(data, "orgId"), text(data, "caseNumber"),
                        header(record, CloudEventHeaders.ORG_ID), header(record, CloudEventHeaders.CASE_ID)));
            }
        }
        if (!filed.keySet().containsAll(requestIds)) {
            throw new AssertionError("no request log within " + timeout + " for some of " + requestIds
                    + "; found " + filed.keySet());
        }
        return filed;
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.path(field);
        return value.isTextual() ? value.asText() : null;
    }

}
