package io.casetrail.platform.axon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Axon's Jackson serializer, remembering the class each stored type name resolved to. Axon's own looks the name up
 * through the class loader for every event, its metadata and every token it reads ({@code Class.forName}, a good
 * part of reading an event). A name that resolves to no class is not remembered: Axon answers it as it always does.
 */
final class TypeCachingSerializer extends JacksonSerializer {

    @SuppressWarnings("rawtypes")
    private final Map<SerializedType, Class> classes = new ConcurrentHashMap<>();

    private TypeCachingSerializer(JacksonSerializer.Builder builder) {
        super(builder);
    }

    /**
     * A serializer with {@code mapper}, finding classes with {@code classLoader}, as Axon's builder would make it
     * with those two (its other options are not used here: the builder's {@code build()} applies them, and it can
     * only make Axon's own class).
     */
    static TypeCachingSerializer of(ObjectMapper mapper, ClassLoader classLoader) {
        mapper.setTypeFactory(mapper.getTypeFactory().withClassLoader(classLoader));
        return new TypeCachingSerializer(JacksonSerializer.builder().objectMapper(mapper));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        Class known = classes.get(type);
        if (known != null) {
            return known;
        }
        Class resolved = super.classForType(type);
        if (resolved != UnknownSerializedType.class) {
            classes.put(type, resolved);
        }
        return resolved;
    }
}
