package io.hpsearch.cli.output;

import io.hpsearch.nn.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything {@code hpsearch train --out DIR} writes, in one call. */
public final class TrainOutputs {
    private TrainOutputs() { }

    /**
     * Writes {@code result.json}, {@code curves.csv}, {@code cost.png}, {@code loss.png},
     * {@code accuracy.png} and, when the result has a test confusion matrix, {@code confusion.png}
     * into {@code dir} (created if missing).
     *
     * @param hyperparameters the run's settings, in the order they should appear in result.json
     * @param classNames      class names in label order for the confusion matrix (null: 0…k−1)
     * @return the files written
     */
    public static List<Path> write(Path dir, Map<String, ?> hyperparameters, TrainingResult result,
                                   List<String> classNames) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path json = dir.resolve(ResultJson.FILE_NAME);
        ResultJson.write(json, hyperparameters, result);
        written.add(json);
        Path csv = dir.resolve(CurvesCsv.FILE_NAME);
        CurvesCsv.write(csv, result.curves());
        written.add(csv);
        Path cost = dir.resolve(Plots.COST_FILE);
        Plots.writeCost(cost, result.curves());
        written.add(cost);
        Path loss = dir.resolve(Plots.LOSS_FILE);
        Plots.writeLoss(loss, result.curves());
        written.add(loss);
        Path acc = dir.resolve(Plots.ACCURACY_FILE);
        Plots.writeAccuracy(acc, result.curves());
        written.add(acc);
        if (result.testConfusion() != null) {
            Path confusion = dir.resolve(Plots.CONFUSION_FILE);
            Plots.writeConfusion(confusion, result.testConfusion(), classNames);
            written.add(confusion);
        }
        return written;
    }
}
