package io.hpsearch.protocol.wire;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.hpsearch.protocol.v1.ActorEnvelope;
import io.hpsearch.protocol.v1.CancelCampaign;
import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerHeartbeat;
import io.hpsearch.protocol.v1.WorkerRefused;

import java.io.NotSerializableException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Akka serializer of the {@link WireMessage} records.
 *
 * <p>Manifest: {@code hpsearch.wire.<RecordName>} (e.g. {@code hpsearch.wire.RequestWork}),
 * independent of the Java class names. Bytes: an {@link ActorEnvelope} whose {@code payload} is
 * the record's protobuf message (its type is fixed by the manifest) and whose {@code reply_to} is
 * the record's {@code ActorRef} in {@link ActorRefResolver#toSerializationFormat} form (empty for
 * records without one). Undecodable bytes or an unknown manifest raise
 * {@link NotSerializableException}; Akka's remoting logs and drops the message.
 */
public final class WireSerializer extends SerializerWithStringManifest {
    /** Stable serializer id, written into every remote envelope. Never change it. */
    public static final int IDENTIFIER = 428_470_002;
    public static final String MANIFEST_PREFIX = "hpsearch.wire.";

    /** How one record maps to the envelope. */
    private record Kind(String manifest, Class<? extends WireMessage> type, Parser<? extends Message> parser,
                        BiFunction<Message, ActorRef<Object>, WireMessage> create) {
    }

    private static final Map<String, Kind> BY_MANIFEST;
    private static final Map<Class<?>, Kind> BY_CLASS;

    static {
        Map<String, Kind> m = new LinkedHashMap<>();
        add(m, ToCoordinator.RequestWork.class, WorkRequest.parser(),
                (p, r) -> new ToCoordinator.RequestWork((WorkRequest) p, narrow(r)));
        add(m, ToCoordinator.Progress.class, TrialProgress.parser(),
                (p, r) -> new ToCoordinator.Progress((TrialProgress) p));
        add(m, ToCoordinator.Result.class, TrialResult.parser(),
                (p, r) -> new ToCoordinator.Result((TrialResult) p, narrow(r)));
        add(m, ToCoordinator.Heartbeat.class, WorkerHeartbeat.parser(),
                (p, r) -> new ToCoordinator.Heartbeat((WorkerHeartbeat) p, narrow(r)));
        add(m, ToCoordinator.DataMissing.class, DataUnavailable.parser(),
                (p, r) -> new ToCoordinator.DataMissing((DataUnavailable) p, narrow(r)));
        add(m, ToCoordinator.Submit.class, SubmitCampaign.parser(),
                (p, r) -> new ToCoordinator.Submit((SubmitCampaign) p, narrow(r)));
        add(m, ToCoordinator.Cancel.class, CancelCampaign.parser(),
                (p, r) -> new ToCoordinator.Cancel((CancelCampaign) p, narrow(r)));
        add(m, ToCoordinator.Status.class, StatusQuery.parser(),
                (p, r) -> new ToCoordinator.Status((StatusQuery) p, narrow(r)));
        add(m, ToCoordinator.TopK.class, TopKQuery.parser(),
                (p, r) -> new ToCoordinator.TopK((TopKQuery) p, narrow(r)));
        // ToWorker.Cancel shares its simple name with ToCoordinator.Cancel: give it its own manifest.
        add(m, "WorkerLease", ToWorker.Lease.class, WorkLease.parser(), (p, r) -> new ToWorker.Lease((WorkLease) p));
        add(m, "WorkerIdle", ToWorker.Idle.class, NoWork.parser(), (p, r) -> new ToWorker.Idle((NoWork) p));
        add(m, "WorkerAck", ToWorker.Ack.class, TrialResultAck.parser(), (p, r) -> new ToWorker.Ack((TrialResultAck) p));
        add(m, "WorkerCancel", ToWorker.Cancel.class, CancelTrial.parser(),
                (p, r) -> new ToWorker.Cancel((CancelTrial) p));
        add(m, "WorkerRefused", ToWorker.Refused.class, WorkerRefused.parser(),
                (p, r) -> new ToWorker.Refused((WorkerRefused) p));
        BY_MANIFEST = Collections.unmodifiableMap(m);
        Map<Class<?>, Kind> c = new LinkedHashMap<>();
        for (Kind k : m.values()) c.put(k.type(), k);
        BY_CLASS = Collections.unmodifiableMap(c);
    }

    private static void add(Map<String, Kind> m, Class<? extends WireMessage> type, Parser<? extends Message> parser,
                            BiFunction<Message, ActorRef<Object>, WireMessage> create) {
        add(m, type.getSimpleName(), type, parser, create);
    }

    private static void add(Map<String, Kind> m, String name, Class<? extends WireMessage> type,
                            Parser<? extends Message> parser, BiFunction<Message, ActorRef<Object>, WireMessage> create) {
        Kind k = new Kind(MANIFEST_PREFIX + name, type, parser, create);
        if (m.put(k.manifest(), k) != null) throw new IllegalStateException("duplicate manifest " + k.manifest());
    }

    @SuppressWarnings("unchecked")
    private static <T> ActorRef<T> narrow(ActorRef<Object> ref) {
        if (ref == null) throw new IllegalArgumentException("reply_to is missing");
        return (ActorRef<T>) (ActorRef<?>) ref;
    }

    private final ExtendedActorSystem system;
    // Resolved on first use: the extension must not be created while the system is starting up
    // (serializers are instantiated during start-up).
    private volatile ActorRefResolver resolver;

    /** Constructor Akka uses. */
    public WireSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    /** Every manifest this serializer reads, by record class. */
    public static Map<Class<?>, String> manifests() {
        Map<Class<?>, String> out = new LinkedHashMap<>();
        BY_CLASS.forEach((cls, k) -> out.put(cls, k.manifest()));
        return Collections.unmodifiableMap(out);
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return kind(o).manifest();
    }

    @Override
    public byte[] toBinary(Object o) {
        kind(o);
        WireMessage w = (WireMessage) o;
        ActorEnvelope.Builder env = ActorEnvelope.newBuilder().setPayload(w.payload().toByteString());
        ActorRef<?> ref = replyTo(w);
        if (ref != null) env.setReplyTo(resolver().toSerializationFormat(ref));
        return env.build().toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Kind k = BY_MANIFEST.get(manifest);
        if (k == null) {
            throw new NotSerializableException("unknown hpsearch wire message '" + manifest + "' (" + bytes.length
                    + " bytes); known: " + BY_MANIFEST.keySet());
        }
        try {
            ActorEnvelope env = ActorEnvelope.parseFrom(bytes);
            Message payload = k.parser().parseFrom(env.getPayload());
            ActorRef<Object> ref = env.getReplyTo().isEmpty() ? null : resolver().resolveActorRef(env.getReplyTo());
            return k.create().apply(payload, ref);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            NotSerializableException ex = new NotSerializableException("cannot decode " + manifest + " from "
                    + bytes.length + " bytes: " + e.getMessage());
            ex.initCause(e);
            throw ex;
        }
    }

    private static Kind kind(Object o) {
        Kind k = o == null ? null : BY_CLASS.get(o.getClass());
        if (k == null) {
            throw new IllegalArgumentException("WireSerializer handles io.hpsearch.protocol.wire records only, not "
                    + (o == null ? "null" : o.getClass().getName()));
        }
        return k;
    }

    private static ActorRef<?> replyTo(WireMessage w) {
        if (w instanceof ToCoordinator.RequestWork m) return m.replyTo();
        if (w instanceof ToCoordinator.Result m) return m.replyTo();
        if (w instanceof ToCoordinator.Heartbeat m) return m.replyTo();
        if (w instanceof ToCoordinator.DataMissing m) return m.replyTo();
        if (w instanceof ToCoordinator.Submit m) return m.replyTo();
        if (w instanceof ToCoordinator.Cancel m) return m.replyTo();
        if (w instanceof ToCoordinator.Status m) return m.replyTo();
        if (w instanceof ToCoordinator.TopK m) return m.replyTo();
        return null;
    }
}
