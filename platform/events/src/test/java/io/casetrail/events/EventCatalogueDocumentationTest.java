package io.casetrail.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docs/events.md is the contract other teams read: it must list every published type, and each example must be
 * exactly what the payload class reads and writes.
 */
class EventCatalogueDocumentationTest {

    private static final Pattern SECTION = Pattern.compile("### `([^`]+)`.*?```json\\n(.*?)\\n```", Pattern.DOTALL);
    private static final ObjectMapper JSON = EventJson.newMapper();

    private static Map<String, String> documentedExamples() throws IOException {
        String doc = Files.readString(Path.of("../../docs/events.md"));
        Map<String, String> examples = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(doc);
        while (m.find()) {
            examples.put(m.group(1), m.group(2));
        }
        return examples;
    }

    @Test
    void everyPublishedTypeIsDocumentedWithAnExample() throws IOException {
        Set<String> types = new HashSet<>();
        EventCatalog.all().forEach(c -> types.add(EventCatalog.typeOf(c)));
        assertThat(documentedExamples().keySet()).containsExactlyInAnyOrderElementsOf(types);
    }

    @Test
    void everyExampleIsExactlyWhatItsPayloadClassReadsAndWrites() throws IOException {
        for (Map.Entry<String, String> example : documentedExamples().entrySet()) {
            Class<? extends DomainEvent> payload = EventCatalog.payloadClass(example.getKey()).orElseThrow();
            JsonNode documented = JSON.readTree(example.getValue());
            JsonNode roundTrip = JSON.valueToTree(JSON.treeToValue(documented, payload));
            assertThat(fieldNames(roundTrip)).as(example.getKey()).isEqualTo(fieldNames(documented));
            assertThat(JSON.writeValueAsString(roundTrip)).as(example.getKey())
                    .isEqualTo(JSON.writeValueAsString(documented));
        }
    }

    @Test
    void typesFollowTheNamingScheme() {
        for (Class<? extends DomainEvent> payload : EventCatalog.all()) {
            assertThat(EventCatalog.typeOf(payload)).matches("io\\.casetrail\\.[a-z]+\\.[a-z-]+\\.v[0-9]+");
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
