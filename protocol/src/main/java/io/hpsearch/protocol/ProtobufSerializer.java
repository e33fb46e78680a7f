package io.hpsearch.protocol;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import java.io.NotSerializableException;
import java.util.Base64;

/**
 * Akka serializer for the {@code hpsearch.v1} protobuf messages.
 *
 * <p>Payload: the message's protobuf binary encoding. Manifest: the message's full protobuf name
 * (e.g. {@code hpsearch.v1.TrialResult}), which selects the parser; it does not depend on Java
 * class names, so generated code can move without breaking the wire format. Unknown fields are
 * kept (a newer sender's additions do not make a message unreadable).
 *
 * <p>A payload that cannot be decoded (unknown manifest, malformed bytes) raises
 * {@link NotSerializableException} with the manifest and the cause; Akka's remoting logs it and
 * drops the message.
 */
public final class ProtobufSerializer extends SerializerWithStringManifest {
    /** Stable serializer id, written into every remote envelope. Never change it. */
    public static final int IDENTIFIER = 428_470_001;

    public ProtobufSerializer() {
    }

    /** Constructor Akka uses. */
    public ProtobufSerializer(ExtendedActorSystem system) {
        this();
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return checked(o).getDescriptorForType().getFullName();
    }

    @Override
    public byte[] toBinary(Object o) {
        return checked(o).toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Parser<? extends Message> parser = ProtocolMessages.parser(manifest);
        if (parser == null) {
            throw new NotSerializableException("unknown hpsearch protocol message '" + manifest + "' ("
                    + bytes.length + " bytes); known: " + ProtocolMessages.all().keySet());
        }
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            NotSerializableException ex = new NotSerializableException("cannot decode " + manifest + " from "
                    + bytes.length + " bytes (" + preview(bytes) + "): " + e.getMessage());
            ex.initCause(e);
            throw ex;
        }
    }

    private static Message checked(Object o) {
        if (o instanceof Message m && ProtocolMessages.isRegistered(m)) {
            return m;
        }
        throw new IllegalArgumentException("ProtobufSerializer handles hpsearch.v1 messages only, not "
                + (o == null ? "null" : o.getClass().getName()));
    }

    private static String preview(byte[] bytes) {
        int n = Math.min(bytes.length, 16);
        byte[] head = new byte[n];
        System.arraycopy(bytes, 0, head, 0, n);
        return "base64 " + Base64.getEncoder().encodeToString(head) + (bytes.length > n ? "…" : "");
    }
}
