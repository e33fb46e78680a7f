package io.hpsearch.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.cli.Main;
import org.junit.jupiter.api.Test;

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
        assertEquals(4, timed.substring(timed.indexOf('[') + 1, timed.indexOf(']')).split(",").length, timed);
        assertEquals(1, json.get("warm_up").asInt());
        assertEquals(2, json.get("epochs").asInt());
        // 550 steps an epoch: a step's median, times 550, is within the epochs' range
        double step = json.get("step_us_median").asDouble(), p90 = json.get("step_us_p90").asDouble();
        assertTrue(step > 0 && p90 >= step, step + " " + p90);
        assertEquals(json.get("sec_per_epoch").asDouble(), step * 550 / 1e6, 0.5 * json.get("sec_per_epoch").asDouble());
        assertEquals("fashion", json.get("shape").asText());
        assertEquals(2, json.get("trials").asInt());
        assertEquals(1, json.get("threads").asInt());
        double sec = json.get("sec_per_epoch").asDouble();
        assertTrue(sec > 0 && sec < 60, "seconds per epoch " + sec);
        // 9.6 GFLOP an epoch of the Fashion shape, two trials at once.
        assertEquals(2 * 9.6e9 / sec / 1e9, json.get("gflops").asDouble(), 0.05 * json.get("gflops").asDouble());
    }

    @Test
    void refusesAnUnknownShapeNamingTheOption() {
        String[] r = run("bench", "--shape", "imagenet");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--shape"), r[2]);
    }
}
