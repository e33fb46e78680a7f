package io.hpsearch.cli.cluster;

/** Campaign files of a few one-epoch trials on a small synthetic set, for tests about the cluster, not learning. */
final class TinyCampaigns {
    private TinyCampaigns() {
    }

    /** One random phase of {@code trials} trials searching λ. */
    static String text(String name, int trials) {
        return String.join("\n",
                "campaign { name = " + name + " }",
                "data { set = synthetic, validation = 50, synthetic { train = 300, test = 50, dim = 4, classes = 3 } }",
                "network { hidden = [4] }",
                "training { batch = 50, epochs = 1, schedule { type = constant, eta = 0.05 } }",
                "search { lambda { scale = log, min = 1e-5, max = 1e-1 } }",
                "phases = [ { name = coarse, sampler = random, trials = " + trials + " } ]");
    }
}
