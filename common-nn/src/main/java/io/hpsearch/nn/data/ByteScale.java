package io.hpsearch.nn.data;

/** Lookup table from an unsigned pixel byte to its float in [0, 1]: {@code b / 255f}. */
final class ByteScale {
    static final float[] TABLE = new float[256];

    static {
        for (int b = 0; b < 256; b++) TABLE[b] = b / 255f;
    }

    private ByteScale() {
    }

    /** Unsigned bytes {@code src[from .. from+count)} to floats in [0, 1] at {@code dst[at ..]}. */
    static void scale(byte[] src, int from, float[] dst, int at, int count) {
        float[] t = TABLE;
        for (int i = 0; i < count; i++) dst[at + i] = t[src[from + i] & 0xFF];
    }
}
