/**
 * The coordinator's append-only journal of campaign events ({@code <state-dir>/journal.log}):
 * {@link io.hpsearch.coordinator.journal.Journal} appends and forces records to disk,
 * {@link io.hpsearch.coordinator.journal.JournalReader} reads them back (replay on start, and the
 * offline {@code hpsearch results --state-dir}). The entries are
 * {@link io.hpsearch.protocol.v1.JournalEntry} messages (hpsearch/v1/journal.proto).
 *
 * <p>File format, all integers big-endian:
 * <pre>
 * header : "HPSJ" (4 bytes) | version (int32, currently 1)
 * record : length (int32, 1..MAX_PAYLOAD) | CRC32C of the payload (int32) | payload (JournalEntry bytes)
 * record : ...
 * </pre>
 * A record is written in one positional write and, by default, forced to disk before
 * {@code append} returns. A crash can therefore only damage the last record (a torn tail), which
 * is cut off on the next open with a warning. Damage anywhere else means the disk or someone
 * else changed the file; opening then fails with {@link
 * io.hpsearch.coordinator.journal.JournalCorruptException} naming the byte offset, unless repair
 * is asked for.
 */
package io.hpsearch.coordinator.journal;
