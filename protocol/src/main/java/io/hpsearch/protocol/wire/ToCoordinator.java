package io.hpsearch.protocol.wire;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelCampaign;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerHeartbeat;

import java.util.Objects;

/**
 * Messages the coordinator actor accepts: the type of its {@code ActorRef} and of {@link #KEY}.
 * The records nested here are the remote-facing ones (workers and clients send them); the
 * coordinator's own internal commands extend this interface too, but not {@link WireMessage}.
 *
 * <p>Replies: {@link RequestWork} gets one to {@code free_slots} {@link ToWorker.Lease} messages
 * or exactly one {@link ToWorker.Idle}; {@link Result} gets a {@link ToWorker.Ack} (also for a
 * result already recorded, which is otherwise ignored); {@link Heartbeat} and {@link Progress}
 * get none; {@link DataMissing} gets none (the worker simply gets no more of that campaign's
 * trials). Client requests are answered with the plain protobuf message named in the record.
 */
public interface ToCoordinator {
    /** The coordinator registers under this key with the Receptionist; workers and clients find it by it. */
    ServiceKey<ToCoordinator> KEY = ServiceKey.create(ToCoordinator.class, "hpsearch-coordinator");

    /** A worker with free slots asks for trials. */
    record RequestWork(WorkRequest request, ActorRef<ToWorker> replyTo) implements ToCoordinator, WireMessage {
        public RequestWork {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public WorkRequest payload() {
            return request;
        }
    }

    /** Per-epoch progress of a leased trial; renews the lease. No reply. */
    record Progress(TrialProgress progress) implements ToCoordinator, WireMessage {
        public Progress {
            Objects.requireNonNull(progress, "progress");
        }

        @Override
        public TrialProgress payload() {
            return progress;
        }
    }

    /** The outcome of a leased trial; answered with {@link ToWorker.Ack}. */
    record Result(TrialResult result, ActorRef<ToWorker> replyTo) implements ToCoordinator, WireMessage {
        public Result {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public TrialResult payload() {
            return result;
        }
    }

    /** A worker's periodic sign of life, renewing the leases it lists. No reply. */
    record Heartbeat(WorkerHeartbeat heartbeat, ActorRef<ToWorker> replyTo) implements ToCoordinator, WireMessage {
        public Heartbeat {
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public WorkerHeartbeat payload() {
            return heartbeat;
        }
    }

    /** The worker cannot load a campaign's data set; it gets no more trials of that campaign. */
    record DataMissing(DataUnavailable report, ActorRef<ToWorker> replyTo) implements ToCoordinator, WireMessage {
        public DataMissing {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public DataUnavailable payload() {
            return report;
        }
    }

    /** Queue a campaign; answered with a {@link CampaignAck}. */
    record Submit(SubmitCampaign request, ActorRef<CampaignAck> replyTo) implements ToCoordinator, WireMessage {
        public Submit {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public SubmitCampaign payload() {
            return request;
        }
    }

    /** Cancel a campaign; answered with a {@link CancelAck}. */
    record Cancel(CancelCampaign request, ActorRef<CancelAck> replyTo) implements ToCoordinator, WireMessage {
        public Cancel {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public CancelCampaign payload() {
            return request;
        }
    }

    /** Campaign states, workers and histogram percentiles; answered with a {@link StatusAnswer}. */
    record Status(StatusQuery query, ActorRef<StatusAnswer> replyTo) implements ToCoordinator, WireMessage {
        public Status {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public StatusQuery payload() {
            return query;
        }
    }

    /** The k best trials of a campaign; answered with a {@link TopKAnswer}. */
    record TopK(TopKQuery query, ActorRef<TopKAnswer> replyTo) implements ToCoordinator, WireMessage {
        public TopK {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public TopKQuery payload() {
            return query;
        }
    }
}
