package io.hpsearch.nn.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable labelled data set: {@code size} samples of {@code dim} float features, stored
 * row-major in one array so that batches are cheap to gather, and one class label per sample.
 *
 * <p>The arrays are shared, not copied, by {@link #features()} and {@link #labels()} so that
 * concurrent trials can read one copy; callers must not write to them.
 */
public final class DataSet {
    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int size;
    private final int dim;
    private final int classes;
    private final ImageShape imageShape;

    /**
     * @param imageShape the layout of a row as an image, or {@code null} when the features are not
     *                   an image (flip augmentation is then unavailable)
     */
    public DataSet(String name, float[] features, int[] labels, int dim, int classes, ImageShape imageShape) {
        this.name = Objects.requireNonNull(name, "name");
        this.features = Objects.requireNonNull(features, "features");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (dim <= 0) throw new IllegalArgumentException("dim must be positive: " + dim);
        if (classes < 2) throw new IllegalArgumentException("need at least 2 classes: " + classes);
        if (features.length != (long) labels.length * dim) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected "
                    + labels.length + " samples × " + dim);
        }
        if (imageShape != null && imageShape.size() != dim) {
            throw new IllegalArgumentException("image shape " + imageShape + " does not match dim " + dim);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " outside [0, " + classes + ")");
            }
        }
        this.size = labels.length;
        this.dim = dim;
        this.classes = classes;
        this.imageShape = imageShape;
    }

    public String name() { return name; }
    public int size() { return size; }
    public int dim() { return dim; }
    public int classes() { return classes; }
    /** {@code null} when the rows are not images. */
    public ImageShape imageShape() { return imageShape; }
    /** The row-major feature array, shared: do not modify. */
    public float[] features() { return features; }
    /** The label array, shared: do not modify. */
    public int[] labels() { return labels; }

    public float feature(int sample, int j) { return features[sample * dim + j]; }
    public int label(int sample) { return labels[sample]; }

    /** Samples {@code [from, to)} as a new data set (copied). */
    public DataSet slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size + " samples");
        }
        float[] f = new float[(to - from) * dim];
        System.arraycopy(features, from * dim, f, 0, f.length);
        int[] l = new int[to - from];
        System.arraycopy(labels, from, l, 0, l.length);
        return new DataSet(name, f, l, dim, classes, imageShape);
    }

    /** The given samples, in the given order, as a new data set (copied). */
    public DataSet select(int[] indices) {
        float[] f = new float[indices.length * dim];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * dim, f, i * dim, dim);
            l[i] = labels[indices[i]];
        }
        return new DataSet(name, f, l, dim, classes, imageShape);
    }

    /** A copy with other features of the same shape (used by standardisation). */
    public DataSet withFeatures(float[] newFeatures) {
        return new DataSet(name, newFeatures, labels, dim, classes, imageShape);
    }

    /**
     * SHA-256 over shape, labels and feature bits, in hex: two copies of a data set agree on it
     * exactly when they hold the same numbers, so trials on different machines can prove they
     * trained on the same data.
     */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            buf.putInt(size).putInt(dim).putInt(classes);
            for (int label : labels) {
                if (buf.remaining() < 4) { md.update(buf.flip()); buf.clear(); }
                buf.putInt(label);
            }
            for (float v : features) {
                if (buf.remaining() < 4) { md.update(buf.flip()); buf.clear(); }
                buf.putInt(Float.floatToIntBits(v));
            }
            md.update(buf.flip());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return name + "[" + size + " × " + dim + ", " + classes + " classes]";
    }
}
