package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.coordinator.state.WarmUp;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs the coordinator actor itself through a throw-away campaign before the node starts, after
 * {@link WarmUp} has run its state: an unlisted coordinator in a local actor system of its own, two
 * {@link SimulatedWorker}s pulling a two-phase campaign from it, every message they exchange
 * through the cluster's serializer and back, then status and top-k queries. The JIT's work is the
 * JVM's, so the real coordinator starts with that code linked and compiled. Without it the first
 * leases of the first campaign paid for it: the first trial took 2.5–5.7 ms to pick (its call
 * sites linked, its code run interpreted) and the second worker, parked behind it, waited 4–14 ms,
 * which alone made the dispatch latency's p99 (over 16 dispatches) miss 10 ms in some runs.
 */
final class ActorWarmUp {
    /** Trials of the warm-up campaign: enough for the coordinator's per-trial code to be compiled (C1). */
    static final int TRIALS = 600;
    private static final int WORKERS = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String FINGERPRINT = "warm-up";

    private ActorWarmUp() {
    }

    /** Runs the warm-up; returns the results the campaign's status counts at the end. */
    static int run() {
        Config config = ConfigFactory.parseString(String.join("\n",
                "akka.actor.provider = local",
                "akka.loglevel = OFF",
                "akka.stdout-loglevel = OFF",
                "akka.log-dead-letters = off",
                "akka.log-dead-letters-during-shutdown = off")).withFallback(ClusterConfig.base());
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hpsearch-warm-up", config);
        try {
            return campaign(system);
        } catch (Exception e) {
            throw new IllegalStateException("the coordinator's warm-up failed", e);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    private static int campaign(ActorSystem<Void> system) throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
        UnaryOperator<Object> wire = message -> roundTrip(serialization, message);
        ActorRef<ToCoordinator> coordinator = system.systemActorOf(Coordinator.unlisted(Coordinator.Settings.defaults()),
                "warm-up-coordinator", DispatcherSelector.blocking());

        // the workers ask first, so that the first trials go to parked requests, as when a campaign
        // is submitted to waiting workers
        int coarse = TRIALS * 3 / 4;
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        List<ActorRef<ToWorker>> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            WorkerInfo info = WorkerInfo.newBuilder().setWorkerId("warm-up-" + i).setSlots(1).addDataFingerprints(FINGERPRINT).build();
            workers.add(system.systemActorOf(SimulatedWorker.behavior(info, coordinator, null, true, wire, done, TRIALS, finished),
                    "warm-up-worker-" + i, Props.empty()));
        }
        CampaignSpec spec = WarmUp.campaign(coarse, TRIALS - coarse).toBuilder()
                .setData(DataSpec.newBuilder().setFingerprint(FINGERPRINT)).build();
        CampaignAck ack = ask(system, coordinator, replyTo -> (ToCoordinator) wire.apply(
                new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(spec).build(), replyTo)));
        if (!ack.getAccepted()) throw new IllegalStateException("warm-up campaign refused: " + ack.getError());
        if (!finished.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("only " + done.get() + " of " + TRIALS + " warm-up trials done in " + TIMEOUT);
        }
        workers.forEach(w -> w.tell(SimulatedWorker.Stop.INSTANCE));

        // what clients ask while a campaign runs, and at its end
        StatusAnswer status = null;
        for (int i = 0; i < 50; i++) {
            boolean withStats = i % 10 == 0, withoutCurves = i % 2 == 0;
            status = ask(system, coordinator, replyTo -> (ToCoordinator) wire.apply(new ToCoordinator.Status(
                    StatusQuery.newBuilder().setCampaign(spec.getName()).setWithoutStats(!withStats).build(), replyTo)));
            wire.apply(status);
            TopKAnswer top = ask(system, coordinator, replyTo -> (ToCoordinator) wire.apply(new ToCoordinator.TopK(
                    TopKQuery.newBuilder().setCampaign(spec.getName()).setK(10).setWithoutCurves(withoutCurves).build(), replyTo)));
            wire.apply(top);
        }
        return status.getCampaigns(0).getPhasesList().stream().mapToInt(p -> p.getCompleted()).sum();
    }

    private static <T> T ask(ActorSystem<Void> system, ActorRef<ToCoordinator> coordinator,
                             Function<ActorRef<T>, ToCoordinator> message) throws Exception {
        CompletionStage<T> answer = AskPattern.ask(coordinator, message::apply, TIMEOUT, system.scheduler());
        return answer.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The message as the other side of the wire gets it: through the serializer bound to it, and back. */
    private static Object roundTrip(Serialization serialization, Object message) {
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serializer.toBinary(message);
        return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
    }
}
