package io.hpsearch.protocol.wire;

/**
 * Marker of the actor messages that may cross the network. reference.conf binds this interface to
 * {@link WireSerializer}; only the records of {@link ToCoordinator} and {@link ToWorker} implement
 * it (the interface is sealed), so an actor's internal commands, which implement
 * {@code ToCoordinator} or {@code ToWorker} but not this, have no serializer and cannot be sent
 * to another node by mistake.
 */
public sealed interface WireMessage permits
        ToCoordinator.RequestWork, ToCoordinator.Progress, ToCoordinator.Result, ToCoordinator.Heartbeat,
        ToCoordinator.DataMissing, ToCoordinator.Submit, ToCoordinator.Cancel, ToCoordinator.Status,
        ToCoordinator.TopK,
        ToWorker.Lease, ToWorker.Idle, ToWorker.Ack, ToWorker.Cancel, ToWorker.Refused {
    /** The protobuf message the record carries. */
    com.google.protobuf.Message payload();
}
