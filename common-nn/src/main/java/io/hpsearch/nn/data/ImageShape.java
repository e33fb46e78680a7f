package io.hpsearch.nn.data;

/**
 * Layout of one image sample inside a feature row: channel-planar (all of channel 0, then channel 1,
 * …), each plane row-major {@code height × width}. CIFAR-10 and the IDX formats both store images
 * this way, so rows are used as read.
 */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive: " + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return channels * height * width;
    }
}
