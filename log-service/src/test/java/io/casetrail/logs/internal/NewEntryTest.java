package io.casetrail.logs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** What an entry keeps of what came off Kafka: text PostgreSQL takes, whoever wrote it. */
class NewEntryTest {

    @Test
    void nulInAnyTextIsKeptAsTheReplacementCharacter() {
        InternalLog.NewEntry entry = new InternalLog.NewEntry("id\u0000", Instant.EPOCH, "REQUEST", "org\u0000",
                "0001\u0000", "req\u0000", "type\u0000", "INFO", "/casetrail/x\u0000", "tse\u0000",
                "GET /cases/\u0000 400 (1 ms)", "{\"path\":\"/cases/\u0000\"}");
        assertThat(Stream.of(entry.entryId(), entry.orgId(), entry.caseNumber(), entry.requestId(), entry.type(),
                entry.source(), entry.actor(), entry.message(), entry.attributes()))
                .noneMatch(text -> text.contains("\u0000"));
        assertThat(entry.message()).isEqualTo("GET /cases/\uFFFD 400 (1 ms)");
        assertThat(entry.orgId()).isEqualTo("org\uFFFD");
        assertThat(entry.entryId()).isEqualTo("id\uFFFD");
    }

    /**
     * Half an emoji (a long path's message cut inside it, or an escape in an event's JSON) is kept as U+FFFD; whole
     * ones stay. PostgreSQL's driver would store the half as '?', and the hash taken over the text as it arrived
     * would fail verification from that entry on.
     */
    @Test
    void aLoneHalfOfASurrogatePairIsKeptAsTheReplacementCharacter() {
        String emoji = "\uD83D\uDE00";
        InternalLog.NewEntry entry = new InternalLog.NewEntry("id", Instant.EPOCH, "REQUEST", "org", null, "req",
                "type", "INFO", "/casetrail/x", "tse", "GET /cases/" + emoji + "x\uD83D", "{\"p\":\"\uDE00" + emoji + "\"}");
        assertThat(entry.message()).isEqualTo("GET /cases/" + emoji + "x\uFFFD");
        assertThat(entry.attributes()).isEqualTo("{\"p\":\"\uFFFD" + emoji + "\"}");
        assertThat(new String(entry.message().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(entry.message()); // what a driver stores
    }
}
