package io.hpsearch.nn.fast;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where some code allocates, for a failing allocation test's message: runs it under a flight
 * recording of allocation samples and names the top stacks (bytes are JFR's sample weights,
 * an estimate), each frame with how it ran
 * (Interpreted, JIT compiled, Inlined). The way a frame ran is the point: Vector API code boxes
 * its vectors unless C2 compiled and inlined it.
 */
final class AllocationSites {
    private AllocationSites() {
    }

    static String of(Runnable work, int top) {
        try {
            Path file = Files.createTempFile("allocation-sites", ".jfr");
            try (Recording recording = new Recording()) {
                recording.enable("jdk.ObjectAllocationSample").with("throttle", "1000000/s").withStackTrace();
                recording.setToDisk(true);
                recording.start();
                // Starting a recording makes the JVM drop compiled code, so the work first runs
                // until it is compiled again; only samples from the last runs count.
                long warm = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < warm) work.run();
                Instant from = Instant.now();
                for (int i = 0; i < 20; i++) work.run();
                recording.stop();
                recording.dump(file);
                Map<String, Long> weights = new HashMap<>();
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getStackTrace() == null || e.getStartTime().isBefore(from)) continue;
                    weights.merge(describe(e.getStackTrace().getFrames(), e.getClass("objectClass").getName()),
                            e.getLong("weight"), Long::sum);
                }
                return weights.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                        .limit(top)
                        .map(en -> en.getValue() + " bytes of " + en.getKey())
                        .collect(Collectors.joining("\n", "top allocation sites:\n", ""));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object's class and the frames down to the first of this project's, with their types. */
    private static String describe(List<RecordedFrame> frames, String objectClass) {
        StringBuilder b = new StringBuilder(objectClass);
        int ownFrames = 0;
        for (RecordedFrame f : frames) {
            String method = f.getMethod().getType().getName() + "." + f.getMethod().getName();
            b.append("\n    at ").append(method).append(':').append(f.getLineNumber()).append(" (").append(f.getType()).append(')');
            if (method.startsWith("io.hpsearch.") && ++ownFrames == 3) break;
        }
        return b.toString();
    }
}
