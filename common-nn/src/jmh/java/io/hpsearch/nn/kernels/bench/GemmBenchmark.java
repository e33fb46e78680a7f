package io.hpsearch.nn.kernels.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.hpsearch.nn.kernels.Gemm;

/**
 * The three GEMM variants on the MLP's shapes, against EJML's {@code CommonOps_FDRM} on the same
 * float operands. The secondary metric {@code flop} is in floating-point operations per second
 * (2·m·n·k per product): divide by 10⁹ for GFLOP/s. Our timing includes packing B each call, as a
 * training step would.
 *
 * <p>Shapes: {@code variant:m:n:k}. NN is the forward {@code X·W}; NT is {@code dX = dH·Wᵀ} (n = the
 * layer's input width); TN is {@code dW = Xᵀ·dH} (k = the batch).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Thread)
public class GemmBenchmark {

    @Param({
        "NN:100:50:784", "NN:100:50:3072", "NN:100:50:50", "NN:100:10:50", "NN:1000:50:784",
        "NT:100:784:50", "NT:100:50:50",
        "TN:784:50:100", "TN:3072:50:100", "TN:50:50:100",
    })
    public String shape;

    /**
     * Floats added to the leading dimension of A (TN only): rows of a 3072-wide X are 12 KiB
     * apart, so the rows a TN tile broadcasts from fall into one L1 set unless padded.
     */
    @Param({"0"})
    public int pad;

    private String variant;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;
    private float[] scratch;
    private float[] packed;
    private FMatrixRMaj ea;
    private FMatrixRMaj eb;
    private FMatrixRMaj ec;

    /** Counts floating-point operations; JMH reports it as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public long flop;

        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    @Setup
    public void setUp() {
        String[] p = shape.split(":");
        variant = p[0];
        m = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        k = Integer.parseInt(p[3]);
        Random rnd = new Random(7);
        // Stored shapes: NN A m×k, B k×n; NT A m×k, B n×k; TN A k×m, B k×n.
        int aRows = variant.equals("TN") ? k : m;
        int aCols = variant.equals("TN") ? m : k;
        int bRows = variant.equals("NT") ? n : k;
        int bCols = variant.equals("NT") ? k : n;
        ea = random(rnd, aRows, aCols);
        eb = random(rnd, bRows, bCols);
        ec = new FMatrixRMaj(m, n);
        a = ea.data;
        if (variant.equals("TN") && pad > 0) { // the same A with padded rows (EJML takes it unpadded)
            a = new float[k * (m + pad)];
            for (int p0 = 0; p0 < k; p0++) System.arraycopy(ea.data, p0 * m, a, p0 * (m + pad), m);
        }
        b = eb.data;
        c = new float[m * n];
        scratch = new float[Gemm.packedSize(k, n)];
        packed = new float[Gemm.packedSize(k, n)];
        if (variant.equals("NT")) {
            Gemm.packBt(k, n, b, 0, k, packed);
        } else {
            Gemm.packB(k, n, b, 0, n, packed);
        }
    }

    private static FMatrixRMaj random(Random rnd, int rows, int cols) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }

    @Benchmark
    public float[] kernel(Flops f) {
        switch (variant) {
            case "NN" -> Gemm.mulNN(m, n, k, a, 0, k, b, 0, n, c, 0, n, false, scratch);
            case "NT" -> Gemm.mulNT(m, n, k, a, 0, k, b, 0, k, c, 0, n, false, scratch);
            default -> Gemm.mulTN(m, n, k, a, 0, m + pad, b, 0, n, c, 0, n, false, scratch);
        }
        f.flop += 2L * m * n * k;
        return c;
    }

    /**
     * The product alone, B packed once in advance: what a training step's forward pass pays, its
     * weights packed by the update before it.
     */
    @Benchmark
    public float[] prepacked(Flops f) {
        switch (variant) {
            case "NN", "NT" -> Gemm.mulPacked(0, m, n, k, a, 0, k, packed, c, 0, n, false);
            default -> Gemm.mulPackedTransA(0, m, n, k, a, 0, m + pad, packed, c, 0, n, false);
        }
        f.flop += 2L * m * n * k;
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml(Flops f) {
        switch (variant) {
            case "NN" -> CommonOps_FDRM.mult(ea, eb, ec);
            case "NT" -> CommonOps_FDRM.multTransB(ea, eb, ec);
            default -> CommonOps_FDRM.multTransA(ea, eb, ec);
        }
        f.flop += 2L * m * n * k;
        return ec;
    }
}
