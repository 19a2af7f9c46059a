package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;

/**
 * The type of a {@code Detector}'s per-key state in Flink state: any object, serialized with Kryo,
 * on purpose. Detector states are plain Java owned by core (fields, arrays, {@code java.util}
 * collections, {@link AccessEvent}s), one class per rule kind, so a Flink type per kind would
 * couple core to Flink. {@link AccessEvent}s inside them use {@link AccessEventKryoSerializer}
 * (Kryo cannot rebuild the immutable map an event may hold).
 *
 * <p>This type asks for Kryo itself rather than through {@code GenericTypeInfo}, so a job with
 * {@code pipeline.generic-types: false} (the tests run so, to catch accidental Kryo fallbacks
 * elsewhere) still accepts it.
 */
public final class DetectorStateType extends TypeInformation<Object> {
    private static final long serialVersionUID = 1L;

    public static final DetectorStateType INSTANCE = new DetectorStateType();

    private DetectorStateType() {}

    @Override
    public TypeSerializer<Object> createSerializer(SerializerConfig config) {
        // The config the job gives is a SerializerConfigImpl; a copy keeps the job's own untouched.
        SerializerConfigImpl own =
                config instanceof SerializerConfigImpl impl
                        ? impl.copy()
                        : new SerializerConfigImpl();
        own.addDefaultKryoSerializer(AccessEvent.class, AccessEventKryoSerializer.class);
        return new KryoSerializer<>(Object.class, own);
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
    public Class<Object> getTypeClass() {
        return Object.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public String toString() {
        return "DetectorState(Kryo)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof DetectorStateType;
    }

    @Override
    public int hashCode() {
        return DetectorStateType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof DetectorStateType;
    }
}
