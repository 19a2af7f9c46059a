package io.nginxalerts.job.rules;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of {@link RoutedEvent}: one opaque type serialized by {@link
 * RoutedEventSerializer}. Not a key type: groups are keyed by {@link RoutedEvent#key}.
 */
public final class RoutedEventTypeInfo extends TypeInformation<RoutedEvent> {
    private static final long serialVersionUID = 1L;

    public static final RoutedEventTypeInfo INSTANCE = new RoutedEventTypeInfo();

    /** What the {@code @TypeInfo} annotation on {@link RoutedEvent} names. */
    public static final class Factory extends TypeInfoFactory<RoutedEvent> {
        @Override
        public TypeInformation<RoutedEvent> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<RoutedEvent> getTypeClass() {
        return RoutedEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<RoutedEvent> createSerializer(SerializerConfig config) {
        return RoutedEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "RoutedEvent";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RoutedEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return RoutedEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof RoutedEventTypeInfo;
    }
}
