/**
 * A cursor over a pcapng options list (draft-ietf-opsawg-pcapng §3.5): 16-bit code, 16-bit value
 * length, the value padded to 32 bits; code 0 (opt_endofopt) or the end of the area ends the list.
 * One cursor per parser is reused, so walking options allocates nothing. An option whose length
 * runs past the end of its block stops the walk and is reported through `overrunOffset`.
 */
export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

export class OptionCursor {
  code = 0;
  valueStart = 0;
  valueLength = 0;
  /** Buffer index of an option whose value runs past the area's end, or -1. */
  overrunOffset = -1;
  overrunCode = 0;
  overrunLength = 0;

  private view: DataView = new DataView(new ArrayBuffer(0));
  private littleEndian = true;
  private pos = 0;
  private end = 0;

  reset(view: DataView, start: number, end: number, littleEndian: boolean): void {
    this.view = view;
    this.pos = start;
    this.end = end;
    this.littleEndian = littleEndian;
    this.overrunOffset = -1;
  }

  /** Moves to the next option; false at the end of the list (or at an overrun). */
  next(): boolean {
    const pos = this.pos;
    if (this.end - pos < 4) return false;
    const code = this.view.getUint16(pos, this.littleEndian);
    if (code === OPT_ENDOFOPT) return false;
    const length = this.view.getUint16(pos + 2, this.littleEndian);
    if (pos + 4 + length > this.end) {
      this.overrunOffset = pos;
      this.overrunCode = code;
      this.overrunLength = length;
      this.pos = this.end;
      return false;
    }
    this.code = code;
    this.valueStart = pos + 4;
    this.valueLength = length;
    this.pos = pos + 4 + ((length + 3) & ~3);
    return true;
  }

  u8(): number {
    return this.view.getUint8(this.valueStart);
  }

  u32(): number {
    return this.view.getUint32(this.valueStart, this.littleEndian);
  }

  /** An unsigned 64-bit value as a number (exact below 2^53: counters and timestamps). */
  u64(): number {
    const hi = this.view.getUint32(
      this.valueStart + (this.littleEndian ? 4 : 0),
      this.littleEndian,
    );
    const lo = this.view.getUint32(
      this.valueStart + (this.littleEndian ? 0 : 4),
      this.littleEndian,
    );
    return hi * 4_294_967_296 + lo;
  }

  /** A signed 64-bit value as a number (if_tsoffset). */
  i64(): number {
    const hi = this.view.getInt32(this.valueStart + (this.littleEndian ? 4 : 0), this.littleEndian);
    const lo = this.view.getUint32(
      this.valueStart + (this.littleEndian ? 0 : 4),
      this.littleEndian,
    );
    return hi * 4_294_967_296 + lo;
  }
}
