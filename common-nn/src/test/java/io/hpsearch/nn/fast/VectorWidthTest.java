package io.hpsearch.nn.fast;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.kernels.Gemm;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trial is a pure function of its spec wherever it runs, so a cluster may mix machines of
 * different vector widths (AVX-512, AVX2, SSE) and a re-dispatched trial is still the same trial.
 * The same training is run here in this JVM (16 float lanes with AVX-512) and in JVMs held to 8 and 4
 * lanes ({@code -XX:MaxVectorSize}), and every bit of the trained network and its evaluations must
 * agree.
 */
class VectorWidthTest {

    @Test
    void aTrainingGivesTheSameBitsForEveryVectorWidth() throws Exception {
        List<String> outputs = new ArrayList<>();
        outputs.add(Gemm.V + " " + fingerprint());
        for (String flag : List.of("-XX:MaxVectorSize=32", "-XX:MaxVectorSize=16")) outputs.add(runChild(flag));
        TreeSet<String> widths = new TreeSet<>();
        for (String o : outputs) widths.add(o.split(" ")[0]);
        // Wherever AVX2 runs, at least two widths differ (8 lanes and 4); otherwise the test would prove nothing.
        assertTrue(widths.size() >= 2, "vector widths seen: " + outputs);
        for (String o : outputs) {
            assertEquals(outputs.get(0).split(" ")[1], o.split(" ")[1], "lanes and fingerprint: " + outputs);
        }
    }

    private static String runChild(String flag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), flag,
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                VectorWidthTest.class.getName())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM with " + flag + " hung");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), flag + ": " + text);
        // the last line; the JVM may warn about the incubator module before it
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** Prints this JVM's vector lanes and the training's fingerprint (run by the test in a child JVM). */
    public static void main(String[] args) throws Exception {
        System.out.println(Gemm.V + " " + fingerprint());
    }

    /**
     * SHA-256 of a short training's every parameter, test-time variance, curve and final
     * evaluation. Widths are ragged for every vector length (an image of 3×5×7 = 105 features,
     * layers of 50 and 13, 4 classes, batches of 33); two threads, flips, Adam and precise BN
     * statistics, so every kernel of a step and of the test passes takes part.
     */
    static String fingerprint() throws NoSuchAlgorithmException {
        DataSet images = TestDataSets.blobs(700, 105, 4, 3.0, 12, new ImageShape(3, 5, 7));
        DataSplit split = new DataSplit(images.slice(0, 500), images.slice(500, 600), images.slice(600, 700));
        NetworkConfig net = NetworkConfig.of(105, new int[] {50, 13}, 4, BatchNormMode.BEFORE_RELU);
        TrainingConfig cfg = new TrainingConfig(0.003, 33, 2, new ScheduleConfig.Constant(0.01), OptimizerConfig.ADAM,
                BnStatistics.PRECISE, 300, true, 0, 41, 2);
        FastTrainer.TrainedFastModel model = new FastTrainer().trainModel(net, split, cfg, TrainingListener.NONE);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer bits = ByteBuffer.allocate(8);
        for (float f : model.network().parameters()) sha.update(bits.clear().putInt(Float.floatToRawIntBits(f)).array(), 0, 4);
        for (int l = 0; l < 2; l++) {
            for (double d : model.network().testMean(l)) sha.update(bits.clear().putLong(Double.doubleToRawLongBits(d)).array());
            for (double d : model.network().testVariance(l)) sha.update(bits.clear().putLong(Double.doubleToRawLongBits(d)).array());
        }
        TrainingResult r = model.result();
        List<String> evaluations = new ArrayList<>();
        for (EpochMetrics m : r.curves()) evaluations.add(m.train() + " " + m.validation());
        evaluations.add(r.train() + " " + r.validation() + " " + r.test());
        for (int[] row : r.testConfusion().counts()) for (int c : row) evaluations.add(Integer.toString(c));
        sha.update(String.join("\n", evaluations).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }
}
