package io.hpsearch.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void printsOneJsonLineLastWithTheMedianAndTheRate() throws Exception {
        String[] r = run("bench", "--shape", "fashion", "--epochs", "2", "--trials", "2", "--warm-up", "1");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        // each trial trains 1 + 2 epochs; only the last 2 of each are timed
        String timed = lines.get(lines.size() - 2);
        assertTrue(timed.startsWith("epochs (s): ["), timed);
        double[] epochs = java.util.Arrays.stream(timed.substring(timed.indexOf('[') + 1, timed.indexOf(']')).split(","))
                .mapToDouble(e -> Double.parseDouble(e.trim())).sorted().toArray();
        assertEquals(4, epochs.length, timed);
        // the median of an even count is the mean of the middle two
        assertEquals((epochs[1] + epochs[2]) / 2, json.get("sec_per_epoch").asDouble(), 0.00006, timed);
        assertEquals(1, json.get("warm_up").asInt());
        assertEquals(2, json.get("epochs").asInt());
        // 550 steps an epoch, and an epoch is the sum of its steps: the median step times 550 is not
        // much more than the median epoch, and not a small part of it. (The test's JVM runs without
        // the launcher's JIT settings, so a timed epoch may still hold compilation stalls: one took
        // 2.2 times its median step's share.)
        double step = json.get("step_us_median").asDouble(), p90 = json.get("step_us_p90").asDouble();
        assertTrue(step > 0 && p90 >= step, step + " " + p90);
        double stepsOfAnEpoch = step * 550 / 1e6, epoch = json.get("sec_per_epoch").asDouble();
        assertTrue(stepsOfAnEpoch <= 1.5 * epoch && stepsOfAnEpoch >= 0.25 * epoch,
                "median step " + step + " µs against a median epoch of " + epoch + " s");
        assertEquals("fashion", json.get("shape").asText());
        assertEquals(2, json.get("trials").asInt());
        assertEquals(1, json.get("threads").asInt());
        double sec = json.get("sec_per_epoch").asDouble();
        assertTrue(sec > 0 && sec < 60, "seconds per epoch " + sec);
        // 9.6 GFLOP an epoch of the Fashion shape, two trials at once.
        assertEquals(2 * 9.6e9 / sec / 1e9, json.get("gflops").asDouble(), 0.05 * json.get("gflops").asDouble());
    }

    @Test
    void phasesPrintsEachThreadsWorkAndWaitPerPhaseBeforeTheJsonLine() throws Exception {
        String[] r = run("bench", "--shape", "fashion", "--epochs", "1", "--threads", "2", "--warm-up", "1", "--phases");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        new ObjectMapper().readTree(lines.get(lines.size() - 1));
        int head = lines.indexOf(lines.stream().filter(l -> l.startsWith("phases of a training step")).findFirst().orElseThrow());
        // the timed epoch's 550 steps, each one run of the team, and none of the evaluations
        assertTrue(lines.get(head).contains("over 550 steps, and the median step's work), 2 thread(s)"), lines.get(head));
        assertTrue(lines.get(head + 1).matches("phase\\s+m0 work\\s+p50\\s+wait\\s+m1 work\\s+p50\\s+wait"), lines.get(head + 1));
        assertTrue(lines.get(head + 2).startsWith("start"), lines.get(head + 2));
        // a step of the [50, 50] BN network: 8 phases, then the sums
        for (int p = 1; p <= 8; p++) {
            String[] f = lines.get(head + 2 + p).trim().split("\\s+");
            assertEquals(String.valueOf(p), f[0], lines.get(head + 2 + p));
            for (int i = 1; i <= 6; i++) assertTrue(Double.parseDouble(f[i]) >= 0, lines.get(head + 2 + p));
            // every phase is some work (0.1 µs or more) on each thread in the median step
            assertTrue(Double.parseDouble(f[2]) >= 0.1 && Double.parseDouble(f[5]) >= 0.1, lines.get(head + 2 + p));
        }
        assertTrue(lines.get(head + 11).trim().startsWith("all"), lines.get(head + 11));
    }

    @Test
    void phasesRefusesWhatItCannotTime() {
        String[] r = run("bench", "--trials", "2", "--phases");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--trials"), r[2]);
        r = run("bench", "--engine", "reference", "--phases");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--engine"), r[2]);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // started, they would run for hours
    void refusesThousandsOfThreadsOrTrialsBeforeStartingThem() {
        // a typo's thousands of threads would each be started, and wait for a core at every step
        for (String option : new String[] {"--threads", "--trials"}) {
            String[] r = run("bench", option, "2000");
            assertEquals("2", r[0], r[2]);
            assertTrue(r[2].contains(option + " must be in 1..1024, got 2000"), r[2]);
        }
    }

    @Test
    void refusesAnUnknownShapeNamingTheOption() {
        String[] r = run("bench", "--shape", "imagenet");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--shape"), r[2]);
    }
}
