package io.hpsearch.protocol.wire;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.protocol.v1.ActorEnvelope;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelCampaign;
import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerHeartbeat;
import io.hpsearch.protocol.v1.WorkerRefused;
import io.hpsearch.protocol.v1.WorkerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire records through Akka's serialization and between two ActorSystems over Artery TCP. */
class WireSerializerTest {
    private static final Config REMOTE = ConfigFactory.parseString("""
            akka.actor.provider = remote
            akka.remote.artery.canonical.hostname = 127.0.0.1
            akka.remote.artery.canonical.port = 0
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            """).withFallback(ConfigFactory.load());

    private static ActorTestKit a;
    private static ActorTestKit b;

    @BeforeAll
    static void start() {
        a = ActorTestKit.create("wire-a", REMOTE);
        b = ActorTestKit.create("wire-b", REMOTE);
    }

    @AfterAll
    static void stop() {
        a.shutdownTestKit();
        b.shutdownTestKit();
    }

    private static final WorkerInfo WORKER = WorkerInfo.newBuilder().setWorkerId("w-1").setHost("h").setSlots(2)
            .addDataFingerprints("ab12").build();
    private static final TrialId ID = TrialId.newBuilder().setCampaign("c").setPhase("coarse").setIndex(3).build();

    private static List<WireMessage> samples(ActorRef<ToWorker> worker, ActorRef<CampaignAck> ack,
                                             ActorRef<CancelAck> cancelAck, ActorRef<StatusAnswer> status,
                                             ActorRef<TopKAnswer> topK) {
        return List.of(
                new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(WORKER).setFreeSlots(2).build(), worker),
                new ToCoordinator.Progress(TrialProgress.newBuilder().setId(ID).setLeaseId("L-1").setUpdatesDone(5).build()),
                new ToCoordinator.Result(TrialResult.newBuilder().setId(ID).setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                        .setLeaseId("L-1").build(), worker),
                new ToCoordinator.Heartbeat(WorkerHeartbeat.newBuilder().setWorker(WORKER).addLeaseIds("L-1").build(), worker),
                new ToCoordinator.DataMissing(DataUnavailable.newBuilder().setWorker(WORKER).setCampaign("c")
                        .setError("no file").build(), worker),
                new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(CampaignSpec.newBuilder().setName("c")
                        .setSeed(7)).build(), ack),
                new ToCoordinator.Cancel(CancelCampaign.newBuilder().setCampaign("c").setReason("r").build(), cancelAck),
                new ToCoordinator.Status(StatusQuery.newBuilder().setCampaign("c").build(), status),
                new ToCoordinator.TopK(TopKQuery.newBuilder().setCampaign("c").setK(4).build(), topK),
                new ToWorker.Lease(WorkLease.newBuilder().setLeaseId("L-1").setAttempt(1).build()),
                new ToWorker.Idle(NoWork.newBuilder().setRetryAfterMillis(250).setReason("empty").build()),
                new ToWorker.Ack(TrialResultAck.newBuilder().setId(ID).setLeaseId("L-1").build()),
                new ToWorker.Cancel(CancelTrial.newBuilder().setId(ID).setLeaseId("L-1").setReason("x").build()),
                new ToWorker.Refused(WorkerRefused.newBuilder().setReason("other code").setCoordinatorVersion("1.0")
                        .setCoordinatorCodeFingerprint("ab12").build()));
    }

    @Test
    void everyRecordRoundTripsWithItsRef() throws Exception {
        Serialization serialization = SerializationExtension.get(a.system());
        TestProbe<ToWorker> worker = a.createTestProbe();
        TestProbe<CampaignAck> ack = a.createTestProbe();
        TestProbe<CancelAck> cancelAck = a.createTestProbe();
        TestProbe<StatusAnswer> status = a.createTestProbe();
        TestProbe<TopKAnswer> topK = a.createTestProbe();
        List<WireMessage> samples = samples(worker.ref(), ack.ref(), cancelAck.ref(), status.ref(), topK.ref());

        // every permitted record has a sample and a manifest, and manifests are distinct
        Set<Class<?>> permitted = new HashSet<>(Arrays.asList(WireMessage.class.getPermittedSubclasses()));
        assertEquals(permitted, new HashSet<>(samples.stream().map(Object::getClass).toList()));
        assertEquals(permitted, WireSerializer.manifests().keySet());
        assertEquals(permitted.size(), new HashSet<>(WireSerializer.manifests().values()).size());

        for (WireMessage m : samples) {
            Serializer s = serialization.findSerializerFor(m);
            assertInstanceOf(WireSerializer.class, s, m.getClass().getName());
            String manifest = Serializers.manifestFor(s, m);
            assertTrue(manifest.startsWith("hpsearch.wire."), manifest);
            byte[] bytes = serialization.serialize(m).get();
            // the bytes are an envelope holding the payload
            ActorEnvelope env = ActorEnvelope.parseFrom(bytes);
            assertEquals(m.payload().toByteString(), env.getPayload(), manifest);
            Object back = serialization.deserialize(bytes, s.identifier(), manifest).get();
            assertEquals(m, back, manifest);
        }
        // the ref survives: a reply through the deserialized ref reaches the probe
        ToCoordinator.RequestWork rw = (ToCoordinator.RequestWork) samples.get(0);
        byte[] bytes = serialization.serialize(rw).get();
        var back = (ToCoordinator.RequestWork) serialization.deserialize(bytes, WireSerializer.IDENTIFIER,
                "hpsearch.wire.RequestWork").get();
        back.replyTo().tell(new ToWorker.Idle(NoWork.newBuilder().setReason("via ref").build()));
        assertEquals("via ref", ((ToWorker.Idle) worker.receiveMessage()).noWork().getReason());
    }

    /** A coordinator stand-in: answers each wire request through the ref it carries. */
    private static Behavior<ToCoordinator> echo() {
        return Behaviors.receive(ToCoordinator.class)
                .onMessage(ToCoordinator.RequestWork.class, m -> {
                    m.replyTo().tell(new ToWorker.Lease(WorkLease.newBuilder()
                            .setLeaseId("lease-for-" + m.request().getWorker().getWorkerId()).setAttempt(1).build()));
                    return Behaviors.same();
                })
                .onMessage(ToCoordinator.Result.class, m -> {
                    m.replyTo().tell(new ToWorker.Ack(TrialResultAck.newBuilder().setId(m.result().getId())
                            .setLeaseId(m.result().getLeaseId()).build()));
                    return Behaviors.same();
                })
                .onMessage(ToCoordinator.Status.class, m -> {
                    m.replyTo().tell(StatusAnswer.newBuilder().setError("asked for " + m.query().getCampaign()).build());
                    return Behaviors.same();
                })
                .build();
    }

    @Test
    void refsAndRepliesCrossTheNetwork() {
        ActorRef<ToCoordinator> onB = b.spawn(echo(), "coordinator");
        // A finds B's actor by its serialized form, as it would after a Receptionist listing
        String path = ActorRefResolver.get(b.system()).toSerializationFormat(onB);
        assertTrue(path.startsWith("akka://wire-b@127.0.0.1:"), path);
        ActorRef<ToCoordinator> remote = ActorRefResolver.get(a.system()).resolveActorRef(path);
        assertNotEquals(a.system().address(), b.system().address());

        TestProbe<ToWorker> worker = a.createTestProbe();
        remote.tell(new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(WORKER).setFreeSlots(1).build(),
                worker.ref()));
        ToWorker.Lease lease = worker.expectMessageClass(ToWorker.Lease.class);
        assertEquals("lease-for-w-1", lease.lease().getLeaseId());

        remote.tell(new ToCoordinator.Result(TrialResult.newBuilder().setId(ID).setLeaseId("L-9").build(), worker.ref()));
        ToWorker.Ack ack = worker.expectMessageClass(ToWorker.Ack.class);
        assertEquals(ID, ack.ack().getId());
        assertEquals("L-9", ack.ack().getLeaseId());

        // a plain protobuf reply to an ask-style ref
        TestProbe<StatusAnswer> status = a.createTestProbe();
        remote.tell(new ToCoordinator.Status(StatusQuery.newBuilder().setCampaign("xyz").build(), status.ref()));
        assertEquals("asked for xyz", status.receiveMessage().getError());
    }

    /** An actor's internal command: implements ToCoordinator but is not a WireMessage. */
    record Internal(int x) implements ToCoordinator {
    }

    @Test
    void internalCommandsHaveNoSerializer() throws Exception {
        Serialization serialization = SerializationExtension.get(a.system());
        assertThrows(Exception.class, () -> serialization.serialize(new Internal(1)).get());
        WireSerializer s = (WireSerializer) serialization.serializerFor(ToWorker.Lease.class);
        assertThrows(IllegalArgumentException.class, () -> s.toBinary(new Internal(1)));
        assertThrows(IllegalArgumentException.class, () -> s.toBinary(WorkLease.getDefaultInstance()));
    }

    @Test
    void badBytesAreNotSerializable() throws Exception {
        WireSerializer s = (WireSerializer) SerializationExtension.get(a.system()).serializerFor(ToWorker.Lease.class);
        byte[] ok = ActorEnvelope.newBuilder().setPayload(WorkLease.newBuilder().setLeaseId("L").build().toByteString())
                .build().toByteArray();
        NotSerializableException unknown = assertThrows(NotSerializableException.class,
                () -> s.fromBinary(ok, "hpsearch.wire.Nope"));
        assertTrue(unknown.getMessage().contains("hpsearch.wire.Nope"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(new byte[] {0x0A, (byte) 0xFF}, "hpsearch.wire.WorkerLease"));
        // a payload that is not a valid message of the manifest's type
        byte[] badPayload = ActorEnvelope.newBuilder().setPayload(com.google.protobuf.ByteString.copyFrom(new byte[] {0x0A, 0x05}))
                .build().toByteArray();
        assertThrows(NotSerializableException.class, () -> s.fromBinary(badPayload, "hpsearch.wire.WorkerLease"));
        // a record that needs a reply-to without one
        assertThrows(NotSerializableException.class, () -> s.fromBinary(ok, "hpsearch.wire.RequestWork"));
    }
}
