/**
 * Named limits of the capture readers. Each bounds memory or says when a length field is garbage
 * rather than data; the source of each number is cited beside it.
 */

/**
 * Largest captured packet accepted: Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD (262144), which is
 * also libpcap's MAXIMUM_SNAPLEN. tshark refuses larger records with "File has N-byte packet,
 * bigger than maximum of 262144"; a larger caplen in a pcap record is a corrupt header.
 */
export const MAX_PACKET_BYTES = 262_144;

/**
 * Largest pcapng block buffered whole. Packet blocks are bounded by MAX_PACKET_BYTES plus their
 * options; this leaves room for big Name Resolution or Decryption Secrets blocks. Wireshark's
 * own limit (MAX_BLOCK_SIZE) is 128 MiB, sized for D-Bus messages, which wirewhy does not read.
 */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * Read buffer of the synchronous file path: one buffer, reused for the whole file. Measured on
 * this project's loopback capture: 16 MiB reads are ~1.7x faster than 1 MiB streams and ~4.5x
 * faster than Node's default 64 KiB stream chunks. Read synchronously, 1 MiB beats 16 MiB (info
 * 0.27 s against 0.30 s on the 1 GB capture; 512 KiB and 2 MiB the same as 1 MiB, 4 MiB 0.28 s):
 * the decoders then find the bytes read() just wrote still in a core's L2 cache (1 MiB on the
 * measuring machine) instead of L3, and the resident set is 15 MB smaller.
 */
export const FILE_BUFFER_BYTES = 1024 * 1024;

/** Smallest buffer worth allocating for a small file (the buffer is never larger than the file). */
export const MIN_BUFFER_BYTES = 64 * 1024;

/**
 * Buffer of the streaming path (gzip, standard input, pipes). Chunks arrive at 64 KiB (pipes) or
 * the gunzip chunk size, so a smaller buffer than the file path loses nothing.
 */
export const STREAM_BUFFER_BYTES = 4 * 1024 * 1024;

/** Chunk size asked of zlib's gunzip and of file read streams. */
export const STREAM_CHUNK_BYTES = 1024 * 1024;

/**
 * Resynchronisation after a corrupt pcap record header: how far to scan for the next plausible
 * header before giving up, and how far (either way) its timestamp may be from the last good
 * packet's. Captures are time-ordered within small jitter (merged files within seconds), so an
 * hour is generous and still rejects random bytes, whose seconds field is uniformly spread over
 * 136 years.
 */
export const RESYNC_SCAN_LIMIT_BYTES = 16 * 1024 * 1024;
export const RESYNC_MAX_TIME_GAP_SEC = 3_600;

/**
 * pcapng sections and interfaces kept in CaptureMeta. Real files hold a few (a mergecap of 126
 * files has 126 interfaces); a file past these is built to exhaust memory, and reading stops.
 */
export const MAX_SECTIONS = 65_536;
export const MAX_INTERFACES = 65_536;

/** Comments on sections and interfaces kept, all together; more are counted, not kept. */
export const MAX_HEADER_COMMENTS = 10_000;

/** Name Resolution Block entries kept in CaptureMeta.names; more are counted, not kept. */
export const MAX_NAME_RECORDS = 100_000;

/** Decryption secrets text kept in CaptureMeta.secrets, all blocks together. */
export const MAX_SECRETS_BYTES = 64 * 1024 * 1024;
