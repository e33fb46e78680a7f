/**
 * The worker: {@link io.hpsearch.worker.WorkerNode} (an actor system with role {@code worker}),
 * {@link io.hpsearch.worker.Worker} (the actor that pulls leases from the coordinator and trains
 * them on a pool of its own), {@link io.hpsearch.worker.trial.TrialRunner} (one trial on the
 * calling thread, wire specs in, wire result out) and {@link io.hpsearch.worker.data.DataSetCache}
 * (each data set loaded once per JVM, shared read-only, fingerprint-checked). It depends on
 * {@code protocol} and {@code common-nn}, never on the coordinator's campaign logic.
 */
package io.hpsearch.worker;
