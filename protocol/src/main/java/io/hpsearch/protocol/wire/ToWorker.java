package io.hpsearch.protocol.wire;

import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkerRefused;

import java.util.Objects;

/**
 * Messages the coordinator sends to a worker: the type of the {@code replyTo} a worker puts in
 * {@link ToCoordinator.RequestWork}, {@link ToCoordinator.Result}, {@link ToCoordinator.Heartbeat}
 * and {@link ToCoordinator.DataMissing}. A worker actor's own internal commands may extend this
 * interface (but not {@link WireMessage}), so its behaviour can be a {@code Behavior<ToWorker>}.
 *
 * <p>The coordinator watches the ref a worker sends: when the worker's actor stops or its node
 * leaves the cluster, the trials leased to it go back to the queue. A worker should therefore use
 * one long-lived actor as its {@code replyTo}, not a temporary one per request.
 */
public interface ToWorker {
    /** One trial to run. */
    record Lease(WorkLease lease) implements ToWorker, WireMessage {
        public Lease {
            Objects.requireNonNull(lease, "lease");
        }

        @Override
        public WorkLease payload() {
            return lease;
        }
    }

    /** Nothing to run now; ask again after {@code retry_after_millis}. */
    record Idle(NoWork noWork) implements ToWorker, WireMessage {
        public Idle {
            Objects.requireNonNull(noWork, "noWork");
        }

        @Override
        public NoWork payload() {
            return noWork;
        }
    }

    /** The coordinator has the result; the worker may forget it. */
    record Ack(TrialResultAck ack) implements ToWorker, WireMessage {
        public Ack {
            Objects.requireNonNull(ack, "ack");
        }

        @Override
        public TrialResultAck payload() {
            return ack;
        }
    }

    /** Stop a running trial (its campaign was cancelled); answer with a CANCELLED result. */
    record Cancel(CancelTrial cancel) implements ToWorker, WireMessage {
        public Cancel {
            Objects.requireNonNull(cancel, "cancel");
        }

        @Override
        public CancelTrial payload() {
            return cancel;
        }
    }

    /**
     * This worker gets no trials from this coordinator (its training code differs); it stops.
     * Sent in answer to any message that carries the worker's {@code WorkerInfo}, and to a result
     * it trained with other code.
     */
    record Refused(WorkerRefused refused) implements ToWorker, WireMessage {
        public Refused {
            Objects.requireNonNull(refused, "refused");
        }

        @Override
        public WorkerRefused payload() {
            return refused;
        }
    }
}
