/**
 * dynalite turns LevelDB iterators into streams and, when a stream ends or is cut short (a Query's Limit),
 * closes the iterator only if it has `return()` — which abstract-level's iterators (level 10) do not have; they
 * have `close()`. Every Query and Scan therefore left its iterator open, held by the database until it closed:
 * with the table on disk each one pins LevelDB's memtables and blocks outside the JS heap (the process grew by
 * about 1 GB over a month of 1,000 contracts while its heap stayed near 300 MB), in memory it kept old versions
 * of the tree. ADR 0073: the iterators get the async-iterator protocol's `return()`, which closes them.
 */
import { createRequire } from "node:module";

interface IteratorPrototype {
  close(): Promise<void>;
  return?: (value?: unknown) => Promise<{ done: true; value: unknown }>;
}

/**
 * The prototype abstract-level's entry, key and value iterators share (its CommonIterator, where `close()` is),
 * as dynalite's own stores (classic-level, memory-level) load it.
 */
function iteratorPrototypes(): IteratorPrototype[] {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const stores = [
    createRequire(createRequire(fromDynalite.resolve("level")).resolve("classic-level")),
    createRequire(fromDynalite.resolve("memory-level")),
  ];
  const prototypes = new Set<IteratorPrototype>();
  for (const store of stores) {
    const { AbstractIterator } = store("abstract-level") as {
      AbstractIterator: { prototype: IteratorPrototype };
    };
    prototypes.add(Object.getPrototypeOf(AbstractIterator.prototype) as IteratorPrototype);
  }
  return [...prototypes];
}

export function closeLevelIteratorsOnReturn(): void {
  for (const prototype of iteratorPrototypes()) {
    if (prototype.return) continue;
    prototype.return = async function (this: IteratorPrototype, value?: unknown) {
      await this.close();
      return { done: true, value };
    };
  }
}
