/**
 * Actor messages of the cluster: thin records that carry one {@code hpsearch.v1} protobuf message
 * and, where a reply is expected, the {@code ActorRef} to reply to.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>The remote-facing message types live here, in protocol, because the worker and the
 *       coordinator may only meet in this module: {@link io.hpsearch.protocol.wire.ToCoordinator}
 *       (what the coordinator accepts; its {@code KEY} is the Receptionist service key) and
 *       {@link io.hpsearch.protocol.wire.ToWorker} (what the coordinator sends a worker).</li>
 *   <li>An actor's behaviour is typed by that interface ({@code Behavior<ToCoordinator>},
 *       {@code Behavior<ToWorker>}); its internal commands are records nested in the actor class
 *       that implement the interface too but NOT {@link io.hpsearch.protocol.wire.WireMessage}.
 *       Only the records here implement {@code WireMessage} (sealed), which reference.conf binds to
 *       {@link io.hpsearch.protocol.wire.WireSerializer}; an internal command sent to another node
 *       fails to serialize instead of falling back to Java serialization (which is off).</li>
 *   <li>On the wire a record is an {@code hpsearch.v1.ActorEnvelope} {reply_to, payload}: the ref
 *       in {@code ActorRefResolver.toSerializationFormat} form, the payload as protobuf bytes; the
 *       manifest {@code hpsearch.wire.<Name>} fixes the payload's type.</li>
 *   <li>Replies to clients (CampaignAck, CancelAck, StatusAnswer, TopKAnswer) are plain protobuf
 *       messages, serialized by {@link io.hpsearch.protocol.ProtobufSerializer}, so a client can
 *       {@code AskPattern.ask} with an {@code ActorRef<StatusAnswer>}.</li>
 * </ul>
 *
 * <h2>Worker conversation</h2>
 * <ol>
 *   <li>Find the coordinator: subscribe to {@code ToCoordinator.KEY} with the Receptionist.</li>
 *   <li>Send {@code RequestWork(WorkRequest{worker, free_slots}, self)} with a long-lived actor as
 *       {@code replyTo} (the coordinator watches it: if it stops or its node leaves the cluster,
 *       its leases go back to the queue). The answer is 1..free_slots {@code ToWorker.Lease}, or
 *       one {@code ToWorker.Idle} (ask again after {@code retry_after_millis}).</li>
 *   <li>While a trial runs: {@code Progress(TrialProgress)} per epoch (lease_id and worker_id
 *       set); optionally {@code Heartbeat}.</li>
 *   <li>At the end: {@code Result(TrialResult{id, lease_id, worker_id, …}, self)}; answered with
 *       {@code ToWorker.Ack}. A duplicate result is acknowledged and ignored.</li>
 *   <li>If the worker lacks the data set (fingerprint not in {@code WorkerInfo.data_fingerprints},
 *       or it cannot load it): send {@code DataMissing(DataUnavailable{worker, campaign,
 *       fingerprint, error, lease_id}, self)}; the lease goes back to the queue and the worker
 *       gets no more trials of that campaign. A worker that lists no fingerprints at all is taken to
 *       load data on demand: it is offered every campaign until it reports DataMissing.</li>
 *   <li>{@code ToWorker.Cancel}: stop the trial and report it with status CANCELLED.</li>
 *   <li>{@code ToWorker.Refused}: the coordinator's training code is not the worker's
 *       ({@code WorkerInfo.code_fingerprint}, {@code TrialResult.code_fingerprint}); it leases the
 *       worker nothing and records none of its results. The worker stops.</li>
 * </ol>
 * Cluster settings for every role: {@link io.hpsearch.protocol.ClusterConfig#node} (system name
 * {@code hpsearch}, roles coordinator/worker/client, Artery TCP, keep-oldest downing).
 * Worker ids: {@code WorkerInfo.worker_id}, unique per worker process; the coordinator keys its
 * lease bookkeeping by it.
 */
package io.hpsearch.protocol.wire;
