package io.hpsearch.nn.train;

/**
 * When a run measures its cost, loss and accuracy on the training set (a test-mode pass over every
 * training sample it uses). On Fashion-MNIST's 55,000 samples such a pass costs about a third of
 * an epoch's updates, and a search ranks its trials by validation accuracy alone.
 */
public enum TrainEvaluation {
    /** After every epoch: the training curves of {@code hpsearch train} and its plots. */
    EVERY_EPOCH,
    /**
     * After the last epoch only (its curves hold NaN for the training set before that); the
     * validation set is still measured after every epoch, and the final training accuracy is the same.
     */
    LAST_EPOCH
}
