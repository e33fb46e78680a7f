package io.hpsearch.cli.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a data set comes from and how it is laid out on disk: the one place that holds the
 * official URLs and checksums. Tests substitute the base URL, the checksums and the local mirror
 * through the {@code with…} methods.
 *
 * @param name          the name used on the command line ({@code cifar10}, {@code fashion-mnist})
 * @param baseUrl       the files' URLs are {@code baseUrl + file name}
 * @param directory     the folder, under the data dir, that holds the data set once fetched
 * @param files         the files to download, with their MD5 checksums
 * @param layout        whether the download is an archive to unpack or the data files themselves
 * @param expectedFiles the files {@code directory} holds when the data set is complete
 * @param localMirror   a folder that may already hold {@code files} (a distribution package), or null
 * @param classNames    the names of the classes, in label order
 */
public record DataSetSpec(String name, URI baseUrl, String directory, List<RemoteFile> files, Layout layout,
                          List<String> expectedFiles, Path localMirror, List<String> classNames) {

    /** One downloadable file and the MD5 (lower-case hex) of its bytes. */
    public record RemoteFile(String name, String md5) {
        public RemoteFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(md5, "md5");
            md5 = md5.toLowerCase(Locale.ROOT);
        }
    }

    public enum Layout {
        /** One {@code .tar.gz} archive whose top folder is {@code directory}; unpacked, then deleted. */
        TAR_GZ,
        /** The downloaded files are the data files, kept as they are in {@code directory}. */
        FILES
    }

    public static final DataSetSpec CIFAR10 = new DataSetSpec("cifar10",
            URI.create("https://www.cs.toronto.edu/~kriz/"), "cifar-10-batches-bin",
            List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")),
            Layout.TAR_GZ,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin", "test_batch.bin"),
            null,
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"));

    /** The Debian package {@code dataset-fashion-mnist} installs the four files here. */
    public static final Path FASHION_MNIST_DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    public static final DataSetSpec FASHION_MNIST = new DataSetSpec("fashion-mnist",
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), "fashion-mnist",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                    new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83fd310")),
            Layout.FILES,
            List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz"),
            FASHION_MNIST_DEBIAN,
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"));

    public static final List<DataSetSpec> ALL = List.of(CIFAR10, FASHION_MNIST);

    public DataSetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(layout, "layout");
        files = List.copyOf(files);
        expectedFiles = List.copyOf(expectedFiles);
        classNames = List.copyOf(classNames);
        if (files.isEmpty()) throw new IllegalArgumentException("a data set needs at least one file");
        if (layout == Layout.TAR_GZ && files.size() != 1) {
            throw new IllegalArgumentException("a TAR_GZ data set is one archive, not " + files.size() + " files");
        }
        String url = baseUrl.toString();
        if (!url.endsWith("/")) baseUrl = URI.create(url + "/");
    }

    /**
     * The data set named {@code text} (case-insensitive; {@code cifar10}, {@code cifar-10},
     * {@code fashion-mnist}, {@code fashion_mnist}, {@code fashionmnist}).
     *
     * @throws IllegalArgumentException naming the value and the known names
     */
    public static DataSetSpec byName(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT).replace("_", "-");
        return switch (key) {
            case "cifar10", "cifar-10" -> CIFAR10;
            case "fashion-mnist", "fashionmnist" -> FASHION_MNIST;
            default -> throw new IllegalArgumentException("unknown data set '" + text + "' (known: cifar10, fashion-mnist)");
        };
    }

    /** URL of one of the files. */
    public URI urlOf(RemoteFile file) {
        return baseUrl.resolve(file.name());
    }

    public DataSetSpec withBaseUrl(URI url) {
        return new DataSetSpec(name, url, directory, files, layout, expectedFiles, localMirror, classNames);
    }

    public DataSetSpec withFiles(List<RemoteFile> newFiles) {
        return new DataSetSpec(name, baseUrl, directory, newFiles, layout, expectedFiles, localMirror, classNames);
    }

    /** A copy that looks for a local copy in {@code mirror} ({@code null}: always download). */
    public DataSetSpec withLocalMirror(Path mirror) {
        return new DataSetSpec(name, baseUrl, directory, files, layout, expectedFiles, mirror, classNames);
    }
}
