/** CSV record tokenising over bytes (RFC 4180 quoting), allocation-free per row. */

export const COMMA = 44;
export const LF = 10;
export const CR = 13;
export const QUOTE = 34;
const MAX_FIELDS = 8;

/**
 * Splits one CSV record (RFC 4180 quoting; LF or CRLF) out of a byte buffer into field offsets.
 * Reused for every row, so it allocates nothing per row.
 */
export class RecordTokenizer {
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  fields = 0;
  /** Code points of the field `countField` (quotes and escape doubling excluded). */
  chars = 0;
  /** Line breaks inside quoted fields of the record (for line numbering). */
  innerNewlines = 0;
  error: string | undefined;

  constructor(private readonly countField: number) {}

  private store(field: number, start: number, end: number): void {
    if (field < MAX_FIELDS) {
      this.starts[field] = start;
      this.ends[field] = end;
    }
  }

  /**
   * Tokenises the record starting at `pos`. Returns the position after it, or -1 when the buffer ends inside
   * it and more bytes may come (`final` false).
   */
  next(b: Uint8Array, pos: number, len: number, final: boolean): number {
    this.error = undefined;
    this.innerNewlines = 0;
    this.chars = 0;
    let field = 0;
    let p = pos;
    for (;;) {
      if (p < len && b[p] === QUOTE) {
        let i = p + 1;
        let count = 0;
        let newlines = 0;
        let closing = -1;
        while (i < len) {
          const c = b[i] as number;
          if (c === QUOTE) {
            if (i + 1 >= len && !final) return -1;
            if (b[i + 1] === QUOTE) {
              count++;
              i += 2;
              continue;
            }
            closing = i;
            break;
          }
          if (c === LF) newlines++;
          if ((c & 0xc0) !== 0x80) count++;
          i++;
        }
        this.innerNewlines += newlines;
        if (closing < 0) {
          if (!final) return -1;
          this.error = "unterminated quoted field";
          this.fields = field + 1;
          return len;
        }
        this.store(field, p + 1, closing);
        if (field === this.countField) this.chars = count;
        p = closing + 1;
        if (p < len && b[p] === COMMA) {
          field++;
          p++;
          continue;
        }
        this.fields = field + 1;
        if (p >= len) return final ? len : -1;
        if (b[p] === LF) return p + 1;
        if (b[p] === CR) {
          if (p + 1 >= len) return final ? len : -1;
          if (b[p + 1] === LF) return p + 2;
        }
        this.error = "characters after a closing quote";
        return this.skipLine(b, p, len, final);
      }
      let i = p;
      if (field === this.countField) {
        let count = 0;
        while (i < len) {
          const c = b[i] as number;
          if (c === COMMA || c === LF) break;
          if ((c & 0xc0) !== 0x80) count++;
          i++;
        }
        this.chars = count;
      } else {
        while (i < len) {
          const c = b[i];
          if (c === COMMA || c === LF) break;
          i++;
        }
      }
      if (i >= len && !final) return -1;
      if (i < len && b[i] === COMMA) {
        this.store(field, p, i);
        field++;
        p = i + 1;
        continue;
      }
      let end = i;
      if (end > p && b[end - 1] === CR) {
        end--;
        if (field === this.countField) this.chars--;
      }
      this.store(field, p, end);
      this.fields = field + 1;
      return i >= len ? len : i + 1;
    }
  }

  /** Resynchronises at the next line break after a malformed record. */
  private skipLine(b: Uint8Array, p: number, len: number, final: boolean): number {
    const lf = b.indexOf(LF, p);
    if (lf >= 0) return lf + 1;
    return final ? len : -1;
  }
}
