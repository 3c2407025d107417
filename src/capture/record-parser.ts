/**
 * The push-style parser core shared by every input path. The synchronous file reader and the
 * asynchronous stream reader (gzip, standard input, pipes) both fill a buffer and call `feed`;
 * the parser consumes whole records and says how many bytes it used, so the reader can carry the
 * partial record that remains to the front of its buffer. No parsing logic lives in the readers.
 */
export interface RecordParser {
  /**
   * Parses the whole records in buf[start, end) and returns the index of the first byte it did
   * not consume (a partial record, or `end`). With `eof` the bytes are all there is: a partial
   * record left is reported as damage and consumed.
   */
  feed(buf: Uint8Array, start: number, end: number, eof: boolean): number;
  /** After `feed` returned early: how many bytes, from the returned index, it needs to go on. */
  readonly neededBytes: number;
  /** Reading is over: damage, the callback or the packet limit stopped it. */
  readonly done: boolean;
}
