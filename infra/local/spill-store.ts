/**
 * Where the embedded stack keeps what a service holds outside the application and reads rarely — a closed
 * execution's history, a sent email's body — deflated, either in one append-only file in the stack's data
 * directory (as the services keep them on their own disks) or, without a data directory, in memory.
 * ADR 0072: with the file, what stays in the process per record is its offset and length.
 */
import { closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** A stored text: call it to read the text back (each call reads and inflates it again). */
export type SpilledText = () => string;

export interface SpillStore {
  put(text: string): SpilledText;
  close(): void;
}

/** Keeps the deflated texts in memory (no data directory: `npm start`, the tests). */
export function memorySpillStore(): SpillStore {
  return {
    put(text) {
      const packed = deflateRawSync(Buffer.from(text, "utf8"));
      return () => inflateRawSync(packed).toString("utf8");
    },
    close() {},
  };
}

/**
 * Keeps the deflated texts in `<dir>/<name>`, created empty (a stack starts with no history and no mail), and
 * read back synchronously, so a reader (a getter, GetExecutionHistory) sees the text at once. The file is
 * written only by this process, one text after another; a text is at its offset for as long as the store is
 * open. Reading after close() throws.
 */
export function fileSpillStore(dir: string, name: string): SpillStore {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, name), "w+");
  let end = 0;
  let open = true;
  return {
    put(text) {
      const packed = deflateRawSync(Buffer.from(text, "utf8"));
      const offset = end;
      const length = packed.length;
      let written = 0;
      while (written < length) written += writeSync(fd, packed, written, length - written, offset + written);
      end += length;
      return () => {
        if (!open) throw new Error(`${name}: read after the store was closed`);
        const buffer = Buffer.allocUnsafe(length);
        let read = 0;
        while (read < length) {
          const n = readSync(fd, buffer, read, length - read, offset + read);
          if (n === 0)
            throw new Error(`${name}: ${length} bytes expected at ${offset}, file ends at ${offset + read}`);
          read += n;
        }
        return inflateRawSync(buffer).toString("utf8");
      };
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

export function spillStore(dataDir: string | undefined, name: string): SpillStore {
  return dataDir === undefined ? memorySpillStore() : fileSpillStore(dataDir, name);
}
