package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.HdrHistogram.Recorder;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A worker that trains nothing: it asks for a trial, answers each lease at once with a completed
 * result (optionally after one epoch's progress) and asks again. It drives a real coordinator
 * actor without a cluster: the dispatch benchmark's workers and the coordinator's warm-up.
 */
public final class SimulatedWorker {
    /** Local-only command that stops the worker (not a wire message). */
    public enum Stop implements ToWorker {
        INSTANCE
    }

    private SimulatedWorker() {
    }

    /**
     * @param info     what the worker reports of itself (id, slots, data fingerprints)
     * @param latency  records request sent → lease received, in µs; null for none
     * @param progress whether each trial reports one epoch's progress before its result
     * @param wire     applied to every message before it is sent or handled (e.g. a serialization round trip)
     * @param done     counts the results sent; {@code finished} opens when it reaches {@code total}
     */
    public static Behavior<ToWorker> behavior(WorkerInfo info, ActorRef<ToCoordinator> coordinator, Recorder latency,
                                              boolean progress, UnaryOperator<Object> wire, AtomicInteger done, int total,
                                              CountDownLatch finished) {
        return Behaviors.setup(ctx -> {
            WorkRequest request = WorkRequest.newBuilder().setWorker(info).setFreeSlots(1).build();
            long[] sent = {System.nanoTime()};
            coordinator.tell((ToCoordinator) wire.apply(new ToCoordinator.RequestWork(request, ctx.getSelf())));
            return Behaviors.receive(ToWorker.class)
                    .onMessage(ToWorker.Lease.class, received -> {
                        if (latency != null) latency.recordValue(Math.max(0, System.nanoTime() - sent[0]) / 1_000);
                        ToWorker.Lease m = (ToWorker.Lease) wire.apply(received);
                        var trial = m.lease().getTrial();
                        double acc = 0.5 + (trial.getId().getIndex() % 41) / 100.0;
                        Evaluation validation = Evaluation.newBuilder().setAccuracy(acc).setLoss(1 - acc).build();
                        EpochMetrics epoch = EpochMetrics.newBuilder().setEpoch(1).setValidation(validation).build();
                        if (progress) {
                            coordinator.tell((ToCoordinator) wire.apply(new ToCoordinator.Progress(TrialProgress.newBuilder()
                                    .setId(trial.getId()).setLeaseId(m.lease().getLeaseId()).setWorkerId(info.getWorkerId())
                                    .setEpoch(epoch).build())));
                        }
                        TrialResult r = TrialResult.newBuilder().setId(trial.getId())
                                .setStatus(TrialStatus.TRIAL_STATUS_COMPLETED).setWorkerId(info.getWorkerId())
                                .setLeaseId(m.lease().getLeaseId()).setValidation(validation).addCurves(epoch)
                                .addAllParams(trial.getParamsList()).build();
                        coordinator.tell((ToCoordinator) wire.apply(new ToCoordinator.Result(r, ctx.getSelf())));
                        if (done.incrementAndGet() == total) finished.countDown();
                        sent[0] = System.nanoTime();
                        coordinator.tell((ToCoordinator) wire.apply(new ToCoordinator.RequestWork(request, ctx.getSelf())));
                        return Behaviors.same();
                    })
                    .onMessage(ToWorker.Idle.class, m -> Behaviors.same()) // campaign done: stay quiet
                    .onMessage(ToWorker.Ack.class, m -> {
                        wire.apply(m);
                        return Behaviors.same();
                    })
                    .onMessage(ToWorker.Cancel.class, m -> Behaviors.same())
                    .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                    .build();
        });
    }
}
