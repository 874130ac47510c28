package io.casetrail.platform.axon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Axon's Jackson serializer, remembering the class each stored type name resolved to. Axon's own resolves the name
 * with {@code Class.forName} for every event, its metadata and every token it reads: the JVM finds a class it loaded
 * before without asking the class loader again, but the call and the name's lookup still took a twentieth of a
 * rebuild's reading thread. A name that resolves to no class is not remembered: Axon answers it as it always does.
 */
final class TypeCachingSerializer extends JacksonSerializer {

    @SuppressWarnings("rawtypes")
    private final Map<SerializedType, Class> classes = new ConcurrentHashMap<>();
    private final AtomicInteger resolved = new AtomicInteger();

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
        resolved.incrementAndGet();
        Class found = super.classForType(type);
        if (found != UnknownSerializedType.class) {
            classes.put(type, found);
        }
        return found;
    }

    /** How many names were resolved by Axon's serializer rather than remembered. */
    int resolved() {
        return resolved.get();
    }
}
