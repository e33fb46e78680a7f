package io.hpsearch.protocol;

import com.google.protobuf.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@link GoldenMessages} to the folder named by {@code -Dhpsearch.golden.write=<dir>};
 * skipped otherwise. Never overwrites a file. See {@link GoldenMessages} for the command.
 */
class GoldenBytesWriter {
    @Test
    @EnabledIfSystemProperty(named = "hpsearch.golden.write", matches = ".+")
    void write() throws IOException {
        Path dir = Path.of(System.getProperty("hpsearch.golden.write"));
        Files.createDirectories(dir);
        for (Message m : GoldenMessages.all()) {
            Path file = dir.resolve(m.getDescriptorForType().getFullName() + ".bin");
            if (Files.exists(file)) {
                System.out.println("exists, kept: " + file);
                continue;
            }
            Files.write(file, m.toByteArray());
            System.out.println("wrote " + file);
        }
    }
}
