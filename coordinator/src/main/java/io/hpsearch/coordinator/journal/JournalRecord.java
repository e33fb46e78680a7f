package io.hpsearch.coordinator.journal;

import io.hpsearch.protocol.v1.JournalEntry;

/**
 * One record read from a journal.
 *
 * @param offset byte offset of the record's length field in the file
 * @param entry  the decoded payload
 */
public record JournalRecord(long offset, JournalEntry entry) {
}
