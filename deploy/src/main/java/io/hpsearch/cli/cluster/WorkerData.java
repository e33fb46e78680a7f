package io.hpsearch.cli.cluster;

import io.hpsearch.cli.data.DataDirs;
import io.hpsearch.nn.data.DataSets;
import io.hpsearch.worker.data.DataSetCache;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a worker reads its data sets. With {@code --data-dir D}, every set from D (or its
 * subfolder named after the set). Without it, Fashion-MNIST and MNIST from the Debian package's
 * folder ({@code /usr/share/datasets/...}) when it is installed, else from the folder
 * {@code hpsearch data fetch} fills ({@link DataDirs#defaultDataDir()}), like CIFAR-10.
 */
final class WorkerData {
    private WorkerData() {
    }

    static Path directory(String name, Path dataDir) {
        if (dataDir != null) return dataDir;
        if (name.equals(DataSets.FASHION_MNIST) && Files.isDirectory(DataSets.DEFAULT_FASHION_MNIST_DIR)) {
            return DataSets.DEFAULT_FASHION_MNIST_DIR;
        }
        if (name.equals(DataSets.MNIST) && Files.isDirectory(DataSets.DEFAULT_MNIST_DIR)) {
            return DataSets.DEFAULT_MNIST_DIR;
        }
        return DataDirs.defaultDataDir();
    }

    static DataSetCache cache(Path dataDir) {
        return new DataSetCache(name -> directory(name, dataDir));
    }
}
