package io.casetrail.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;

import io.casetrail.events.EventJson;
import io.casetrail.events.cases.CaseOpened;

/** Stored type names resolve to the classes Axon's serializer resolves, each known one resolved once. */
class TypeCachingSerializerTest {

    /** Records the names it is asked to load: the serializer finds classes through the loader it was given. */
    static final class CountingLoader extends ClassLoader {

        final List<String> asked = new ArrayList<>();

        CountingLoader() {
            super(TypeCachingSerializerTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void eachKnownNameIsResolvedOnce() {
        CountingLoader loader = new CountingLoader();
        TypeCachingSerializer serializer = TypeCachingSerializer.of(EventJson.newMapper(), loader);
        JacksonSerializer axons = JacksonSerializer.builder().objectMapper(EventJson.newMapper())
                .classLoader(getClass().getClassLoader()).build();
        SimpleSerializedType opened = new SimpleSerializedType(CaseOpened.class.getName(), null);
        SimpleSerializedType metaData = new SimpleSerializedType(MetaData.class.getName(), null);
        SimpleSerializedType unknown = new SimpleSerializedType("io.casetrail.events.cases.NoSuchEvent", null);
        for (int i = 0; i < 3; i++) {
            assertThat(serializer.classForType(opened)).isEqualTo(axons.classForType(opened))
                    .isEqualTo(CaseOpened.class);
            assertThat(serializer.classForType(metaData)).isEqualTo(axons.classForType(metaData))
                    .isEqualTo(MetaData.class);
            assertThat(serializer.classForType(unknown)).isEqualTo(axons.classForType(unknown))
                    .isEqualTo(UnknownSerializedType.class);
        }
        // the two known names once each, the unknown one each time (Axon answers it as it always does)
        assertThat(serializer.resolved()).isEqualTo(2 + 3);
        assertThat(loader.asked).contains(CaseOpened.class.getName(), MetaData.class.getName());
    }

    @Test
    void eventInstantsAreReadByTheFastReaderThroughAxon() throws Exception {
        // Axon's serializer registers the JSR-310 module again; the mapper ignores the second registration, so the
        // event mapper's reader of instants stays the one asked
        TypeCachingSerializer serializer = TypeCachingSerializer.of(EventJson.newMapper(),
                getClass().getClassLoader());
        ObjectMapper mapper = serializer.getObjectMapper();
        DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createInstance(mapper.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(mapper.constructType(Instant.class)).getClass().getName())
                .isEqualTo("io.casetrail.events.UtcInstants$Deserializer");
    }
}
