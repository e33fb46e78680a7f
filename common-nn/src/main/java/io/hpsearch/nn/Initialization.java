package io.hpsearch.nn;

/**
 * How weights are drawn: zero-mean normal with σ = √(2/fan_in) (He), √(1/fan_in) (Xavier), or a
 * constant σ (for the sensitivity-to-initialisation study). Biases and β start at 0, γ at 1.
 */
public record Initialization(Kind kind, double sigma) {
    public enum Kind { HE, XAVIER, NORMAL }

    public static final Initialization HE = new Initialization(Kind.HE, Double.NaN);
    public static final Initialization XAVIER = new Initialization(Kind.XAVIER, Double.NaN);

    public Initialization {
        if (kind == Kind.NORMAL && !(sigma > 0 && Double.isFinite(sigma))) {
            throw new IllegalArgumentException("sigma must be a positive number: " + sigma);
        }
    }

    public static Initialization normal(double sigma) {
        return new Initialization(Kind.NORMAL, sigma);
    }

    /** Parses {@code he}, {@code xavier} or {@code sigma:<value>}. */
    public static Initialization parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("he")) return HE;
        if (t.equals("xavier")) return XAVIER;
        if (t.startsWith("sigma:")) {
            double s;
            try {
                s = Double.parseDouble(t.substring(6));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad sigma in '" + text + "'");
            }
            return normal(s);
        }
        throw new IllegalArgumentException("unknown initialisation '" + text + "' (he, xavier or sigma:<value>)");
    }

    /** Standard deviation of a weight in a layer with {@code fanIn} inputs. */
    public double sigmaFor(int fanIn) {
        return switch (kind) {
            case HE -> Math.sqrt(2.0 / fanIn);
            case XAVIER -> Math.sqrt(1.0 / fanIn);
            case NORMAL -> sigma;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case HE -> "he";
            case XAVIER -> "xavier";
            case NORMAL -> "sigma:" + sigma;
        };
    }
}
