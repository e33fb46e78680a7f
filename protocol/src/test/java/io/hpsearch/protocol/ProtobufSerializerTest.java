package io.hpsearch.protocol;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufSerializerTest {
    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        // The class path holds akka-remote (test scope), whose reference.conf binds
        // GeneratedMessageV3 to Akka's own protobuf serializer: ours must still be picked.
        system = ActorSystem.create(Behaviors.empty(), "protocol-test", ConfigFactory.load());
        serialization = SerializationExtension.get(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void everyMessageOfEveryFileIsRegistered() {
        TreeSet<String> declared = new TreeSet<>();
        for (FileDescriptor file : ProtocolMessages.FILES) {
            assertEquals("hpsearch.v1", file.getPackage(), file.getName());
            for (Descriptor d : file.getMessageTypes()) declared.add(d.getFullName());
        }
        assertEquals(declared, new TreeSet<>(ProtocolMessages.all().keySet()));
        // the messages the cluster needs are all there
        for (String name : List.of("CampaignSpec", "SearchSpace", "PhaseSpec", "TrainingSpec", "TrialSpec",
                "TrialProgress", "TrialResult", "WorkerInfo", "WorkRequest", "WorkLease", "NoWork",
                "SubmitCampaign", "CampaignAck", "StatusQuery", "StatusAnswer", "TopKQuery", "TopKAnswer",
                "CancelCampaign", "CancelTrial")) {
            assertTrue(declared.contains("hpsearch.v1." + name), name);
        }
    }

    @Test
    void configTurnsJavaSerializationOffAndBindsEveryMessageToUs() throws Exception {
        assertFalse(system.settings().config().getBoolean("akka.actor.allow-java-serialization"));
        for (Map.Entry<String, Message> e : ProtocolMessages.all().entrySet()) {
            Serializer s = serialization.findSerializerFor(e.getValue());
            assertInstanceOf(ProtobufSerializer.class, s, e.getKey() + " is bound to " + s.getClass().getName());
            assertEquals(ProtobufSerializer.IDENTIFIER, s.identifier());
        }
        // Java serialization refuses a plain Serializable object
        record Plain(int x) implements Serializable { }
        assertThrows(Exception.class, () -> serialization.serialize(new Plain(3)).get());
    }

    @Test
    void everyMessageTypeRoundTripsThroughAkkaSerialization() {
        int checked = 0;
        for (Message defaults : ProtocolMessages.all().values()) {
            for (int salt : new int[] {1, 2}) {
                Message m = PopulatedMessages.populated(defaults, salt);
                assertEveryFieldSet(m);
                Message back = roundTrip(m);
                assertEquals(m, back, m.getDescriptorForType().getFullName());
                assertArrayEquals(m.toByteArray(), back.toByteArray());
                checked++;
            }
            // the empty message too
            assertEquals(defaults, roundTrip(defaults));
        }
        assertEquals(2 * ProtocolMessages.all().size(), checked);
    }

    @Test
    void manifestIsTheFullProtobufName() {
        TrialResult r = TrialResult.newBuilder()
                .setId(TrialId.newBuilder().setCampaign("c").setPhase("coarse").setIndex(4))
                .setStatus(TrialStatus.TRIAL_STATUS_DIVERGED)
                .setValidation(Evaluation.newBuilder().setAccuracy(Double.NaN).setLoss(Double.POSITIVE_INFINITY))
                .build();
        ProtobufSerializer s = new ProtobufSerializer();
        assertEquals("hpsearch.v1.TrialResult", s.manifest(r));
        assertEquals("hpsearch.v1.TrialResult", Serializers.manifestFor(serialization.findSerializerFor(r), r));
        TrialResult back = (TrialResult) roundTrip(r);
        assertTrue(Double.isNaN(back.getValidation().getAccuracy()));
        assertEquals(Double.POSITIVE_INFINITY, back.getValidation().getLoss());
        assertEquals(4, back.getId().getIndex());
    }

    @Test
    void unknownManifestIsNotSerializable() {
        byte[] bytes = TrialId.newBuilder().setCampaign("c").build().toByteArray();
        NotSerializableException e = assertThrows(NotSerializableException.class,
                () -> new ProtobufSerializer().fromBinary(bytes, "hpsearch.v1.NoSuchMessage"));
        assertTrue(e.getMessage().contains("hpsearch.v1.NoSuchMessage"), e.getMessage());
        // through Akka as well
        Exception viaAkka = assertThrows(Exception.class,
                () -> serialization.deserialize(bytes, ProtobufSerializer.IDENTIFIER, "hpsearch.v1.Nope").get());
        assertInstanceOf(NotSerializableException.class, viaAkka);
    }

    @Test
    void garbageBytesAreNotSerializable() {
        ProtobufSerializer s = new ProtobufSerializer();
        List<byte[]> garbage = new ArrayList<>();
        garbage.add(new byte[] {0x0A, (byte) 0xFF});                // field 1, length is a truncated varint
        garbage.add(new byte[] {0x0A, 0x05, 'a', 'b'});            // length 5, two bytes follow
        garbage.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // overlong varint tag
        garbage.add(new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28});   // string field 1 with invalid UTF-8
        byte[] valid = PopulatedMessages.populated(TrialResult.getDefaultInstance(), 3).toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        garbage.add(truncated);
        for (byte[] g : garbage) {
            NotSerializableException e = assertThrows(NotSerializableException.class,
                    () -> s.fromBinary(g, "hpsearch.v1.TrialResult"));
            assertTrue(e.getMessage().contains("cannot decode hpsearch.v1.TrialResult"), e.getMessage());
        }
    }

    @Test
    void refusesObjectsThatAreNotProtocolMessages() {
        ProtobufSerializer s = new ProtobufSerializer();
        assertThrows(IllegalArgumentException.class, () -> s.toBinary("a string"));
        // a protobuf message that is not ours
        assertThrows(IllegalArgumentException.class, () -> s.toBinary(com.google.protobuf.Int32Value.of(3)));
        assertNotEquals(0, s.identifier());
    }

    private static Message roundTrip(Message m) {
        byte[] bytes = serialization.serialize(m).get();
        Serializer s = serialization.findSerializerFor(m);
        String manifest = Serializers.manifestFor(s, m);
        return (Message) serialization.deserialize(bytes, s.identifier(), manifest).get();
    }

    private static void assertEveryFieldSet(Message m) {
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            if (f.getContainingOneof() != null) continue;
            boolean set = f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
            assertTrue(set, m.getDescriptorForType().getFullName() + "." + f.getName() + " not populated");
        }
    }
}
