/**
 * The wire format of hpsearch: protobuf messages of package {@code hpsearch.v1} (generated into
 * {@code io.hpsearch.protocol.v1} from {@code src/main/proto/hpsearch/v1/*.proto}) and
 * {@link io.hpsearch.protocol.ProtobufSerializer}, the Akka serializer every remote message goes
 * through. This module's {@code reference.conf} binds every top-level message class to that
 * serializer and turns Java serialization off. Actor messages that carry {@code ActorRef}s are
 * the records of {@link io.hpsearch.protocol.wire} (see its package documentation for the design
 * and the worker conversation), serialized by {@link io.hpsearch.protocol.wire.WireSerializer}.
 */
package io.hpsearch.protocol;
