package io.casetrail.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

/**
 * The published language's v1, as consumers were given it ({@code event-contract-v1.json}): every type's properties
 * as the events' mapper writes them, with their types, the records they hold, and every enumerated field's values.
 * Within a version only optional fields may be added (ARCHITECTURE.md, docs/events.md "Versioning"): a field
 * removed, renamed or retyped, a new field of a primitive type (never absent), a value added to or taken from an
 * enumeration, or a type gone fails here. A breaking change is a new vN type. Run with {@code -Devents.contract.write=true} to write the file after an
 * addition that is allowed (it records what v1 holds from then on).
 */
class EventContractTest {

    private static final Path CONTRACT = Path.of("src/test/resources/event-contract-v1.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the contract file holds: types by name, the records and enums they use by class name. */
    record Contract(Map<String, Map<String, String>> types, Map<String, Map<String, String>> records,
                    Map<String, List<String>> enums) {
    }

    /** The wire as the published language's mapper writes it: property names and types, as consumers read them. */
    private static final ObjectMapper EVENTS = EventJson.newMapper();

    static Contract current() {
        Contract contract = new Contract(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        EventCatalog.all().stream().sorted(Comparator.comparing(EventCatalog::typeOf)).forEach(type ->
                contract.types().put(EventCatalog.typeOf(type), fields(EVENTS.constructType(type), contract)));
        return contract;
    }

    /** The properties the mapper writes for a type (a renamed or ignored one, an added getter, all show). */
    private static Map<String, String> fields(JavaType type, Contract contract) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        BeanDescription description = EVENTS.getSerializationConfig().introspect(type);
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (!property.couldSerialize()) {
                continue;
            }
            JavaType propertyType = property.getPrimaryType();
            fields.put(property.getName(), propertyType.toCanonical());
            collect(propertyType, contract);
        }
        return fields;
    }

    /** The records and enums of the published language a property's type holds, at any depth. */
    private static void collect(JavaType type, Contract contract) {
        if (type.isContainerType()) {
            if (type.getKeyType() != null) {
                collect(type.getKeyType(), contract);
            }
            collect(type.getContentType(), contract);
            return;
        }
        Class<?> c = type.getRawClass();
        if (!c.getPackageName().startsWith("io.casetrail.events")) {
            return;
        }
        if (c.isEnum()) {
            contract.enums().putIfAbsent(c.getName(), Arrays.stream(c.getEnumConstants())
                    .map(constant -> ((Enum<?>) constant).name()).toList());
        } else if (!contract.records().containsKey(c.getName())) {
            contract.records().put(c.getName(), Map.of()); // before its fields: a record may hold itself
            contract.records().put(c.getName(), fields(type, contract));
        }
    }

    @Test
    void v1ChangesOnlyByOptionalFields() throws IOException {
        Contract now = current();
        if (Boolean.getBoolean("events.contract.write")) {
            JSON.writeValue(CONTRACT.toFile(), now);
        }
        Contract v1 = JSON.readValue(CONTRACT.toFile(), new TypeReference<>() { });
        List<String> broken = new ArrayList<>();
        compare("type", v1.types(), now.types(), broken);
        compare("record", v1.records(), now.records(), broken);
        v1.enums().forEach((name, values) -> {
            if (!values.equals(now.enums().get(name))) {
                broken.add("enum " + name + ": " + values + " became " + now.enums().get(name));
            }
        });
        assertThat(broken).as("changes v1 does not allow (a breaking change is a new vN type)").isEmpty();
    }

    private static void compare(String kind, Map<String, Map<String, String>> v1,
                                Map<String, Map<String, String>> now, List<String> broken) {
        v1.forEach((name, fields) -> {
            Map<String, String> current = now.get(name);
            if (current == null) {
                broken.add(kind + " " + name + " is gone");
                return;
            }
            fields.forEach((field, type) -> {
                if (!type.equals(current.get(field))) {
                    broken.add(kind + " " + name + "." + field + ": " + type + " became " + current.get(field));
                }
            });
            current.forEach((field, type) -> {
                if (!fields.containsKey(field) && PRIMITIVES.contains(type)) {
                    broken.add(kind + " " + name + "." + field + " is new and of a primitive type (" + type
                            + "): the events written before it would read as if it were 0 or false");
                }
            });
        });
    }

    private static final List<String> PRIMITIVES = List.of("boolean", "byte", "short", "int", "long", "float",
            "double", "char");
}
