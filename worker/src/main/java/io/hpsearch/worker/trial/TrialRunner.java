package io.hpsearch.worker.trial;

import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.fast.FastTrainer;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.protocol.v1.ConfusionMatrix;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one trial on the calling thread and reports it as protobuf: a {@link TrialProgress} after
 * every epoch, a {@link TrialResult} at the end. Every way a trial can end is a result, never an
 * exception:
 * <ul>
 *   <li>COMPLETED — trained to the end;</li>
 *   <li>DIVERGED — the cost became NaN or infinite (the curves hold the epochs before that);</li>
 *   <li>CANCELLED — the thread was interrupted (the curves hold the epochs done);</li>
 *   <li>FAILED — the spec cannot be run or training threw; {@code error} says why (a bug's stack
 *       trace also goes to the log).</li>
 * </ul>
 * Thread-safe: it holds only configuration, so one runner serves every slot of a worker.
 */
public final class TrialRunner {
    private static final Logger log = LoggerFactory.getLogger(TrialRunner.class);

    private final String workerId;
    private final int threads;
    private final LongSupplier nanoClock;

    /**
     * @param workerId  written into every progress message and result
     * @param threads   threads of each trial's pool; {@code ≤ 0} uses the spec's {@code threads}
     * @param nanoClock wall clock of the reported seconds (a parameter so tests can pin it)
     */
    public TrialRunner(String workerId, int threads, LongSupplier nanoClock) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.threads = threads;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public TrialRunner(String workerId, int threads) {
        this(workerId, threads, System::nanoTime);
    }

    public String workerId() {
        return workerId;
    }

    /**
     * Trains the trial on {@code data}.
     *
     * @param leaseId  copied into the progress messages and the result ("" outside a cluster)
     * @param progress receives each epoch's progress, on this thread; an exception it throws fails
     *                 the trial
     */
    public TrialResult run(TrialSpec spec, DataSplit data, String leaseId, Consumer<TrialProgress> progress) {
        Objects.requireNonNull(progress, "progress");
        List<EpochMetrics> curves = new ArrayList<>();
        long start = nanoClock.getAsLong();
        try {
            DataSet train = data.train();
            NetworkConfig network = TrialSpecs.network(spec.getNetwork(), train.dim(), classes(data));
            TrainingConfig config = TrialSpecs.training(spec.getTraining(), threads);
            int trainSize = config.trainSubset() > 0 ? Math.min(config.trainSubset(), train.size()) : train.size();
            long total = config.totalUpdates(trainSize);
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onEpoch(io.hpsearch.nn.train.EpochMetrics m) {
                    EpochMetrics epoch = epoch(m);
                    curves.add(epoch);
                    progress.accept(TrialProgress.newBuilder().setId(spec.getId()).setLeaseId(leaseId)
                            .setWorkerId(workerId).setEpoch(epoch).setUpdatesDone(m.updates())
                            .setUpdatesTotal(total).build());
                }
            };
            // The float32 vector core: checked against the double-precision reference in common-nn's tests.
            TrainingResult r = new FastTrainer(nanoClock).train(network, data, config, listener);
            TrialResult.Builder b = base(spec, leaseId)
                    .setStatus(r.status() == io.hpsearch.nn.train.TrainingStatus.COMPLETED
                            ? TrialStatus.TRIAL_STATUS_COMPLETED : TrialStatus.TRIAL_STATUS_DIVERGED)
                    .setTrain(evaluation(r.train()))
                    .setValidation(evaluation(r.validation()))
                    .setTest(evaluation(r.test()))
                    .setEpochs(r.epochs())
                    .setUpdates(r.updates())
                    .setSeconds(r.seconds());
            r.curves().forEach(m -> b.addCurves(epoch(m)));
            if (r.testConfusion() != null) b.setTestConfusion(confusion(r.testConfusion()));
            return b.build();
        } catch (CancellationException e) {
            return partial(spec, leaseId, curves, start).setStatus(TrialStatus.TRIAL_STATUS_CANCELLED)
                    .setError(e.getMessage() == null ? "cancelled" : e.getMessage()).build();
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // A spec the worker cannot run is the sender's mistake; anything else is a bug, whose
            // stack trace must not be lost.
            if (!(e instanceof IllegalArgumentException)) log.error("trial {} failed", describe(spec), e);
            return partial(spec, leaseId, curves, start).setStatus(TrialStatus.TRIAL_STATUS_FAILED)
                    .setError(message(e)).build();
        }
    }

    /** A FAILED result for a trial that never started (e.g. its data could not be had). */
    public TrialResult failed(TrialSpec spec, String leaseId, String error) {
        return base(spec, leaseId).setStatus(TrialStatus.TRIAL_STATUS_FAILED).setError(error).build();
    }

    /** A CANCELLED result for a trial that never started. */
    public TrialResult cancelled(TrialSpec spec, String leaseId, String reason) {
        return base(spec, leaseId).setStatus(TrialStatus.TRIAL_STATUS_CANCELLED).setError(reason).build();
    }

    /** "campaign/phase#index", for logs. */
    public static String describe(TrialSpec spec) {
        return spec.getId().getCampaign() + "/" + spec.getId().getPhase() + "#" + spec.getId().getIndex();
    }

    /** The error text of a FAILED result: the message of a user error, the class too for anything else. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof IllegalArgumentException && m != null) return m;
        return m == null ? e.getClass().getName() : e.getClass().getName() + ": " + m;
    }

    private TrialResult.Builder base(TrialSpec spec, String leaseId) {
        return TrialResult.newBuilder().setId(spec.getId()).setWorkerId(workerId).setLeaseId(leaseId)
                .addAllParams(spec.getParamsList());
    }

    private TrialResult.Builder partial(TrialSpec spec, String leaseId, List<EpochMetrics> curves, long start) {
        TrialResult.Builder b = base(spec, leaseId).addAllCurves(curves)
                .setSeconds((nanoClock.getAsLong() - start) / 1e9);
        if (!curves.isEmpty()) {
            EpochMetrics last = curves.get(curves.size() - 1);
            b.setEpochs(last.getEpoch()).setUpdates(last.getUpdates());
        }
        return b;
    }

    private static int classes(DataSplit data) {
        return Math.max(data.train().classes(), Math.max(data.validation().classes(), data.test().classes()));
    }

    static Evaluation evaluation(io.hpsearch.nn.metrics.Evaluation e) {
        return Evaluation.newBuilder().setCost(e.cost()).setLoss(e.loss()).setAccuracy(e.accuracy()).build();
    }

    static EpochMetrics epoch(io.hpsearch.nn.train.EpochMetrics m) {
        return EpochMetrics.newBuilder().setEpoch(m.epoch()).setUpdates(m.updates()).setLearningRate(m.learningRate())
                .setTrain(evaluation(m.train())).setValidation(evaluation(m.validation())).setSeconds(m.seconds())
                .build();
    }

    static ConfusionMatrix confusion(io.hpsearch.nn.metrics.ConfusionMatrix c) {
        ConfusionMatrix.Builder b = ConfusionMatrix.newBuilder().setClasses(c.classes());
        for (int[] row : c.counts()) for (int n : row) b.addCounts(n);
        return b.build();
    }
}
