package io.hpsearch.coordinator;

import akka.actor.ExtendedActorSystem;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.serialization.SerializerWithStringManifest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.wire.WireSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes the coordinator's serializer cannot decode, sent over Artery TCP by another node of the
 * cluster: the message is logged and dropped, and the coordinator, and the connection, carry on.
 * The sending node's wire serializer is wrapped so that it also writes {@link Garbage} — bytes
 * under the wire serializer's id and a manifest of its choosing — as a buggy or hostile peer would.
 */
class UndecodableMessageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private CoordinatorNode coordinator;
    private ActorTestKit peer;
    private CoordinatorClient client;

    private static final java.util.concurrent.atomic.AtomicInteger WRITTEN = new java.util.concurrent.atomic.AtomicInteger();

    /** Sent as its bytes under the wire serializer's id and this manifest. */
    public record Garbage(String manifest, byte[] bytes) {
    }

    /** The wire serializer, plus {@link Garbage} written as is. */
    public static final class GarbageWritingWireSerializer extends SerializerWithStringManifest {
        private final WireSerializer real;

        public GarbageWritingWireSerializer(ExtendedActorSystem system) {
            this.real = new WireSerializer(system);
        }

        @Override
        public int identifier() {
            return WireSerializer.IDENTIFIER;
        }

        @Override
        public String manifest(Object o) {
            return o instanceof Garbage g ? g.manifest() : real.manifest(o);
        }

        @Override
        public byte[] toBinary(Object o) {
            if (o instanceof Garbage) WRITTEN.incrementAndGet();
            return o instanceof Garbage g ? g.bytes() : real.toBinary(o);
        }

        @Override
        public Object fromBinary(byte[] bytes, String manifest) throws java.io.NotSerializableException {
            return real.fromBinary(bytes, manifest);
        }
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (peer != null) peer.shutdownTestKit();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void theCoordinatorDropsWhatItCannotDecodeAndKeepsAnswering() throws Exception {
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", 0, List.of()), Coordinator.Settings.defaults());
        Config peerConfig = ConfigFactory.parseString(String.join("\n",
                "akka.actor.serializers.hpsearch-wire = \"" + GarbageWritingWireSerializer.class.getName() + "\"",
                "akka.actor.serialization-bindings { \"" + Garbage.class.getName() + "\" = hpsearch-wire }"))
                .withFallback(ClusterConfig.node(ClusterConfig.ROLE_CLIENT, "127.0.0.1", 0, List.of(coordinator.address())));
        peer = ActorTestKit.create(ClusterConfig.SYSTEM_NAME, peerConfig);
        client = CoordinatorClient.using(peer.system(), TIMEOUT);
        // a first answer: the peer is in the cluster and has found the coordinator
        assertEquals("", client.status("").toCompletableFuture().get(30, TimeUnit.SECONDS).getError());

        // the coordinator as the peer sees it: a remote ref, so what is sent to it crosses the wire
        String path = ActorRefResolver.get(coordinator.system()).toSerializationFormat(coordinator.coordinator());
        ActorRef<Object> raw = unchecked(ActorRefResolver.get(peer.system()).resolveActorRef(path));
        Garbage[] garbage = {
                new Garbage("hpsearch.wire.RequestWork", new byte[] {0x0A, (byte) 0xFF}),  // truncated envelope
                new Garbage("hpsearch.wire.NoSuchRecord", new byte[] {1, 2, 3}),            // unknown manifest
                new Garbage("hpsearch.wire.Submit", new byte[0]),                           // no payload, no reply-to
        };
        for (Garbage g : garbage) raw.tell(g);
        awaitWritten(garbage.length);

        // still there, on the same connection: a submission is refused on its merits, a status answered
        CampaignAck ack = client.submit(io.hpsearch.protocol.v1.CampaignSpec.newBuilder().setName("x").build())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertFalse(ack.getAccepted());
        assertTrue(ack.getError().contains("no phases"), ack.getError());
        assertEquals("", client.status("").toCompletableFuture().get(30, TimeUnit.SECONDS).getError());
    }

    private static void awaitWritten(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (WRITTEN.get() < n && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(n, WRITTEN.get(), "garbage messages serialized for the wire");
    }

    @SuppressWarnings("unchecked")
    private static ActorRef<Object> unchecked(ActorRef<?> ref) {
        return (ActorRef<Object>) ref;
    }
}
