/**
 * The wire format of hpsearch: protobuf messages of package {@code hpsearch.v1} (generated into
 * {@code io.hpsearch.protocol.v1} from {@code src/main/proto/hpsearch/v1/*.proto}) and
 * {@link io.hpsearch.protocol.ProtobufSerializer}, the Akka serializer every remote message goes
 * through. This module's {@code reference.conf} binds every top-level message class to that
 * serializer and turns Java serialization off.
 */
package io.hpsearch.protocol;
