package io.casetrail.logs.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.logs.systemlog.LogEventMapper;

/**
 * The audit replay: reads the event topics from the beginning (or from a point in time), checks every aggregate's
 * sequence for gaps and duplicates, rebuilds the orgs' support-activity timelines (their System Logs) on its own
 * from the events, and compares them with log-service's live System Log. Plain Java: Kafka consumer, HTTP client,
 * no service code but the mapping from events to System Log entries.
 */
public final class Replay {

    /** What to replay and where to compare. */
    public record Options(String bootstrapServers, String logServiceUrl, String token, Instant from, String orgId,
                          String caseNumber) {
    }

    /**
     * What the records of one aggregate ("" for records of none) told: counts by org (null for none), the event id
     * at each sequence number, duplicates, redeliveries.
     */
    private static final class Findings {
        final Map<String, Long> records = new HashMap<>();
        final TreeMap<Long, String> sequences = new TreeMap<>();
        final List<AuditReport.Duplicate> duplicates = new ArrayList<>();
        long redelivered;

        void read(CloudEvent event, String aggregate) {
            records.merge(event.orgId() == null || event.orgId().isEmpty() ? null : event.orgId(), 1L, Long::sum);
            if (event.sequence() == null || aggregate.isEmpty()) {
                return;
            }
            String previous = sequences.putIfAbsent(event.sequence(), event.id());
            if (previous != null && !previous.equals(event.id())) {
                duplicates.add(new AuditReport.Duplicate(aggregate, event.sequence(), previous, event.id()));
            } else if (previous != null) {
                redelivered++; // consumers apply the first copy; so does the replay
            }
        }

        /**
         * Reports what was found, and the sequence numbers missing: from 0, or from the first read when the replay
         * starts at a point in time ({@code fromStart} false).
         */
        void reportTo(AuditReport.Builder report, String aggregate, boolean fromStart) {
            records.forEach(report::record);
            duplicates.forEach(report::duplicate);
            report.redelivered(redelivered);
            long expected = sequences.isEmpty() || fromStart ? 0 : sequences.firstKey();
            for (long seq : sequences.keySet()) {
                for (; expected < seq; expected++) {
                    report.gap(aggregate, expected);
                }
                expected = seq + 1;
            }
        }
    }

    /** A System Log entry the events call for, and when it was published. */
    record Expected(Instant published, ObjectNode body) {
    }

    /**
     * Where an entry is: its org's System Log and its uuid. Entries are compared where they are: one served in
     * another org's System Log is missing from its own and unexplained in the other.
     */
    record Placed(String orgId, String uuid) {
    }

    /** Topics that carry domain events (request logs are not replayed). */
    static final List<String> TOPICS = List.of(Topics.CASE, Topics.ORG_ADMIN, Topics.ACCESS, Topics.ESCALATION);
    /** Topics log-service builds the System Log from. */
    static final List<String> SYSTEM_LOG_TOPICS = List.of(Topics.ACCESS, Topics.ORG_ADMIN);
    /**
     * How far back the System Log API shows entries: 90 days (it takes a {@code since} up to 180 days back, and
     * answers what is in the 90). Entries older than that are not compared: they would all read as missing.
     */
    static final Duration SYSTEM_LOG_WINDOW = Duration.ofDays(90);
    /** The latest {@code until} the System Log API takes. */
    private static final String LAST_TIME = "9999-12-31T23:59:59Z";
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final Options options;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Clock clock;

    public Replay(Options options, PrintStream progress) {
        this(options, progress, Clock.systemUTC());
    }

    /** With the clock the replay's window is taken from (a test's, to stand for a replay that took minutes). */
    Replay(Options options, PrintStream progress, Clock clock) {
        this.options = options;
        this.progress = progress;
        this.clock = clock;
    }

    public AuditReport run() throws IOException, InterruptedException {
        Instant started = clock.instant();
        AuditReport.Builder report = new AuditReport.Builder(options, started);
        Map<Placed, Expected> expected = new LinkedHashMap<>();
        Set<String> ofTheCase = new HashSet<>();
        Map<String, Findings> findings = new LinkedHashMap<>();
        LogEventMapper mapper = new LogEventMapper(JSON);
        Instant windowStart = started.minus(SYSTEM_LOG_WINDOW).plus(Duration.ofMinutes(1));
        // the System Log entries compared: published (their event's time) since the point in time, if one is given,
        // to the millisecond as the System Log keeps and queries it; a record is on its topic after its event
        // happened, so reading records from that time finds them all
        Instant since = (options.from() == null || options.from().isBefore(windowStart) ? windowStart
                : options.from()).truncatedTo(ChronoUnit.MILLIS);

        Map<TopicPartition, Long> snapshot;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitionsOf(consumer, TOPICS);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            snapshot = end;
            Map<TopicPartition, Long> begin = start(consumer, partitions);
            long total = 0;
            for (TopicPartition p : partitions) {
                total += Math.max(0, end.get(p) - begin.get(p));
            }
            report.total(total);
            long read = 0;
            long nextProgress = 1000;
            while (!done(consumer, partitions, end)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(p)) {
                        continue;
                    }
                    read++;
                    if (read >= nextProgress) {
                        progress.printf("replay: %d of %d records (%d%%)%n", read, total, total == 0 ? 100
                                : read * 100 / total);
                        nextProgress += 1000;
                    }
                    CloudEvent event = cloudEvent(record);
                    if (event == null) {
                        report.unreadable(record.topic(), record.partition(), record.offset());
                        continue;
                    }
                    if (!ofTheOrg(event)) {
                        continue;
                    }
                    String aggregate = event.subject() == null ? "" : record.topic() + "/" + event.subject();
                    // what a record tells is reported once the aggregates of the case, if one is asked for, are
                    // known: its count, a duplicate, a redelivery
                    findings.computeIfAbsent(aggregate, a -> new Findings()).read(event, aggregate);
                    if (options.caseNumber() != null && options.caseNumber().equals(event.caseId())) {
                        ofTheCase.add(aggregate);
                    }
                    if (!EventJson.isJsonText(event.data())) {
                        // an event's headers around a value that is no JSON text: every consumer passes over it
                        report.unreadable(record.topic(), record.partition(), record.offset());
                        continue;
                    }
                    if (SYSTEM_LOG_TOPICS.contains(record.topic()) && event.orgId() != null) {
                        Optional<Class<? extends DomainEvent>> type = EventCatalog.payloadClass(event.type());
                        if (type.isPresent()) {
                            DomainEvent payload;
                            try {
                                payload = JSON.readValue(event.data(), type.get());
                            } catch (JsonProcessingException e) {
                                // JSON, but not of its type's shape: the System Log cannot take it either
                                report.unreadable(record.topic(), record.partition(), record.offset());
                                continue;
                            }
                            Optional<LogEventMapper.LogRecord> entry = mapper.map(event, payload)
                                    .filter(r -> concernsTheCase(r.body()));
                            if (entry.isPresent() && options.caseNumber() != null) {
                                ofTheCase.add(aggregate); // an org-wide grant covering the case, too
                            }
                            entry.filter(r -> !r.published().isBefore(since)).ifPresent(r -> expected
                                    .putIfAbsent(new Placed(r.orgId(), r.uuid()), new Expected(r.published(),
                                            r.body())));
                        }
                    }
                }
            }
            progress.printf("replay: %d of %d records read%n", read, total);
        }
        if (options.caseNumber() != null) {
            // the aggregates that hold events of the case, whole: support access is one aggregate per org, and its
            // other cases' events are part of its sequence; nothing of other aggregates
            findings.keySet().retainAll(ofTheCase);
        }
        findings.forEach((aggregate, found) -> found.reportTo(report, aggregate, options.from() == null));
        report.aggregates((int) findings.values().stream().filter(found -> !found.sequences.isEmpty()).count());
        // every org the records read name is read live too, not only those the replay expects entries of: an entry
        // in an org that should have none (forged, or of another org's event) is unexplained there
        TreeSet<String> orgs = new TreeSet<>();
        findings.values().forEach(found -> found.records.keySet().stream().filter(Objects::nonNull)
                .forEach(orgs::add));
        compare(report, expected, since, snapshot, orgs);
        return report.build(clock.instant());
    }

    private void compare(AuditReport.Builder report, Map<Placed, Expected> expected, Instant since,
                         Map<TopicPartition, Long> snapshot, TreeSet<String> named)
            throws IOException, InterruptedException {
        // the orgs whose live System Log must be read (the one asked for, those the events give entries): a failed
        // read ends the replay; the others named by records are read for entries that should not be there
        TreeSet<String> orgs = new TreeSet<>();
        if (options.orgId() != null) {
            named.retainAll(Set.of(options.orgId()));
            orgs.add(options.orgId());
        }
        for (Placed placed : expected.keySet()) {
            if (placed.orgId() != null) {
                orgs.add(placed.orgId());
            }
        }
        Map<Placed, JsonNode> live = new LinkedHashMap<>();
        // a second entry of a uuid the read showed before (the events explain one: the other is unexplained)
        List<Map.Entry<Placed, JsonNode>> again = new ArrayList<>();
        Map<Placed, List<JsonNode>> indexMismatches = new LinkedHashMap<>();
        for (String org : orgs) {
            progress.printf("replay: reading the live System Log of %s%n", org);
            file(liveSystemLog(org, since), org, live, again);
            progress.printf("replay: checking the System Log index of %s%n", org);
            indexMismatches.putAll(indexMismatches(org, since));
        }
        named.removeAll(orgs);
        for (String org : named) {
            progress.printf("replay: reading the live System Log of %s (no entries expected)%n", org);
            try {
                file(liveSystemLog(org, since), org, live, again);
            } catch (Refused e) {
                if (carriedAsIs(org) || e.status != 400 && e.status != 404) {
                    throw e; // log-service away, the token refused, an error: the audit could not run
                }
                // an org id no URL carries as it is, which no org has (a typo on a case opened on a customer's
                // behalf), whose path log-service does not serve: nothing to compare
                progress.printf("replay: the live System Log of %s could not be read, not compared: %s%n", org,
                        e.getMessage());
            }
        }
        live.values().removeIf(body -> !concernsTheCase(body));
        again.removeIf(entry -> !concernsTheCase(entry.getValue()));
        // the entries of events that reached their topic after the replay read it (the system runs on): not
        // compared, neither unexplained nor missing
        Set<String> later = later(snapshot);
        // (an event read before and sent again since, as a relay may, is compared: its entry is the one read)
        live.keySet().removeIf(placed -> later.contains(placed.uuid()) && !expected.containsKey(placed));
        // log-service shows 90 days back from the moment it answers: a read that came later than the window's start
        // was computed for (a long replay, a wait for the rate limit) no longer has the oldest entries. Only entries
        // every read could show are compared, on both sides: those the events date before that, by the events'
        // time (an entry's own time is what a forged entry would lie about, to be passed over)
        Instant shownByEveryRead = clock.instant().minus(SYSTEM_LOG_WINDOW).plus(Duration.ofMinutes(1))
                .truncatedTo(ChronoUnit.MILLIS);
        if (shownByEveryRead.isAfter(since)) {
            Set<Placed> older = new HashSet<>();
            expected.entrySet().removeIf(e -> e.getValue().published().isBefore(shownByEveryRead)
                    && older.add(e.getKey()));
            live.keySet().removeAll(older);
        }
        report.compared(expected.size(), live.size() + again.size());
        Set<Placed> bodyChanged = new HashSet<>();
        for (Map.Entry<Placed, Expected> e : expected.entrySet()) {
            Placed placed = e.getKey();
            JsonNode actual = live.get(placed);
            if (actual == null) {
                report.missing(placed.orgId(), placed.uuid(), e.getValue().body().path("eventType").asText());
            } else {
                boolean refusal = "DENY".equals(e.getValue().body().path("outcome").path("result").asText());
                int before = report.changes();
                differences("", e.getValue().body(), inTodaysForm(e.getValue().body(), actual), placed, refusal,
                        report);
                if (report.changes() > before) {
                    bodyChanged.add(placed);
                }
            }
        }
        for (Map.Entry<Placed, JsonNode> e : live.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                report.unexpected(e.getKey().orgId(), e.getKey().uuid(), e.getValue().path("eventType").asText());
            }
        }
        again.forEach(e -> report.unexpected(e.getKey().orgId(), e.getKey().uuid(),
                e.getValue().path("eventType").asText()));
        // of the entries compared that read right, an index that says otherwise: a filtered query would not find
        // the entry, or find it where it does not belong (an entry that reads wrong, or that the events do not
        // explain, is reported as such: its index, written from what it said before or where it was, differs too)
        indexMismatches.forEach((placed, mismatches) -> {
            if (live.containsKey(placed) && expected.containsKey(placed) && !bodyChanged.contains(placed)) {
                mismatches.forEach(m -> report.changed(placed.orgId(), placed.uuid(), "index " + m.path("field")
                        .asText(), text(m.path("expected")), text(m.path("stored"))));
            }
        });
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    /**
     * What entries written before 2026-12-01 added to a message that is now the platform's own, word for word: by
     * event type, the suffixes that type's entries had.
     */
    static final Map<String, List<String>> FORMER_MESSAGE_SUFFIXES = Map.of(
            "user.session.impersonation.grant", List.of(" (org-wide)"),
            "user.session.impersonation.revoke", List.of(": the grant expired"),
            "user.account.reset_password", List.of(" (by support, with consent)"),
            "user.account.expire_password", List.of(" (by support, with consent)"),
            "user.mfa.factor.reset_all", List.of(" (by support, with consent)"),
            "system.feature.enable", List.of(" (by support, with consent)"),
            "system.feature.disable", List.of(" (by support, with consent)"));
    /** The types whose entries listed an org-wide grant's cases in {@code case_number}, comma-separated. */
    static final Set<String> FORMER_CASE_LISTS = Set.of("user.session.impersonation.grant",
            "user.session.impersonation.extend", "user.session.impersonation.revoke");

    /**
     * The live entry as it would be written today, where it was written in the former form of the same content: a
     * message with the suffix its type had ({@link #FORMER_MESSAGE_SUFFIXES}), and an org-wide grant's
     * {@code case_number} listing exactly the cases its targets name, comma-separated (now targets only). Anything
     * else is left as it is, to be compared. Either form says the same, so which one an entry has is no difference.
     */
    static JsonNode inTodaysForm(JsonNode expected, JsonNode actual) {
        if (!actual.isObject()) {
            return actual;
        }
        ObjectNode today = ((ObjectNode) actual).deepCopy();
        String type = expected.path("eventType").asText("");
        String message = expected.path("displayMessage").asText(null);
        String written = actual.path("displayMessage").asText(null);
        if (message != null && written != null && FORMER_MESSAGE_SUFFIXES.getOrDefault(type, List.of()).stream()
                .anyMatch(suffix -> written.equals(message + suffix))) {
            today.put("displayMessage", message);
        }
        JsonNode debugData = today.path("debugContext").path("debugData");
        String cases = debugData.path("case_number").asText(null);
        if (FORMER_CASE_LISTS.contains(type) && cases != null && cases.contains(",") && expected
                .path("debugContext").path("debugData").path("case_number").isMissingNode()
                && debugData instanceof ObjectNode data) {
            if (String.join(",", supportCases(expected)).equals(cases)) {
                data.remove("case_number");
            }
        }
        return today;
    }

    /** Reports where a live entry differs from the one its event calls for ({@code refusal}: a DENY entry). */
    static void differences(String path, JsonNode expected, JsonNode actual, Placed placed, boolean refusal,
                            AuditReport.Builder report) {
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                differences(path.isEmpty() ? name : path + "." + name, expected.path(name), actual.path(name),
                        placed, refusal, report);
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                differences(path + "[" + i + "]", expected.get(i), actual.get(i), placed, refusal, report);
            }
        } else if (!expected.equals(actual) && !(absent(expected) && absent(actual))
                && !(path.equals("legacyEventType") && absent(actual) && refusal)) {
            // a key with null and no key say the same (an entry stored before its LogEvent had every key has fewer);
            // a refusal stored before refusals had their type's legacy type has none (any other entry without its
            // legacy type has lost it: a SIEM rule keyed on it would miss the entry)
            report.changed(placed.orgId(), placed.uuid(), path, expected.isMissingNode() ? null : expected.toString(),
                    actual.isMissingNode() ? null : actual.toString());
        }
    }

    private static boolean absent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private List<JsonNode> liveSystemLog(String org, Instant since) throws IOException, InterruptedException {
        List<JsonNode> live = new ArrayList<>();
        // until the last time the API takes: an entry published later than now (forged, or an event's clock ahead)
        // is served to a polling client, and so compared here
        readPages(orgUrl(org) + "/api/v1/logs?since=" + since + "&until=" + LAST_TIME + "&limit=1000",
                page -> page.forEach(live::add));
        return live;
    }

    /** Files an org's live entries by uuid, the first of a uuid compared, any other shown {@code again}. */
    private static void file(List<JsonNode> entries, String org, Map<Placed, JsonNode> live,
                             List<Map.Entry<Placed, JsonNode>> again) {
        for (JsonNode entry : entries) {
            Placed placed = new Placed(org, entry.path("uuid").asText());
            if (live.putIfAbsent(placed, entry) != null) {
                again.add(Map.entry(placed, entry));
            }
        }
    }

    /**
     * What log-service's check of the org's System Log index found: where the columns and rows its filter and q are
     * answered from differ from the entries' bodies (which the replay compares with the events), by entry.
     */
    private Map<Placed, List<JsonNode>> indexMismatches(String org, Instant since)
            throws IOException, InterruptedException {
        Map<Placed, List<JsonNode>> found = new LinkedHashMap<>();
        readPages(orgUrl(org) + "/system-log/index-check?since=" + since + "&limit=1000",
                page -> page.path("mismatches").forEach(mismatch -> found.computeIfAbsent(
                        new Placed(org, mismatch.path("uuid").asText()), placed -> new ArrayList<>()).add(mismatch)));
        return found;
    }

    /** A read log-service answered with another status than 200 (not 429, which is waited out). */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Whether an org id is carried in a URL's path as it is (letters, digits, {@code -._~}): any real org's is. */
    static boolean carriedAsIs(String org) {
        return org.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0));
    }

    private String orgUrl(String org) {
        return options.logServiceUrl().replaceAll("/+$", "") + "/orgs/"
                + java.net.URLEncoder.encode(org, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Reads a paged list of log-service from {@code url}, following its next links, waiting out its rate limit. */
    private void readPages(String url, java.util.function.Consumer<JsonNode> onPage)
            throws IOException, InterruptedException {
        for (int page = 0; url != null && page < 10_000; page++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + options.token()).header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429) {
                long reset = response.headers().firstValueAsLong("X-Rate-Limit-Reset").orElse(0);
                Thread.sleep(Math.max(1000, reset * 1000 - System.currentTimeMillis() + 500));
                page--;
                continue;
            }
            if (response.statusCode() != 200) {
                throw new Refused(response.statusCode(), "log-service answered " + response.statusCode() + " for "
                        + url + ": " + response.body());
            }
            onPage.accept(JSON.readTree(response.body()));
            url = null;
            for (String link : response.headers().allValues("link")) {
                Matcher m = NEXT.matcher(link);
                if (m.find()) {
                    url = m.group(1);
                }
            }
        }
    }

    private boolean ofTheOrg(CloudEvent event) {
        return options.orgId() == null || options.orgId().equals(event.orgId());
    }

    /**
     * Whether a System Log entry concerns the case asked for (any, without {@code --case}): one of its
     * {@code SupportCase} targets, its case or one an org-wide grant covers (older entries of such a grant also
     * listed them in {@code case_number}, comma-separated; their targets name them too).
     */
    private boolean concernsTheCase(JsonNode body) {
        if (options.caseNumber() == null) {
            return true;
        }
        return supportCases(body).contains(options.caseNumber());
    }

    /** The cases an entry names as its {@code SupportCase} targets, in their order. */
    private static List<String> supportCases(JsonNode body) {
        List<String> cases = new ArrayList<>();
        for (JsonNode target : body.path("target")) {
            if (LogEventMapper.SUPPORT_CASE.equals(target.path("type").asText())) {
                cases.add(target.path("id").asText());
            }
        }
        return cases;
    }

    /**
     * The topics' partitions. Every service creates its topics when it starts: a topic missing is not the system's
     * broker, or a topic whose history was deleted, and an audit of nothing would read as healthy.
     */
    List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, List<String> topics) throws IOException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IOException("topic " + topic + " does not exist on " + options.bootstrapServers()
                        + ": not the system's broker, or the topic was deleted");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        return partitions;
    }

    KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        // asking for a topic's partitions must not create it on a broker that lacks it
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "casetrail-audit-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(config);
    }

    /** The ids of the System Log topics' events that came after {@code snapshot}, the ends the replay read to. */
    private Set<String> later(Map<TopicPartition, Long> snapshot) {
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = snapshot.keySet().stream()
                    .filter(p -> SYSTEM_LOG_TOPICS.contains(p.topic())).toList();
            consumer.assign(partitions);
            partitions.forEach(p -> consumer.seek(p, snapshot.get(p)));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!done(consumer, partitions, end)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    CloudEvent event = cloudEvent(record);
                    if (event != null) {
                        ids.add(event.id());
                    }
                }
            }
        }
        return ids;
    }

    private Map<TopicPartition, Long> start(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> begin = new HashMap<>(consumer.beginningOffsets(partitions));
        if (options.from() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, options.from().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = found.get(p);
                begin.put(p, at == null ? end.get(p) : at.offset());
            }
        }
        begin.forEach(consumer::seek);
        return begin;
    }

    private static boolean done(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
                                Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.get(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The CloudEvent of a record (binary mode), or null when it is not one: read as the consumers read it
     * ({@link CloudEvent#fromHeaders}), so a record they pass over is unreadable here too.
     */
    static CloudEvent cloudEvent(ConsumerRecord<String, byte[]> record) {
        try {
            return CloudEvent.fromHeaders(name -> header(record, name), record.value(), record.topic());
        } catch (CloudEvent.NotACloudEvent e) {
            return null;
        }
    }

    /** The last header of a name, null when absent or without a value (as the consumers take it). */
    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
