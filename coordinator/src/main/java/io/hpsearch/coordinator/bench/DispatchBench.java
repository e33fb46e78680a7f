package io.hpsearch.coordinator.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.SimulatedWorker;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.HistogramSummary;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Coordinator throughput: N simulated workers pull trials that train nothing from a real
 * coordinator, one trial at a time each (ask → lease → result → ask …), until a one-phase campaign
 * of {@code trials} trials is done. The workers run in the coordinator's ActorSystem, or
 * ({@code remote}) in a second ActorSystem joined over Artery TCP on 127.0.0.1, so every message
 * goes through the serializers and the network stack.
 *
 * <p>Figures: dispatches per second (trials / time from the first request to the last result),
 * the dispatch latency seen by the workers (request sent → lease received) and the coordinator's
 * own dispatch-latency histogram. {@code main} prints them as one JSON line:
 * <pre>DispatchBench [--workers 50] [--trials 20000] [--warmup 5000] [--remote] [--state-dir D]</pre>
 * The coordinator's histogram covers the warm-up campaign too (it counts since the node started).
 * With {@code --state-dir} the coordinator journals to a fresh journal there, as in production
 * (every result forced to disk before it is acknowledged); without it, it keeps state in memory.
 */
public final class DispatchBench {
    private DispatchBench() {
    }

    /**
     * @param warmupTrials trials of a first campaign run (by other workers) before measuring, for the JIT
     * @param stateDir     where the coordinator journals (must hold no journal yet), or null for memory only
     */
    public record Options(int workers, int trials, int warmupTrials, boolean remote, Duration timeout, Path stateDir) {
        public Options {
            if (workers < 1) throw new IllegalArgumentException("workers must be ≥ 1");
            if (trials < 1) throw new IllegalArgumentException("trials must be ≥ 1");
            if (warmupTrials < 0) throw new IllegalArgumentException("warmup trials must be ≥ 0");
        }

        public static Options defaults() {
            return new Options(50, 20_000, 5_000, false, Duration.ofMinutes(5), null);
        }
    }

    /** Percentiles in milliseconds. */
    public record Latency(long count, double p50, double p90, double p99, double max) {
        static Latency of(Histogram h) {
            return new Latency(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }

        static Latency of(HistogramSummary s) {
            return new Latency(s.getCount(), s.getP50Ms(), s.getP90Ms(), s.getP99Ms(), s.getMaxMs());
        }

        String json() {
            return String.format(Locale.ROOT, "{\"count\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
                    count, p50, p90, p99, max);
        }
    }

    public record Result(int workers, int trials, boolean remote, boolean journal, double seconds,
                         double dispatchesPerSecond, Latency workerLatency, Latency coordinatorLatency) {
        /** One line of JSON; latencies in milliseconds. */
        public String json() {
            return String.format(Locale.ROOT,
                    "{\"bench\":\"dispatch\",\"workers\":%d,\"trials\":%d,\"remote\":%b,\"journal\":%b,\"seconds\":%.3f,"
                            + "\"dispatches_per_second\":%.1f,\"dispatch_latency_ms\":%s,\"coordinator_dispatch_latency_ms\":%s}",
                    workers, trials, remote, journal, seconds, dispatchesPerSecond, workerLatency.json(), coordinatorLatency.json());
        }
    }

    /** A campaign of {@code trials} trials in one phase; nothing in it is ever trained. */
    public static CampaignSpec campaign(String name, int trials) {
        return CampaignSpec.newBuilder().setName(name).setSeed(1)
                .setData(DataSpec.getDefaultInstance())
                .setNetwork(NetworkSpec.getDefaultInstance())
                .setTraining(TrainingSpec.newBuilder().setBatchSize(1).setEpochs(1).setThreads(1))
                .setSearch(SearchSpace.newBuilder().addDimensions(Dimension.newBuilder()
                        .setParameter(Parameter.PARAMETER_LAMBDA).setScale(Scale.SCALE_LOG_UNIFORM)
                        .setMin(1e-5).setMax(1e-1).setName("lambda")))
                .addPhases(PhaseSpec.newBuilder().setName("only").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(trials))
                .setTopK(1).setMaxAttempts(1)
                .build();
    }

    public static Result run(Options options) throws Exception {
        Coordinator.Settings settings = Coordinator.Settings.defaults().withPark(Duration.ofSeconds(1));
        var config = CoordinatorNode.config("127.0.0.1", 0, List.of());
        try (CoordinatorNode node = options.stateDir() == null ? CoordinatorNode.start(config, settings)
                : CoordinatorNode.start(config, settings, options.stateDir(), false, "bench")) {
            ActorSystem<Void> workerSystem = options.remote()
                    ? ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
                    ClusterConfig.node(ClusterConfig.ROLE_WORKER, "127.0.0.1", 0, List.of(node.address())))
                    : node.system();
            try {
                CoordinatorClient client = CoordinatorClient.using(workerSystem, options.timeout());
                ActorRef<ToCoordinator> coordinator = client.coordinator().toCompletableFuture()
                        .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (options.warmupTrials() > 0) {
                    List<ActorRef<ToWorker>> warm = round(workerSystem, client, coordinator, "warmup", options.workers(),
                            options.warmupTrials(), new Recorder(3), options.timeout());
                    // their last requests are parked; once those have expired (Idle), the measured
                    // campaign cannot be leased to them
                    Thread.sleep(settings.park().toMillis() + 2 * settings.tick().toMillis() + 200);
                    warm.forEach(w -> w.tell(SimulatedWorker.Stop.INSTANCE));
                }
                Recorder latency = new Recorder(3);
                int trials = options.trials();
                long start = System.nanoTime();
                round(workerSystem, client, coordinator, "bench", options.workers(), trials, latency, options.timeout());
                double seconds = (System.nanoTime() - start) / 1e9;
                StatusAnswer status = client.status("bench").toCompletableFuture()
                        .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                HistogramSummary coordinatorLatency = status.getStatsList().stream()
                        .filter(s -> s.getName().equals("dispatch_latency")).findFirst().orElseThrow();
                return new Result(options.workers(), trials, options.remote(), options.stateDir() != null, seconds,
                        trials / seconds,
                        Latency.of(latency.getIntervalHistogram()), Latency.of(coordinatorLatency));
            } finally {
                if (options.remote()) {
                    workerSystem.terminate();
                    workerSystem.getWhenTerminated().toCompletableFuture().join();
                }
            }
        }
    }

    /** Runs one campaign with fresh workers to its end; returns the workers. */
    private static List<ActorRef<ToWorker>> round(ActorSystem<?> workerSystem, CoordinatorClient client,
                                                  ActorRef<ToCoordinator> coordinator, String name, int workers,
                                                  int trials, Recorder latency, Duration timeout) throws Exception {
        CampaignAck ack = client.submit(campaign(name, trials)).toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ack.getAccepted()) throw new IllegalStateException("bench campaign refused: " + ack.getError());
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        List<ActorRef<ToWorker>> refs = new java.util.ArrayList<>();
        for (int i = 0; i < workers; i++) {
            WorkerInfo info = WorkerInfo.newBuilder().setWorkerId(name + "-" + i).setSlots(1).build();
            refs.add(workerSystem.systemActorOf(SimulatedWorker.behavior(info, coordinator, latency, false, m -> m, done,
                    trials, finished), name + "-worker-" + i, Props.empty()));
        }
        if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("only " + done.get() + " of " + trials + " trials of " + name
                    + " done in " + timeout);
        }
        return refs;
    }

    public static void main(String[] args) throws Exception {
        Options d = Options.defaults();
        int workers = d.workers(), trials = d.trials(), warmup = d.warmupTrials();
        boolean remote = false;
        Path stateDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--remote" -> remote = true;
                case "--state-dir" -> stateDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: DispatchBench [--workers N] [--trials N] [--warmup N] [--remote] [--state-dir D])");
            }
        }
        if (stateDir != null && java.nio.file.Files.exists(stateDir.resolve(io.hpsearch.coordinator.journal.Journal.FILE_NAME))) {
            throw new IllegalArgumentException("--state-dir " + stateDir + " already holds a journal; give an empty folder");
        }
        System.out.println(run(new Options(workers, trials, warmup, remote, d.timeout(), stateDir)).json());
    }
}
