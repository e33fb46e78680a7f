package io.hpsearch.nn.kernels.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.hpsearch.nn.kernels.BatchNorm;
import io.hpsearch.nn.kernels.Elementwise;

/**
 * The per-step element-wise work of one hidden layer (batch 100 × 50 units: BN forward with ReLU,
 * BN backward through the ReLU, the bias gradient's column sums) and of the output (100 × 10 softmax cross-entropy with gradient),
 * in microseconds per call, to set against the GEMMs of the same step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Thread)
public class ElementwiseBenchmark {
    private static final int M = 100;
    private static final int N = 50;
    private static final int CLASSES = 10;

    private final float[] z = new float[M * N];
    private final float[] zhat = new float[M * N];
    private final float[] out = new float[M * N];
    private final float[] g = new float[M * N];
    private final float[] dz = new float[M * N];
    private final float[] gamma = new float[N];
    private final float[] beta = new float[N];
    private final float[] mean = new float[N];
    private final float[] var = new float[N];
    private final float[] inv = new float[N];
    private final float[] dgamma = new float[N];
    private final float[] dbeta = new float[N];
    private final float[] bias = new float[N];
    private final float[] logits = new float[M * CLASSES];
    private final float[] dlogits = new float[M * CLASSES];
    private final int[] labels = new int[M];

    @Setup
    public void setUp() {
        Random rnd = new Random(3);
        for (int i = 0; i < z.length; i++) {
            z[i] = rnd.nextFloat() * 4 - 2;
            g[i] = rnd.nextFloat() - 0.5f;
        }
        for (int j = 0; j < N; j++) {
            gamma[j] = 1f + rnd.nextFloat() * 0.1f;
            beta[j] = rnd.nextFloat() * 0.1f;
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] = rnd.nextFloat() * 6 - 3;
        }
        for (int i = 0; i < M; i++) {
            labels[i] = rnd.nextInt(CLASSES);
        }
    }

    @Benchmark
    public float[] bnReluForward() {
        BatchNorm.forwardTrain(M, N, z, 0, N, 1e-5f, gamma, 0, beta, 0, mean, var, inv, zhat, 0, N, out, 0, N, true);
        return out;
    }

    @Benchmark
    public float[] bnReluBackward() {
        BatchNorm.backward(M, N, g, 0, N, out, 0, N, zhat, 0, N, gamma, 0, inv, dgamma, 0, dbeta, 0, dz, 0, N);
        return dz;
    }

    @Benchmark
    public float[] columnSums() {
        Elementwise.columnSums(M, 0, N, g, 0, N, bias, 0);
        return bias;
    }

    @Benchmark
    public double softmaxCrossEntropy() {
        return Elementwise.softmaxCrossEntropy(0, M, CLASSES, logits, 0, CLASSES, labels, 0, dlogits, 0, CLASSES, 1f / M);
    }
}
