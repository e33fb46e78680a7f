package io.hpsearch.nn.train;

/**
 * Learning-rate schedule. A schedule is a function of the update count t = 0, 1, 2, …; lengths given
 * in epochs are turned into updates with the number of updates per epoch, which only the trainer
 * knows (it depends on the training-set size and the batch size).
 */
public sealed interface ScheduleConfig {

    /** η(t) for a given number of updates per epoch. */
    double rate(long update, int updatesPerEpoch);

    /**
     * How many updates the schedule wants in all, or -1 when the length is set by an epoch count
     * instead (constant and step schedules).
     */
    long totalUpdates(int updatesPerEpoch);

    /** η constant. */
    record Constant(double eta) implements ScheduleConfig {
        public Constant {
            if (!(eta > 0 && Double.isFinite(eta))) throw new IllegalArgumentException("eta must be positive: " + eta);
        }

        @Override public double rate(long update, int updatesPerEpoch) { return eta; }
        @Override public long totalUpdates(int updatesPerEpoch) { return -1; }
    }

    /** η multiplied by {@code factor} every {@code everyEpochs} epochs. */
    record StepDecay(double eta, double factor, double everyEpochs) implements ScheduleConfig {
        public StepDecay {
            if (!(eta > 0 && Double.isFinite(eta))) throw new IllegalArgumentException("eta must be positive: " + eta);
            if (!(factor > 0 && factor <= 1)) throw new IllegalArgumentException("decay factor must be in (0, 1]: " + factor);
            if (!(everyEpochs > 0)) throw new IllegalArgumentException("decay interval must be positive: " + everyEpochs);
        }

        @Override
        public double rate(long update, int updatesPerEpoch) {
            long every = Math.max(1, Math.round(everyEpochs * updatesPerEpoch));
            return eta * Math.pow(factor, update / every);
        }

        @Override public long totalUpdates(int updatesPerEpoch) { return -1; }
    }

    /**
     * Triangular cyclical learning rate (Smith 2015): η rises linearly from η_min to η_max over n_s
     * updates, falls back over the next n_s, for {@code cycles} cycles. η_max of cycle c is
     * {@code η_min + (η_max − η_min) · maxDecay^c} (maxDecay = 1: no decay).
     *
     * @param stepUpdates n_s in updates, or 0 to use {@code stepEpochs}
     * @param stepEpochs  n_s in epochs (used when stepUpdates is 0)
     */
    record Cyclical(double etaMin, double etaMax, long stepUpdates, double stepEpochs, int cycles, double maxDecay)
            implements ScheduleConfig {
        public Cyclical {
            if (!(etaMin > 0 && Double.isFinite(etaMin))) throw new IllegalArgumentException("eta-min must be positive: " + etaMin);
            if (!(etaMax >= etaMin && Double.isFinite(etaMax))) {
                throw new IllegalArgumentException("eta-max (" + etaMax + ") must be at least eta-min (" + etaMin + ")");
            }
            if (stepUpdates < 0 || (stepUpdates == 0 && !(stepEpochs > 0))) {
                throw new IllegalArgumentException("the step size n_s must be positive (in updates or epochs)");
            }
            if (cycles <= 0) throw new IllegalArgumentException("cycles must be positive: " + cycles);
            if (!(maxDecay > 0 && maxDecay <= 1)) throw new IllegalArgumentException("eta-max decay must be in (0, 1]: " + maxDecay);
        }

        /** n_s in updates. */
        public long stepSize(int updatesPerEpoch) {
            return stepUpdates > 0 ? stepUpdates : Math.max(1, Math.round(stepEpochs * updatesPerEpoch));
        }

        @Override
        public double rate(long update, int updatesPerEpoch) {
            long ns = stepSize(updatesPerEpoch);
            long cycle = update / (2 * ns);
            long inCycle = update % (2 * ns);
            double peak = etaMin + (etaMax - etaMin) * Math.pow(maxDecay, cycle);
            double frac = inCycle <= ns ? (double) inCycle / ns : (double) (2 * ns - inCycle) / ns;
            return etaMin + frac * (peak - etaMin);
        }

        @Override
        public long totalUpdates(int updatesPerEpoch) {
            return 2L * stepSize(updatesPerEpoch) * cycles;
        }
    }
}
