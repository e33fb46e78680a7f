package io.hpsearch.cli.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpsearch.nn.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code result.json} of a training run: the hyperparameters, in the order given, then the final
 * metrics. Keys are snake_case; NaN and infinite numbers are written as {@code null}.
 *
 * <p>Metric keys: {@code train_acc, val_acc, test_acc, train_loss, val_loss, test_loss, train_cost,
 * val_cost, test_cost, epochs, updates, seconds, status} ({@code "completed"} or
 * {@code "diverged"}).
 *
 * <p>Hyperparameter values may be numbers, strings, booleans, enums (written as lower-case names),
 * arrays and lists (JSON arrays), maps and records (JSON objects with snake_case keys).
 */
public final class ResultJson {
    public static final String FILE_NAME = "result.json";

    /** The metric keys, in the order they are written after the hyperparameters. */
    public static final List<String> METRIC_KEYS = List.of("train_acc", "val_acc", "test_acc", "train_loss",
            "val_loss", "test_loss", "train_cost", "val_cost", "test_cost", "epochs", "updates", "seconds", "status");

    private static final ObjectMapper MAPPER = createMapper();

    private ResultJson() { }

    /** The mapper used to write: snake_case properties, non-finite numbers as null, enums in lower case. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper createMapper() {
        SimpleModule module = new SimpleModule("hpsearch-result");
        module.addSerializer(Double.class, new JsonSerializer<>() {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) g.writeNumber(v); else g.writeNull();
            }
        });
        module.addSerializer(Double.TYPE, new JsonSerializer<>() {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) g.writeNumber(v); else g.writeNull();
            }
        });
        module.addSerializer(Float.class, new JsonSerializer<>() {
            @Override
            public void serialize(Float v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Float.isFinite(v)) g.writeNumber(v); else g.writeNull();
            }
        });
        module.addSerializer(double[].class, new JsonSerializer<>() {
            @Override
            public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartArray();
                for (double v : a) {
                    if (Double.isFinite(v)) g.writeNumber(v); else g.writeNull();
                }
                g.writeEndArray();
            }
        });
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Enum<?>> enumClass = (Class) Enum.class;
        module.addSerializer(enumClass, new JsonSerializer<>() {
            @Override
            public void serialize(Enum<?> v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.name().toLowerCase(Locale.ROOT));
            }
        });
        return new ObjectMapper()
                .registerModule(module)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /**
     * The JSON object: {@code hyperparameters} (keys turned into snake_case, order kept) then the
     * metrics of {@code result}.
     *
     * @throws IllegalArgumentException if two keys collide once in snake_case, or a hyperparameter
     *                                  takes the name of a metric
     */
    public static ObjectNode toJson(Map<String, ?> hyperparameters, TrainingResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        for (Map.Entry<String, ?> e : hyperparameters.entrySet()) {
            String key = snakeCase(e.getKey());
            if (root.has(key) || METRIC_KEYS.contains(key)) {
                throw new IllegalArgumentException("hyperparameter '" + e.getKey() + "' clashes with key '" + key
                        + "' of result.json");
            }
            root.set(key, MAPPER.valueToTree(e.getValue()));
        }
        putNumber(root, "train_acc", result.train().accuracy());
        putNumber(root, "val_acc", result.validation().accuracy());
        putNumber(root, "test_acc", result.test().accuracy());
        putNumber(root, "train_loss", result.train().loss());
        putNumber(root, "val_loss", result.validation().loss());
        putNumber(root, "test_loss", result.test().loss());
        putNumber(root, "train_cost", result.train().cost());
        putNumber(root, "val_cost", result.validation().cost());
        putNumber(root, "test_cost", result.test().cost());
        root.put("epochs", result.epochs());
        root.put("updates", result.updates());
        putNumber(root, "seconds", result.seconds());
        root.put("status", result.status().name().toLowerCase(Locale.ROOT));
        return root;
    }

    /** Writes {@link #toJson} to {@code file} (through a temporary file, so readers never see half of it). */
    public static void write(Path file, Map<String, ?> hyperparameters, TrainingResult result) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(toJson(hyperparameters, result));
        Outputs.writeAtomically(file, bytes);
    }

    public static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    /**
     * {@code batchSize → batch_size}, {@code eta-min → eta_min}, {@code BN alpha → bn_alpha};
     * snake_case keys stay as they are.
     */
    public static String snakeCase(String key) {
        StringBuilder sb = new StringBuilder(key.length() + 4);
        char prev = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '-' || c == ' ' || c == '.' || c == '_') {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') sb.append('_');
            } else if (Character.isUpperCase(c)) {
                boolean nextLower = i + 1 < key.length() && Character.isLowerCase(key.charAt(i + 1));
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_'
                        && (Character.isLowerCase(prev) || Character.isDigit(prev) || nextLower && Character.isUpperCase(prev))) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
            prev = c;
        }
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) node.put(key, v); else node.putNull(key);
    }
}
