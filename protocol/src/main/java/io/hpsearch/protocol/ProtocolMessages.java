package io.hpsearch.protocol;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.hpsearch.protocol.v1.ActorProto;
import io.hpsearch.protocol.v1.CampaignProto;
import io.hpsearch.protocol.v1.ClusterProto;
import io.hpsearch.protocol.v1.TrainingProto;
import io.hpsearch.protocol.v1.TrialProto;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registry of the protocol's messages: every top-level message of the {@code hpsearch.v1} files,
 * by full name ({@code hpsearch.v1.TrialSpec}), with its parser. Built from the file descriptors,
 * so a message added to one of the files is registered without further code; a new
 * {@code .proto} file must be added to {@link #FILES}.
 */
public final class ProtocolMessages {
    /** The protocol's files, in dependency order. */
    public static final List<FileDescriptor> FILES = List.of(
            TrainingProto.getDescriptor(),
            CampaignProto.getDescriptor(),
            TrialProto.getDescriptor(),
            ClusterProto.getDescriptor(),
            ActorProto.getDescriptor());

    private static final Map<String, Message> DEFAULTS = build();

    private ProtocolMessages() {
    }

    private static Map<String, Message> build() {
        Map<String, Message> byName = new LinkedHashMap<>();
        for (FileDescriptor file : FILES) {
            String javaPackage = file.getOptions().getJavaPackage();
            if (!file.getOptions().getJavaMultipleFiles()) {
                throw new IllegalStateException(file.getName() + " must set java_multiple_files");
            }
            for (Descriptor d : file.getMessageTypes()) {
                String className = javaPackage + "." + d.getName();
                try {
                    Class<?> cls = Class.forName(className, true, ProtocolMessages.class.getClassLoader());
                    Message instance = (Message) cls.getMethod("getDefaultInstance").invoke(null);
                    byName.put(d.getFullName(), instance);
                } catch (ReflectiveOperationException | ClassCastException e) {
                    throw new IllegalStateException("no generated class " + className + " for " + d.getFullName(), e);
                }
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    /** Default instance of every registered message, by full name, in file order. */
    public static Map<String, Message> all() {
        return DEFAULTS;
    }

    /** The parser of the message with this full name, or {@code null} if there is none. */
    public static Parser<? extends Message> parser(String fullName) {
        Message m = DEFAULTS.get(fullName);
        return m == null ? null : m.getParserForType();
    }

    /** Whether {@code message} is one of the protocol's top-level messages. */
    public static boolean isRegistered(Message message) {
        Message known = DEFAULTS.get(message.getDescriptorForType().getFullName());
        return known != null && known.getClass() == message.getClass();
    }
}
