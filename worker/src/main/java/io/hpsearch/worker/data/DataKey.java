package io.hpsearch.worker.data;

import io.hpsearch.nn.data.DataSetException;
import io.hpsearch.nn.data.DataSets;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.data.SyntheticData;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.worker.trial.TrialSpecException;

import java.util.Objects;

/**
 * What identifies one loaded copy of a data set: which set, how many training samples are held out
 * for validation and, for the synthetic set, its shape and seed. Everything a trial varies on top
 * (training subset, seed, flips) is applied by the trainer, so all trials of a campaign share one
 * key. The expected fingerprint is not part of the key: it is checked against the copy.
 *
 * @param name      canonical data-set name ({@link DataSets#NAMES})
 * @param synthetic the synthetic spec (0s resolved to defaults), {@code null} for the named sets
 * @param seed      seed of the synthetic generator (0 for the named sets)
 */
public record DataKey(String name, int validationSize, SyntheticData.Spec synthetic, long seed) {
    public DataKey {
        Objects.requireNonNull(name, "name");
        if (validationSize < 0) throw new TrialSpecException("data.validation_size: must be >= 0, got " + validationSize);
        if ((synthetic != null) != name.equals(DataSets.SYNTHETIC)) {
            throw new IllegalArgumentException("a synthetic spec goes with the synthetic data set only: " + name);
        }
    }

    /**
     * The key of a trial's data spec.
     *
     * @throws TrialSpecException for an unset or unknown kind, synthetic options on a named data
     *                            set, or synthetic options the generator refuses
     */
    public static DataKey of(DataSpec spec) {
        DataSetKind kind = spec.getKind();
        if (kind != DataSetKind.DATA_SET_KIND_SYNTHETIC && spec.hasSynthetic()) {
            throw new TrialSpecException("data.synthetic: set for data set " + kind + "; only "
                    + DataSetKind.DATA_SET_KIND_SYNTHETIC + " takes synthetic options");
        }
        return switch (kind) {
            case DATA_SET_KIND_FASHION_MNIST -> new DataKey(DataSets.FASHION_MNIST, spec.getValidationSize(), null, 0);
            case DATA_SET_KIND_MNIST -> new DataKey(DataSets.MNIST, spec.getValidationSize(), null, 0);
            case DATA_SET_KIND_CIFAR10 -> new DataKey(DataSets.CIFAR10, spec.getValidationSize(), null, 0);
            case DATA_SET_KIND_SYNTHETIC -> new DataKey(DataSets.SYNTHETIC, spec.getValidationSize(),
                    synthetic(spec.getSynthetic()), spec.getSynthetic().getSeed());
            default -> throw new TrialSpecException("data.kind: " + (spec.getKindValue() == 0 ? "not set"
                    : "unknown value " + spec.getKindValue() + " (a newer coordinator than this worker?)"));
        };
    }

    private static SyntheticData.Spec synthetic(io.hpsearch.protocol.v1.SyntheticData s) {
        int c = s.getImageChannels(), h = s.getImageHeight(), w = s.getImageWidth();
        ImageShape shape = null;
        if (c != 0 || h != 0 || w != 0) {
            if (c <= 0 || h <= 0 || w <= 0) {
                throw new TrialSpecException("data.synthetic.image_*: channels, height and width must all be positive, got "
                        + c + "x" + h + "x" + w);
            }
            shape = new ImageShape(c, h, w);
        }
        try {
            return SyntheticData.Spec.orDefaults(s.getTrainSamples(), s.getTestSamples(), s.getDim(), s.getClasses(),
                    s.getClustersPerClass(), s.getSeparation(), shape);
        } catch (DataSetException e) {
            throw new TrialSpecException("data.synthetic: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return (synthetic == null ? name : name + "[" + synthetic + ", seed " + seed + "]") + ", validation " + validationSize;
    }
}
