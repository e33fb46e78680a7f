package io.hpsearch.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * Builds a message with every field set to a value derived from {@code salt} (non-default, so a
 * field that got lost or swapped on the way shows up as a difference), recursing into message
 * fields up to a depth. Repeated fields get two elements. In a oneof, the last field set wins.
 */
final class PopulatedMessages {
    private PopulatedMessages() {
    }

    static Message populated(Message defaultInstance, int salt) {
        return fill(defaultInstance.newBuilderForType(), salt, 0).build();
    }

    private static Message.Builder fill(Message.Builder b, int salt, int depth) {
        int n = 0;
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            n++;
            int s = salt * 31 + n;
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= 4) continue;
            if (f.isRepeated()) {
                b.addRepeatedField(f, value(b, f, s, depth));
                b.addRepeatedField(f, value(b, f, s + 7, depth));
            } else {
                b.setField(f, value(b, f, s, depth));
            }
        }
        return b;
    }

    private static Object value(Message.Builder parent, FieldDescriptor f, int s, int depth) {
        return switch (f.getJavaType()) {
            case INT -> s;
            case LONG -> 10_000_000_000L + s;
            case DOUBLE -> s + 0.125;
            case FLOAT -> s + 0.5f;
            case BOOLEAN -> true;
            case STRING -> f.getName() + "-" + s;
            case BYTE_STRING -> ByteString.copyFromUtf8("b" + s);
            case ENUM -> {
                EnumDescriptor e = f.getEnumType();
                // a real value, never *_UNSPECIFIED (0)
                yield e.getValues().get(1 + Math.floorMod(s, e.getValues().size() - 1));
            }
            case MESSAGE -> fill(parent.newBuilderForField(f), s, depth + 1).build();
        };
    }
}
