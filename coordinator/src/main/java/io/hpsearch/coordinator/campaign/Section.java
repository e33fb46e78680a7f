package io.hpsearch.coordinator.campaign;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One object of a campaign file, read key by key. Every key read is remembered; {@link #finish()}
 * refuses the keys that were never asked for, so a misspelt key is an error, not a silent default.
 */
final class Section {
    private final String file;
    private final String path;
    private final ConfigObject object;
    private final Set<String> known = new TreeSet<>();

    Section(String file, String path, ConfigObject object) {
        this.file = file;
        this.path = path;
        this.object = object;
    }

    String file() {
        return file;
    }

    /** Full path of a key of this section. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    CampaignFileException error(String key, String detail) {
        return new CampaignFileException(file, path(key), detail);
    }

    /** An error about the section itself. */
    CampaignFileException error(String detail) {
        return new CampaignFileException(file, path, detail);
    }

    boolean has(String key) {
        known.add(key);
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    private ConfigValue require(String key) {
        if (!has(key)) throw error(key, "is required");
        return object.get(key);
    }

    String string(String key) {
        ConfigValue v = require(key);
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            throw error(key, "must be a single value, not " + describe(v));
        }
        return String.valueOf(v.unwrapped()).trim();
    }

    String string(String key, String otherwise) {
        return has(key) ? string(key) : otherwise;
    }

    /** A lower-case keyword out of {@code allowed}. */
    String keyword(String key, String otherwise, List<String> allowed) {
        String s = string(key, otherwise).toLowerCase(Locale.ROOT);
        if (!allowed.contains(s)) {
            throw error(key, "(" + string(key) + ") is not one of " + String.join(", ", allowed));
        }
        return s;
    }

    double number(String key) {
        return number(require(key), path(key));
    }

    double number(String key, double otherwise) {
        return has(key) ? number(key) : otherwise;
    }

    double number(ConfigValue v, String keyPath) {
        Object u = v.unwrapped();
        if (u instanceof Number n) return n.doubleValue();
        if (u instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new CampaignFileException(file, keyPath, "must be a number, not " + describe(v));
    }

    int integer(String key, int otherwise) {
        return has(key) ? integer(key) : otherwise;
    }

    int integer(String key) {
        double d = number(key);
        if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw error(key, "(" + fmt(d) + ") must be an integer");
        }
        return (int) d;
    }

    long longValue(String key, long otherwise) {
        if (!has(key)) return otherwise;
        ConfigValue v = object.get(key);
        if (v.unwrapped() instanceof Integer || v.unwrapped() instanceof Long) return ((Number) v.unwrapped()).longValue();
        if (v.unwrapped() instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw error(key, "must be an integer, not " + describe(v));
    }

    boolean bool(String key, boolean otherwise) {
        if (!has(key)) return otherwise;
        ConfigValue v = object.get(key);
        if (v.unwrapped() instanceof Boolean b) return b;
        if (v.unwrapped() instanceof String s && (s.equals("true") || s.equals("false") || s.equals("on")
                || s.equals("off") || s.equals("yes") || s.equals("no"))) {
            return s.equals("true") || s.equals("on") || s.equals("yes");
        }
        throw error(key, "must be true or false, not " + describe(v));
    }

    boolean isObject(String key) {
        return has(key) && object.get(key).valueType() == ConfigValueType.OBJECT;
    }

    Section section(String key) {
        ConfigValue v = require(key);
        if (v.valueType() != ConfigValueType.OBJECT) throw error(key, "must be an object { … }, not " + describe(v));
        return new Section(file, path(key), (ConfigObject) v);
    }

    ConfigList list(String key) {
        ConfigValue v = require(key);
        if (v.valueType() != ConfigValueType.LIST) throw error(key, "must be a list [ … ], not " + describe(v));
        return (ConfigList) v;
    }

    /** The keys of this section, in file order as far as HOCON keeps it (sorted otherwise). */
    List<String> keys() {
        List<String> keys = new ArrayList<>(object.keySet());
        keys.sort(null);
        return keys;
    }

    /** Refuses keys that were never read. */
    void finish() {
        for (String key : keys()) {
            if (!known.contains(key)) {
                throw error(key, "is not a known key" + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")")
                        + line(object.get(key)));
            }
        }
    }

    /** Line of a key's value in the file, or -1. */
    int lineNumber(String key) {
        ConfigValue v = object.get(key);
        return v == null || v.origin() == null ? -1 : v.origin().lineNumber();
    }

    static String line(ConfigValue v) {
        int line = v == null || v.origin() == null ? -1 : v.origin().lineNumber();
        return line > 0 ? " [line " + line + "]" : "";
    }

    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case STRING -> "\"" + v.unwrapped() + "\"";
            default -> String.valueOf(v.unwrapped());
        };
    }

    static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }
}
