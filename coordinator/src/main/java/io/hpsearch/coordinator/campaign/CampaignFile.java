package io.hpsearch.coordinator.campaign;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.hpsearch.coordinator.sampling.GridSampler;
import io.hpsearch.coordinator.sampling.Sampler;
import io.hpsearch.coordinator.sampling.SearchParameters;
import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.BnStatistics;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.CyclicalSchedule;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.InitSpec;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.OptimizerSpec;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.StepSchedule;
import io.hpsearch.protocol.v1.SyntheticData;
import io.hpsearch.protocol.v1.TrainEvaluation;
import io.hpsearch.protocol.v1.TrainingSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a campaign file (HOCON) into a validated {@link CampaignSpec}. Anything wrong — malformed
 * HOCON, an unknown key, a value out of range, an inconsistent combination — is refused with a
 * {@link CampaignFileException} naming the file and the key path; nothing is defaulted silently
 * except the documented defaults below.
 *
 * <p>The format, with defaults ({@code deploy/campaigns/*.conf} are commented examples):
 * <pre>
 * campaign { name (required, [A-Za-z0-9._-]+), seed = 1, top-k = 10, max-attempts (default: the coordinator's, 3) }
 * data {
 *   set (required: fashion-mnist | mnist | cifar10 | synthetic), validation = 5000,
 *   train-subset = 0 (0: all), fingerprint = "" (hex SHA-256 the workers must match),
 *   synthetic { train, test, dim, classes, clusters, sep, image = "CxHxW", seed }  (synthetic only)
 * }
 * network { hidden (required list, [] allowed), batch-norm = before-relu (off | before-relu |
 *           after-relu), init = he (he | xavier | "sigma:&lt;σ&gt;"), bn-alpha = 0.9 (with BN only) }
 * training {
 *   lambda = 0, batch = 100, epochs (constant/step schedules; or set in every phase),
 *   schedule { type (constant | step | cyclic)
 *              constant: eta
 *              step:     eta, factor, every-epochs
 *              cyclic:   eta-min, eta-max, step-epochs | step-updates, cycles = 1, max-decay = 1 },
 *   optimizer = sgd | momentum | adam, or { type, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 },
 *   bn-stats = ema (ema | precise), precise-samples = 10000 (precise only), flip = false (images only),
 *   train-eval = epoch (epoch | end: measure the training set after every epoch, or the last only)
 * }
 * search {                         # at least one dimension; keys: SearchParameters.keys()
 *   &lt;param&gt; { scale = log (log | uniform), min, max }   or   &lt;param&gt; { choices = [ … ] }
 * }
 * phases = [                       # run in order; names unique
 *   { name, sampler = random (random | grid), trials (random: 1…100000; grid: optional cap),
 *     points = 4 (grid: values per continuous dimension), epochs, cycles, train-subset,
 *     refine { from (an earlier phase), top = 5, margin = 0.25, min-width = 0.05 } }
 * ]
 * </pre>
 * {@code eta} (alias {@code eta-max}) is the peak rate: η of a constant or step schedule, η_max of
 * a cyclic one. A searched parameter replaces the recipe's value; it must apply to the recipe
 * (e.g. {@code momentum} needs the momentum optimizer) and fit its allowed range.
 */
public final class CampaignFile {
    /** Most trials in one phase. */
    public static final int MAX_TRIALS = Sampler.MAX_TRIALS;
    public static final int MAX_EPOCHS = 10_000;
    public static final int MAX_CYCLES = 1_000;
    public static final int MAX_GRID_POINTS = 1_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Map<String, DataSetKind> DATA_SETS = Map.of(
            "fashion-mnist", DataSetKind.DATA_SET_KIND_FASHION_MNIST,
            "mnist", DataSetKind.DATA_SET_KIND_MNIST,
            "cifar10", DataSetKind.DATA_SET_KIND_CIFAR10,
            "synthetic", DataSetKind.DATA_SET_KIND_SYNTHETIC);
    /** Official training-set sizes (before the validation split). */
    private static final Map<DataSetKind, Integer> TRAIN_SIZES = Map.of(
            DataSetKind.DATA_SET_KIND_FASHION_MNIST, 60_000,
            DataSetKind.DATA_SET_KIND_MNIST, 60_000,
            DataSetKind.DATA_SET_KIND_CIFAR10, 50_000);

    /** The data set's name as a campaign file writes it ({@code data.set}), e.g. {@code cifar10}. */
    public static String dataSetName(DataSetKind kind) {
        for (Map.Entry<String, DataSetKind> e : DATA_SETS.entrySet()) if (e.getValue() == kind) return e.getKey();
        return kind.name();
    }

    /** Training samples of the synthetic data set when the file names none (io.hpsearch.nn.data.SyntheticData). */
    private static final int SYNTHETIC_TRAIN_DEFAULT = 10_000;

    private CampaignFile() {
    }

    /**
     * Reads and validates the file; errors in its content name it by its file name, and a file that
     * cannot be read by the path given (the name alone would not say which folder was looked in).
     */
    public static CampaignSpec read(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CampaignFileException(file.toString(), "", "cannot be read: " + readError(e), e);
        }
        return parse(text, name);
    }

    /** Why a file could not be read, in words (the JDK's exceptions print as class name and path). */
    private static String readError(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        if (e instanceof java.nio.charset.CharacterCodingException) return "not UTF-8 text";
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Parses and validates campaign text; {@code fileName} is used in messages and as the spec's source. */
    public static CampaignSpec parse(String text, String fileName) {
        Config config;
        try {
            config = ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                            .setSyntax(ConfigSyntax.CONF).setOriginDescription(fileName).setAllowMissing(false))
                    .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (ConfigException e) {
            String msg = e.getMessage();
            if (msg.startsWith(fileName + ": ")) msg = msg.substring(fileName.length() + 2);
            throw new CampaignFileException(fileName, "", "is not valid HOCON: line " + msg, e);
        }
        return fromConfig(config, fileName);
    }

    /** Validates an already parsed campaign. */
    public static CampaignSpec fromConfig(Config config, String fileName) {
        Section root = new Section(fileName, "", config.root());
        CampaignSpec.Builder spec = CampaignSpec.newBuilder().setSource(fileName);

        Section campaign = root.section("campaign");
        String name = campaign.string("name");
        if (!NAME.matcher(name).matches()) throw campaign.error("name", "(" + name + ") may hold only letters, digits, '.', '_' and '-'");
        spec.setName(name);
        spec.setSeed(campaign.longValue("seed", 1));
        spec.setTopK(bounded(campaign, "top-k", 10, 1, 10_000));
        // left at 0 when not set: the coordinator's --max-attempts then decides
        spec.setMaxAttempts(bounded(campaign, "max-attempts", 0, 1, 100));
        campaign.finish();

        int[] trainSubset = new int[1];
        spec.setData(data(root.section("data"), trainSubset));
        Section networkSection = root.section("network");
        NetworkSpec network = network(networkSection);
        spec.setNetwork(network);
        Section trainingSection = root.section("training");
        TrainingSpec training = training(trainingSection, trainSubset[0]);
        DataSpec data = spec.getData();
        if (training.getFlip() && data.getKind() == DataSetKind.DATA_SET_KIND_SYNTHETIC
                && data.getSynthetic().getImageChannels() == 0) {
            // every trial would fail on its worker, attempt after attempt
            throw trainingSection.error("flip", "needs images, and the synthetic data set has none: set data.synthetic.image"
                    + " (e.g. \"3x32x32\") or remove flip");
        }
        spec.setTraining(training);
        SearchSpace search = search(root.section("search"), network, training);
        spec.setSearch(search);
        checkInit(networkSection, network, search);
        List<PhaseSpec> phases = phases(root, search, training);
        spec.addAllPhases(phases);
        checkLength(trainingSection, root, training, search, phases);
        checkTrainingSamples(root, spec.getData(), training, search, phases);
        root.finish();
        return spec.build();
    }

    // ---- data -------------------------------------------------------------------------------

    private static DataSpec data(Section s, int[] trainSubset) {
        String set = s.string("set").toLowerCase(Locale.ROOT);
        DataSetKind kind = DATA_SETS.get(set);
        if (kind == null) {
            throw s.error("set", "(" + set + ") is not a known data set (fashion-mnist, mnist, cifar10, synthetic)");
        }
        DataSpec.Builder d = DataSpec.newBuilder().setKind(kind);
        if (s.has("validation") && s.integer("validation") == 0) {
            throw s.error("validation", "(0) leaves nothing to rank the trials by: a search ranks them by validation accuracy");
        }
        d.setValidationSize(bounded(s, "validation", 5000, 1, 10_000_000));
        trainSubset[0] = bounded(s, "train-subset", 0, 0, 10_000_000);
        String fp = s.string("fingerprint", "");
        if (!fp.isEmpty() && !fp.matches("[0-9a-fA-F]{8,128}")) {
            throw s.error("fingerprint", "(" + fp + ") must be a hex digest");
        }
        d.setFingerprint(fp.toLowerCase(Locale.ROOT));
        if (s.has("synthetic")) {
            if (kind != DataSetKind.DATA_SET_KIND_SYNTHETIC) throw s.error("synthetic", "is only for set = synthetic");
            Section y = s.section("synthetic");
            SyntheticData.Builder b = SyntheticData.newBuilder()
                    .setTrainSamples(bounded(y, "train", 0, 1, 10_000_000))
                    .setTestSamples(bounded(y, "test", 0, 0, 10_000_000))
                    .setDim(bounded(y, "dim", 0, 1, 1_000_000))
                    .setClasses(bounded(y, "classes", 0, 2, 100_000))
                    .setClustersPerClass(bounded(y, "clusters", 0, 1, 10_000))
                    .setSeed(y.longValue("seed", 0));
            if (y.has("sep")) {
                double sep = y.number("sep");
                // a separation of 0 reaches the workers as "not set" and becomes the default 4,
                // so it cannot be asked for
                if (!(sep > 0 && Double.isFinite(sep))) throw y.error("sep", "(" + Section.fmt(sep) + ") must be positive");
                b.setSeparation(sep);
            }
            if (y.has("image")) {
                String img = y.string("image");
                String[] p = img.toLowerCase(Locale.ROOT).split("x");
                try {
                    if (p.length != 3) throw new NumberFormatException();
                    int c = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim()), w = Integer.parseInt(p[2].trim());
                    if (c <= 0 || h <= 0 || w <= 0) throw new NumberFormatException();
                    if (b.getDim() != 0 && b.getDim() != c * h * w) {
                        throw y.error("image", "(" + img + ") holds " + (c * h * w) + " values, but dim is " + b.getDim());
                    }
                    b.setImageChannels(c).setImageHeight(h).setImageWidth(w);
                } catch (NumberFormatException e) {
                    throw y.error("image", "(" + img + ") must be CxHxW with positive integers, e.g. 3x32x32");
                }
            }
            y.finish();
            d.setSynthetic(b);
        }
        Integer size = trainSize(d.build());
        if (size != null && d.getValidationSize() >= size) {
            throw s.error("validation", "(" + d.getValidationSize() + ") leaves no training samples of " + set + "'s " + size);
        }
        if (size != null && trainSubset[0] > size - d.getValidationSize()) {
            throw s.error("train-subset", "(" + trainSubset[0] + ") exceeds the " + (size - d.getValidationSize())
                    + " training samples " + set + " has after validation");
        }
        s.finish();
        return d.build();
    }

    // ---- network ----------------------------------------------------------------------------

    private static NetworkSpec network(Section s) {
        NetworkSpec.Builder n = NetworkSpec.newBuilder();
        ConfigList hidden = s.list("hidden");
        for (int i = 0; i < hidden.size(); i++) {
            double h = s.number(hidden.get(i), s.path("hidden") + "[" + i + "]");
            if (h != Math.rint(h) || h < 1 || h > 1_000_000) {
                throw s.error("hidden", "[" + i + "] (" + Section.fmt(h) + ") must be an integer width in [1, 1000000]");
            }
            n.addHidden((int) h);
        }
        if (hidden.size() > 1000) throw s.error("hidden", "has " + hidden.size() + " layers; at most 1000");
        String bn = s.keyword("batch-norm", "before-relu", List.of("off", "before-relu", "after-relu"));
        n.setBatchNorm(switch (bn) {
            case "off" -> BatchNormMode.BATCH_NORM_MODE_OFF;
            case "after-relu" -> BatchNormMode.BATCH_NORM_MODE_AFTER_RELU;
            default -> BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU;
        });
        String init = s.string("init", "he").toLowerCase(Locale.ROOT);
        if (init.equals("he")) {
            n.setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_HE));
        } else if (init.equals("xavier")) {
            n.setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_XAVIER));
        } else if (init.startsWith("sigma:")) {
            double sigma;
            try {
                sigma = Double.parseDouble(init.substring(6).trim());
            } catch (NumberFormatException e) {
                sigma = Double.NaN;
            }
            if (!(sigma > 0 && Double.isFinite(sigma))) throw s.error("init", "(" + init + ") needs a positive σ, e.g. sigma:0.001");
            n.setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_NORMAL).setSigma(sigma));
        } else {
            throw s.error("init", "(" + init + ") is not one of he, xavier, sigma:<σ>");
        }
        if (n.getBatchNorm() == BatchNormMode.BATCH_NORM_MODE_OFF && s.has("bn-alpha")) {
            throw s.error("bn-alpha", "has no effect without batch normalisation (batch-norm = off); remove it");
        }
        double alpha = s.number("bn-alpha", 0.9);
        if (!(alpha >= 0 && alpha < 1)) throw s.error("bn-alpha", "(" + alpha + ") must be in [0, 1)");
        n.setBnAlpha(alpha);
        s.finish();
        return n.build();
    }

    // ---- training ---------------------------------------------------------------------------

    private static TrainingSpec training(Section s, int trainSubset) {
        TrainingSpec.Builder t = TrainingSpec.newBuilder().setTrainSubset(trainSubset);
        double lambda = s.number("lambda", 0);
        if (!(lambda >= 0 && Double.isFinite(lambda))) throw s.error("lambda", "(" + lambda + ") must be ≥ 0");
        t.setLambda(lambda);
        t.setBatchSize(bounded(s, "batch", 100, 1, 10_000_000));
        t.setEpochs(bounded(s, "epochs", 0, 1, MAX_EPOCHS));
        t.setSchedule(schedule(s.section("schedule")));
        t.setOptimizer(optimizer(s));
        String stats = s.keyword("bn-stats", "ema", List.of("ema", "precise"));
        t.setTestStatistics(stats.equals("precise") ? BnStatistics.BN_STATISTICS_PRECISE : BnStatistics.BN_STATISTICS_MOVING_AVERAGE);
        if (t.getTestStatistics() != BnStatistics.BN_STATISTICS_PRECISE && s.has("precise-samples")) {
            throw s.error("precise-samples", "is used only with bn-stats = precise; remove it or set bn-stats = precise");
        }
        t.setPreciseSamples(bounded(s, "precise-samples", 10_000, 1, 10_000_000));
        t.setFlip(s.bool("flip", false));
        if (s.has("threads")) {
            // A worker sizes its slots by its --threads-per-trial and runs every trial on that many
            // threads, so a count in the campaign could only be ignored.
            throw s.error("threads", "is not a campaign setting: each worker runs a trial on its own number of threads"
                    + " (hpsearch worker or hpsearch local --threads-per-trial); remove it");
        }
        String trainEval = s.keyword("train-eval", "epoch", List.of("epoch", "end"));
        t.setTrainEvaluation(trainEval.equals("end") ? TrainEvaluation.TRAIN_EVALUATION_LAST_EPOCH
                : TrainEvaluation.TRAIN_EVALUATION_EVERY_EPOCH);
        s.finish();
        return t.build();
    }

    private static ScheduleSpec schedule(Section s) {
        String type = s.keyword("type", null, List.of("constant", "step", "cyclic"));
        ScheduleSpec.Builder b = ScheduleSpec.newBuilder();
        switch (type) {
            case "constant" -> b.setConstant(ConstantSchedule.newBuilder().setEta(positive(s, "eta")));
            case "step" -> {
                double factor = s.number("factor");
                if (!(factor > 0 && factor <= 1)) throw s.error("factor", "(" + factor + ") must be in (0, 1]");
                b.setStep(StepSchedule.newBuilder().setEta(positive(s, "eta")).setFactor(factor)
                        .setEveryEpochs(positive(s, "every-epochs")));
            }
            default -> {
                CyclicalSchedule.Builder c = CyclicalSchedule.newBuilder();
                c.setEtaMin(positive(s, "eta-min"));
                c.setEtaMax(positive(s, "eta-max"));
                if (c.getEtaMax() < c.getEtaMin()) {
                    throw s.error("eta-max", "(" + c.getEtaMax() + ") must be at least eta-min (" + c.getEtaMin() + ")");
                }
                boolean epochs = s.has("step-epochs"), updates = s.has("step-updates");
                if (epochs == updates) {
                    throw s.error("step-epochs", epochs ? "and step-updates are both set; set one"
                            : "or step-updates is required (the half-cycle length n_s)");
                }
                if (epochs) c.setStepEpochs(positive(s, "step-epochs"));
                if (updates) c.setStepUpdates(bounded(s, "step-updates", 0, 1, Integer.MAX_VALUE));
                c.setCycles(bounded(s, "cycles", 1, 1, MAX_CYCLES));
                double decay = s.number("max-decay", 1.0);
                if (!(decay > 0 && decay <= 1)) throw s.error("max-decay", "(" + decay + ") must be in (0, 1]");
                c.setMaxDecay(decay);
                b.setCyclical(c);
            }
        }
        s.finish();
        return b.build();
    }

    private static OptimizerSpec optimizer(Section training) {
        List<String> kinds = List.of("sgd", "momentum", "adam");
        Section s = null;
        String type;
        if (training.isObject("optimizer")) {
            s = training.section("optimizer");
            type = s.keyword("type", null, kinds);
        } else {
            type = training.keyword("optimizer", "sgd", kinds);
        }
        OptimizerSpec.Builder o = OptimizerSpec.newBuilder();
        switch (type) {
            case "sgd" -> o.setKind(OptimizerKind.OPTIMIZER_KIND_SGD);
            case "momentum" -> {
                o.setKind(OptimizerKind.OPTIMIZER_KIND_MOMENTUM);
                double m = s == null ? 0.9 : s.number("momentum", 0.9);
                if (!(m >= 0 && m < 1)) throw s.error("momentum", "(" + m + ") must be in [0, 1)");
                o.setMomentum(m);
            }
            default -> {
                o.setKind(OptimizerKind.OPTIMIZER_KIND_ADAM);
                double b1 = s == null ? 0.9 : s.number("beta1", 0.9);
                double b2 = s == null ? 0.999 : s.number("beta2", 0.999);
                double eps = s == null ? 1e-8 : s.number("epsilon", 1e-8);
                if (!(b1 >= 0 && b1 < 1)) throw s.error("beta1", "(" + b1 + ") must be in [0, 1)");
                if (!(b2 >= 0 && b2 < 1)) throw s.error("beta2", "(" + b2 + ") must be in [0, 1)");
                if (!(eps > 0 && Double.isFinite(eps))) throw s.error("epsilon", "(" + eps + ") must be positive");
                o.setBeta1(b1).setBeta2(b2).setEpsilon(eps);
            }
        }
        if (s != null) s.finish();
        return o.build();
    }

    // ---- search space -----------------------------------------------------------------------

    private static SearchSpace search(Section s, NetworkSpec network, TrainingSpec training) {
        SearchSpace.Builder space = SearchSpace.newBuilder();
        Map<Parameter, String> seen = new HashMap<>();
        List<String> keys = orderedKeys(s);
        if (keys.isEmpty()) throw s.error("needs at least one dimension (e.g. lambda { min = 1e-5, max = 1e-1 })");
        for (String key : keys) {
            Optional<Parameter> p = SearchParameters.byKey(key);
            if (p.isEmpty()) {
                s.has(key);
                throw s.error(key, "is not a searchable option (known: eta-max, "
                        + String.join(", ", SearchParameters.keys().keySet()) + ")");
            }
            Parameter param = p.get();
            if (seen.containsKey(param)) throw s.error(key, "repeats search." + seen.get(param));
            seen.put(param, key);
            Optional<String> why = SearchParameters.inapplicable(param, network, training);
            if (why.isPresent()) {
                s.has(key);
                throw s.error(key, why.get());
            }
            space.addDimensions(dimension(s.section(key), key, param));
        }
        checkEtaOrder(s, space.build(), training);
        s.finish();
        return space.build();
    }

    private static Dimension dimension(Section d, String key, Parameter param) {
        SearchParameters.Info info = SearchParameters.info(param);
        Dimension.Builder b = Dimension.newBuilder().setParameter(param).setName(key);
        if (d.has("choices")) {
            if (d.has("min") || d.has("max") || d.has("scale")) {
                throw d.error("choices", "cannot be combined with scale, min or max");
            }
            ConfigList list = d.list("choices");
            if (list.isEmpty()) throw d.error("choices", "must not be empty");
            Set<Double> distinct = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String at = d.path("choices") + "[" + i + "]";
                double v = d.number(list.get(i), at);
                if (!info.allows(v)) throw new CampaignFileException(d.file(), at, "(" + Section.fmt(v) + ") must be " + info.allowed());
                if (!distinct.add(v)) throw new CampaignFileException(d.file(), at, "(" + Section.fmt(v) + ") repeats an earlier choice");
                b.addChoices(v);
            }
            b.setScale(Scale.SCALE_CHOICE);
        } else {
            String scale = d.keyword("scale", "log", List.of("log", "uniform"));
            b.setScale(scale.equals("log") ? Scale.SCALE_LOG_UNIFORM : Scale.SCALE_UNIFORM);
            double min = d.number("min");
            double max = d.number("max");
            if (!Double.isFinite(min)) throw d.error("min", "(" + min + ") must be finite");
            if (!Double.isFinite(max)) throw d.error("max", "(" + max + ") must be finite");
            if (b.getScale() == Scale.SCALE_LOG_UNIFORM && !(min > 0)) {
                throw d.error("min", "(" + Section.fmt(min) + ") must be positive on a log scale");
            }
            if (!(min < max)) throw d.error("min", "(" + Section.fmt(min) + ") must be less than max (" + Section.fmt(max) + ")");
            if (!withinAllowed(info, min)) throw d.error("min", "(" + Section.fmt(min) + ") must be " + info.allowed());
            if (!withinAllowed(info, max)) throw d.error("max", "(" + Section.fmt(max) + ") must be " + info.allowed());
            b.setMin(min).setMax(max);
        }
        d.finish();
        return b.build();
    }

    /** Bounds of a continuous range need not be integral for integer parameters (draws are rounded). */
    private static boolean withinAllowed(SearchParameters.Info info, double v) {
        double r = info.integer() ? Math.rint(v) : v;
        return info.allows(r);
    }

    private static void checkEtaOrder(Section s, SearchSpace space, TrainingSpec training) {
        if (training.getSchedule().getKindCase() != ScheduleSpec.KindCase.CYCLICAL) return;
        Dimension eta = searched(space, Parameter.PARAMETER_ETA), etaMin = searched(space, Parameter.PARAMETER_ETA_MIN);
        double lowestPeak = eta == null ? training.getSchedule().getCyclical().getEtaMax() : lowest(eta);
        double highestFloor = etaMin == null ? training.getSchedule().getCyclical().getEtaMin() : highest(etaMin);
        if (highestFloor > lowestPeak) {
            if (eta != null) {
                throw s.error(eta.getName(), "can go down to " + lowestPeak + ", below eta-min ("
                        + highestFloor + "); every trial needs eta-min ≤ eta-max");
            }
            throw s.error(etaMin.getName(), "can go up to " + highestFloor + ", above eta-max (" + lowestPeak
                    + "); every trial needs eta-min ≤ eta-max");
        }
    }

    private static double lowest(Dimension d) {
        return d.getScale() == Scale.SCALE_CHOICE
                ? d.getChoicesList().stream().mapToDouble(Double::doubleValue).min().orElseThrow() : d.getMin();
    }

    private static double highest(Dimension d) {
        return d.getScale() == Scale.SCALE_CHOICE
                ? d.getChoicesList().stream().mapToDouble(Double::doubleValue).max().orElseThrow() : d.getMax();
    }

    // ---- phases -----------------------------------------------------------------------------

    private static List<PhaseSpec> phases(Section root, SearchSpace search, TrainingSpec training) {
        ConfigList list = root.list("phases");
        if (list.isEmpty()) throw root.error("phases", "must hold at least one phase");
        if (list.size() > 100) throw root.error("phases", "holds " + list.size() + " phases; at most 100");
        List<PhaseSpec> phases = new ArrayList<>();
        Map<String, Integer> trialsByName = new HashMap<>();
        boolean cyclic = training.getSchedule().getKindCase() == ScheduleSpec.KindCase.CYCLICAL;
        for (int i = 0; i < list.size(); i++) {
            String path = root.path("phases") + "[" + i + "]";
            ConfigValue v = list.get(i);
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw new CampaignFileException(root.file(), path, "must be an object { name = …, … }, not " + Section.describe(v));
            }
            Section s = new Section(root.file(), path, (ConfigObject) v);
            PhaseSpec.Builder p = PhaseSpec.newBuilder();
            String name = s.string("name");
            if (!NAME.matcher(name).matches()) throw s.error("name", "(" + name + ") may hold only letters, digits, '.', '_' and '-'");
            if (trialsByName.containsKey(name)) throw s.error("name", "(" + name + ") is used by an earlier phase");
            p.setName(name);
            String sampler = s.keyword("sampler", "random", List.of("random", "grid"));
            int trials;
            if (sampler.equals("random")) {
                p.setSampler(SamplerKind.SAMPLER_KIND_RANDOM);
                p.setTrials(trialCount(s, s.integer("trials")));
                trials = p.getTrials();
                if (s.has("points")) throw s.error("points", "is for sampler = grid (values per dimension); a random phase draws its trials at random");
            } else {
                p.setSampler(SamplerKind.SAMPLER_KIND_GRID);
                p.setGridPoints(bounded(s, "points", 4, 1, MAX_GRID_POINTS));
                p.setTrials(s.has("trials") ? trialCount(s, s.integer("trials")) : 0);
                long product = GridSampler.product(search, p.getGridPoints());
                if (p.getTrials() == 0 && product > MAX_TRIALS) {
                    throw s.error("points", "(" + p.getGridPoints() + ") makes a grid of " + (product == Long.MAX_VALUE
                            ? "over 2^63" : product) + " trials, over the cap of " + MAX_TRIALS
                            + "; use fewer points or cap it with trials");
                }
                trials = (int) Math.min(p.getTrials() == 0 ? product : p.getTrials(), product);
            }
            if (s.has("epochs")) {
                if (cyclic) throw s.error("epochs", "has no effect under a cyclic schedule (it sets its own length); set cycles");
                p.setEpochs(bounded(s, "epochs", 0, 1, MAX_EPOCHS));
            }
            if (s.has("cycles")) {
                if (!cyclic) throw s.error("cycles", "needs a cyclic schedule; set epochs");
                p.setCycles(bounded(s, "cycles", 0, 1, MAX_CYCLES));
            }
            if (s.has("train-subset")) p.setTrainSubset(bounded(s, "train-subset", 0, 1, 10_000_000));
            for (Dimension d : search.getDimensionsList()) {
                String clash = switch (d.getParameter()) {
                    case PARAMETER_EPOCHS -> p.getEpochs() > 0 ? "epochs" : null;
                    case PARAMETER_CYCLES -> p.getCycles() > 0 ? "cycles" : null;
                    case PARAMETER_TRAIN_SUBSET -> p.getTrainSubset() > 0 ? "train-subset" : null;
                    default -> null;
                };
                if (clash != null) throw s.error(clash, "conflicts with search dimension " + d.getName());
            }
            if (s.has("refine")) {
                Section r = s.section("refine");
                String from = r.string("from");
                Integer fromTrials = trialsByName.get(from);
                if (fromTrials == null) {
                    throw r.error("from", "(" + from + ") must name an earlier phase" + (trialsByName.isEmpty() ? ""
                            : " (" + String.join(", ", trialsByName.keySet()) + ")"));
                }
                int top = bounded(r, "top", Math.min(5, fromTrials), 1, MAX_TRIALS);
                if (top > fromTrials) throw r.error("top", "(" + top + ") exceeds the " + fromTrials + " trials of phase " + from);
                double margin = r.number("margin", 0.25);
                if (!(margin >= 0 && margin <= 10)) throw r.error("margin", "(" + margin + ") must be in [0, 10]");
                double minWidth = r.number("min-width", 0.05);
                if (!(minWidth > 0 && minWidth <= 1)) throw r.error("min-width", "(" + minWidth + ") must be in (0, 1]");
                r.finish();
                p.setFine(FineRangeSpec.newBuilder().setFromPhase(from).setTopN(top).setMargin(margin).setMinWidth(minWidth));
            }
            s.finish();
            trialsByName.put(name, trials);
            phases.add(p.build());
        }
        return phases;
    }

    private static int trialCount(Section s, int n) {
        if (n < 1) throw s.error("trials", "(" + n + ") must be at least 1");
        if (n > MAX_TRIALS) throw s.error("trials", "(" + n + ") exceeds the cap of " + MAX_TRIALS);
        return n;
    }

    /**
     * A searched {@code init-sigma} draws every trial's initial weights from N(0, σ²), so an init
     * of he or xavier set beside it would never be used, and the table would not say so.
     */
    private static void checkInit(Section network, NetworkSpec spec, SearchSpace search) {
        if (searched(search, Parameter.PARAMETER_INIT_SIGMA) == null || !network.has("init")
                || spec.getInit().getKind() == InitKind.INIT_KIND_NORMAL) {
            return;
        }
        throw network.error("init", "(" + network.string("init") + ") is replaced in every trial by the searched"
                + " init-sigma, which draws the initial weights from N(0, σ²); remove it or set \"sigma:<σ>\"");
    }

    /** Constant and step schedules need an epoch count for every phase. */
    private static void checkLength(Section training, Section root, TrainingSpec t, SearchSpace search, List<PhaseSpec> phases) {
        boolean cyclic = t.getSchedule().getKindCase() == ScheduleSpec.KindCase.CYCLICAL;
        if (cyclic) {
            if (t.getEpochs() > 0) {
                throw training.error("epochs", "has no effect under a cyclic schedule (its length is cycles × 2 × step); remove it");
            }
            return;
        }
        boolean searched = search.getDimensionsList().stream().anyMatch(d -> d.getParameter() == Parameter.PARAMETER_EPOCHS);
        if (t.getEpochs() > 0 || searched) return;
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).getEpochs() == 0) {
                throw training.error("epochs", "is required by a " + t.getSchedule().getKindCase().name().toLowerCase(Locale.ROOT)
                        + " schedule (or set epochs in phase " + phases.get(i).getName() + ", "
                        + root.path("phases") + "[" + i + "])");
            }
        }
    }

    /** Training samples of the data set before the validation split, or null if unknown. */
    private static Integer trainSize(DataSpec data) {
        if (data.getKind() == DataSetKind.DATA_SET_KIND_SYNTHETIC) {
            return data.getSynthetic().getTrainSamples() > 0 ? data.getSynthetic().getTrainSamples() : SYNTHETIC_TRAIN_DEFAULT;
        }
        return TRAIN_SIZES.get(data.getKind());
    }

    /**
     * Every trial must have a training set it can fill a batch from: a searched {@code
     * train-subset} must fit in the data set after validation, and the largest batch any trial
     * can draw must not exceed the smallest training set any trial of a phase can get. (The
     * trainer would otherwise use the whole set as one batch while the table showed the batch
     * asked for, and trials whose batches differ only above that size would be the same trial.)
     */
    private static void checkTrainingSamples(Section root, DataSpec data, TrainingSpec t, SearchSpace search,
                                             List<PhaseSpec> phases) {
        Integer size = trainSize(data);
        if (size == null) return;
        int available = size - data.getValidationSize();
        Dimension subsetDim = searched(search, Parameter.PARAMETER_TRAIN_SUBSET);
        if (subsetDim != null) {
            double most = highest(subsetDim);
            if (most > available) {
                throw new CampaignFileException(root.file(), dimensionKey(root, subsetDim, true),
                        "(" + Section.fmt(most) + ") exceeds the " + available + " training samples left after validation");
            }
        }
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).getTrainSubset() > available) {
                throw new CampaignFileException(root.file(), root.path("phases") + "[" + i + "].train-subset",
                        "(" + phases.get(i).getTrainSubset() + ") exceeds the " + available + " training samples left after validation");
            }
        }
        Dimension batchDim = searched(search, Parameter.PARAMETER_BATCH_SIZE);
        long batch = batchDim != null ? (long) Math.rint(highest(batchDim)) : t.getBatchSize(); // integer options are rounded
        String batchKey = batchDim != null ? dimensionKey(root, batchDim, true) : root.path("training") + ".batch";
        for (int i = 0; i < phases.size(); i++) {
            PhaseSpec p = phases.get(i);
            int samples;
            String from;
            if (p.getTrainSubset() > 0) {
                samples = p.getTrainSubset();
                from = root.path("phases") + "[" + i + "].train-subset";
            } else if (subsetDim != null) {
                samples = (int) Math.rint(lowest(subsetDim));
                from = dimensionKey(root, subsetDim, false);
            } else if (t.getTrainSubset() > 0) {
                samples = t.getTrainSubset();
                from = root.path("data") + ".train-subset";
            } else {
                samples = available;
                from = dataSetName(data.getKind()) + " after validation";
            }
            if (batch > samples) {
                throw new CampaignFileException(root.file(), batchKey, "(" + batch + ") exceeds the " + samples
                        + " training samples of a trial in phase " + p.getName() + " (" + from + ")");
            }
        }
    }

    /** The search's dimension of {@code parameter}, or null if it is not searched. */
    private static Dimension searched(SearchSpace search, Parameter parameter) {
        for (Dimension d : search.getDimensionsList()) if (d.getParameter() == parameter) return d;
        return null;
    }

    /** The key of a dimension's largest ({@code max} or {@code choices}) or smallest value. */
    private static String dimensionKey(Section root, Dimension d, boolean largest) {
        String base = root.path("search") + "." + d.getName();
        return base + (d.getScale() == Scale.SCALE_CHOICE ? ".choices" : largest ? ".max" : ".min");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static int bounded(Section s, String key, int otherwise, int min, int max) {
        if (!s.has(key)) return otherwise;
        int v = s.integer(key);
        if (v < min || v > max) throw s.error(key, "(" + v + ") must be in [" + min + ", " + max + "]");
        return v;
    }

    private static double positive(Section s, String key) {
        double v = s.number(key);
        if (!(v > 0 && Double.isFinite(v))) throw s.error(key, "(" + Section.fmt(v) + ") must be positive");
        return v;
    }

    /** The section's keys in the order they appear in the file. */
    private static List<String> orderedKeys(Section s) {
        List<String> keys = s.keys();
        keys.sort((a, b) -> Integer.compare(lineOf(s, a), lineOf(s, b)));
        return keys;
    }

    private static int lineOf(Section s, String key) {
        int line = s.lineNumber(key);
        return line < 0 ? Integer.MAX_VALUE : line;
    }
}
