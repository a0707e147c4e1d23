/**
 * The durable on-disk spool of a network sink (docs/design.md §4; docs/reliability.md for
 * operators).
 *
 * <h2>Files</h2>
 *
 * One directory per sink (default {@code <data_dir>/spool/<sink name>}):
 *
 * <pre>
 *   LOCK                          held (io.OwnerLock) while a process uses the spool; names its PID and host
 *   ack                           the durable read pointer: one text line, replaced atomically
 *   00000000000000000000.seg      segment files, named after the sequence number of their first record
 *   00000000000000000731.seg
 *   quarantine/quarantined.ndjson one line per damaged range or unusable record: where, why, which file
 *   quarantine/&lt;segment&gt;@&lt;offset&gt;.&lt;ms&gt;.bytes  the damaged bytes exactly as found
 * </pre>
 *
 * <h2>SinkRecord frame (all integers big-endian)</h2>
 *
 * <pre>
 *  offset  size  field
 *   0       4    magic FF 41 53 31 ("\xFFAS1"; 0xFF never occurs in UTF-8, so record text seldom imitates it)
 *   4       4    payload length N (20 &lt;= N)
 *   8       4    CRC32C (java.util.zip.CRC32C) over bytes 4..7 (the length) and the N payload bytes
 *  12       N    payload:
 *                  0   8  seq          sequence number; strictly increasing through the whole spool
 *                  8   8  appended_at  epoch milliseconds (UTC) when the batch was appended; max_age and the
 *                                      oldest-age gauge use it
 *                 16   4  T            length of the record text; or -1 (SHARED): the record is its event's
 *                                      slog JSON line (the json format) and is stored once, as both; or
 *                                      -2 - L (SUMMARY, L the record's length): the record is followed by
 *                                      its event's summary instead of the event
 *                 20   T  text         the record as formatted for the sink, UTF-8 (invalid input bytes are
 *                                      kept as they came: text.Utf8)
 *               20+T  rest event       the event as its slog JSON line (codec.JsonFormat), UTF-8; rebuilt with
 *                                      codec.LogDecoder#decodeJsonLine, which round-trips it byte for byte
 *                                      (with T = -1: from byte 20, the record, which is that line; with a
 *                                      SUMMARY: from byte 20 + L, the EventSummary: kind, ID, Time and the
 *                                      fields the sink reads, sink.Sink#eventFields)
 * </pre>
 *
 * A frame is 32 + |record| bytes for a json record, 32 + |record| + |summary| for a record in
 * another format sent by a sink that names the fields it reads (every network sink), and 32 +
 * |record| + |event| otherwise (and in spools written before summaries, which still read). A spool
 * takes about 1.03 times the records' bytes for json records (Coder's event lines are about 900
 * bytes), 1.05-1.10 times for the other formats to Splunk HEC or Kafka (a summary of about 40
 * bytes), up to about 1.18 times for short human records to syslog with structured data (a summary
 * of about 90 bytes). Segments have no header; a segment is a plain sequence of frames.
 *
 * <h2>Ack file</h2>
 *
 * {@code auditship-spool-ack v1 next_seq=<N> segment=<20 digits> offset=<O> crc32c=<8 hex>}: every
 * record with a sequence number below N was delivered (or dead-lettered, or dropped by an explicit,
 * counted policy). {@code segment}/{@code offset} is only a hint where record N starts; it is used
 * only when the record there is whole and has exactly sequence number N (or the offset is the end
 * of the segment's data). It is written to {@code ack.tmp}, synced, renamed over {@code ack} and
 * the directory is synced, by a saver thread of its own, one save after the other, each with the
 * newest read pointer: the drainer does not wait for the disk after each batch (group commit). A
 * missing ack file means N = 0; a damaged one (CRC mismatch) is logged and also treated as N = 0:
 * everything still on disk is sent again, nothing is lost.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>An append writes every frame of the batch and fsyncs the segment before it returns; only
 *       then does the spool count the batch and the pipeline commit its source position. A batch
 *       whose append failed is cut off again (truncate to the previous end) and reported as not
 *       accepted.
 *   <li>The reader reads a segment only below its published end, which moves only after the sync.
 *   <li>A record leaves the spool only by acknowledgement after {@code RetryingSink.deliver}
 *       returned for it (delivered or dead-lettered), or by an explicit policy (max_age), counted
 *       and logged. The ack file never names a record that was not delivered. Deleting a segment
 *       whose records were all delivered is safe before the ack file that leaves it behind is
 *       saved, or when it cannot be written (the disk is full): recovery starts at the oldest
 *       segment left.
 *   <li>Records in segment S have sequence numbers from S's name up to (not including) the next
 *       segment's name; a segment whose successor's name is at most N holds only delivered records.
 *   <li>One process per spool directory (LOCK); two sinks may not share one (the config check and
 *       the lock).
 * </ol>
 *
 * <h2>Recovery (at open)</h2>
 *
 * <ol>
 *   <li>Take the lock; delete {@code *.tmp} (interrupted atomic replaces: the old file is intact).
 *   <li>Read the ack file; delete segments whose successor starts at or below N.
 *   <li>Scan every remaining segment from the ack hint (first segment) or from 0: a position holds
 *       a record when the magic matches, the length fits in the file, the CRC matches, and the
 *       sequence number is above the previous record's and below the next segment's name. Anything
 *       else is damage. <b>Resync</b>: from the byte after a damaged position, look for the next
 *       magic that starts a valid record (with a sequence number above the last good one); the
 *       bytes in between are the damaged range. Without such a record the damage runs to the end of
 *       the segment.
 *   <li>Quarantine every damaged range that may hold undelivered records (it is followed by
 *       nothing, or by a record above N): copy its bytes to {@code quarantine/}, add a line with
 *       the reason, sync, log a warning. Damage that only lies between records below N held
 *       delivered records and is skipped.
 *   <li>Repair: damage only at the end (a torn last record, bytes appended) is cut off by
 *       truncating the segment at the end of the last whole record. Damage in the middle makes the
 *       segment be rewritten with only its undelivered records ({@code .tmp}, sync, atomic rename,
 *       directory sync), after the ack hint was dropped so that no stale offset can point into the
 *       new file.
 *   <li>Segments left with no undelivered record are deleted. Appends continue in a new segment
 *       named after the next sequence number, max(N, last seq + 1).
 * </ol>
 *
 * <h2>Crash cases</h2>
 *
 * <ul>
 *   <li><b>kill -9 or power loss during an append</b>: the batch was not acknowledged to the
 *       pipeline, so the source did not commit it and sends it again. Whole frames of it that
 *       reached the disk are kept (and later delivered: duplicates, at-least-once); a torn last
 *       frame is quarantined. Power loss may also leave a hole of zeros or stale bytes inside the
 *       unsynced part: CRC and resync treat it as damage in the middle, the frames after it are
 *       kept.
 *   <li><b>during delivery</b>: the batch in flight was not acknowledged and is delivered again
 *       after the restart (duplicates; every record carries Coder's event ID for de-duplication).
 *   <li><b>between delivery and the save of the ack file</b>: the last ack file saved is intact;
 *       the batches acknowledged since are delivered again (those of one save's time, about 2 ms on
 *       a local disk, plus the one being written). {@link Spool#close} waits for the last save.
 *   <li><b>during recovery</b>: quarantine happens before repair and both are idempotent apart from
 *       a second quarantine copy of the same bytes; a rewrite is an atomic rename.
 *   <li><b>bytes changed later on disk</b> (a failing device): the CRC catches it when the record
 *       is read; the range is quarantined and the reader resyncs, as at recovery.
 * </ul>
 *
 * <h2>Bounds</h2>
 *
 * {@code max_bytes} bounds the frames not yet acknowledged. Delivered frames stay on disk until
 * their whole segment is delivered, so the directory may hold up to one more segment: {@code
 * max_bytes / 16}, at least 64 KiB and at most 64 MiB. A single record larger than {@code
 * max_bytes} is still accepted into an empty spool.
 */
package dev.auditship.spool;
