/**
 * Work dynalite repeats on every request for the same input, done once (ADR 0112). Each edit replaces a text of
 * dynalite 4.0.0's own source with one that calls `lean` (below) for the same answer:
 *
 * - **Request ids** (index.js `rand52CharId`): the 39 random bytes behind each `x-amzn-RequestId` were one
 *   `crypto.randomBytes(39)` each, a call into OpenSSL per request, then written in base64 and changed to the
 *   id's 52 characters. Now one call fills 128 ids' bytes and they are written and changed in one go: the same
 *   CSPRNG bytes, each used once, and each id the 52 characters its own 39 bytes would have made.
 * - **Hash prefixes** (db/index.js `hashPrefix`): each item key starts with the first six hex digits of an MD5
 *   of "Outliers" and the key's hash part (and, for an index key, the table key's two parts), a pure function of
 *   those strings, recomputed for every key of every request. It is remembered per distinct argument list.
 * - **Type descriptors** (validations/index.js `checkTypes`): for every attribute value of a request dynalite
 *   built a new descriptor of the AttributeValue structure and a `{ type }` wrapper per child, and matched each
 *   type name against `/(.+?)<(.+)>$/`; its regex validations compiled `RegExp('^' + pattern + '$')` per value.
 *   Descriptors, wrappers, matches and regexes are now made once per distinct name or pattern and shared: none
 *   of them is written to after it is made, and a regex without flags keeps no state between `test`s. And a
 *   structure with one key (every attribute value) is checked by that key alone, not by a walk of all ten
 *   AttributeValue members (`onlyTypedKey`).
 *
 * Each edit was read against the source whose SHA-256 is in `AUDITED_SOURCES`; a dynalite whose file differs
 * gets that file as published (the edits are off, and a test fails until someone reads the new source).
 */
import { createHash, randomFillSync } from "node:crypto";

export type DynaliteFile = "index.js" | "db/index.js" | "validations/index.js";

/** The sources the edits were read against (dynalite 4.0.0). */
export const AUDITED_SOURCES: Readonly<Record<DynaliteFile, string>> = {
  "index.js": "6f3a39f80689f51c9242df9b12e30beb9c8c1075c2b8a52a4491f5e373ef5fbe",
  "db/index.js": "25b5b4edb29a8399f78040b825d96af3e56c422fac656710eb4fb1e8e29e5d9d",
  "validations/index.js": "f6207164c93b1957dcc93024e963ab33529d4f2187f4c0c5d3b229eed8e8e826",
};

/** Published text → edited text; each published text occurs exactly once in its audited file. */
export const REQUEST_PATH_EDITS: Readonly<Record<DynaliteFile, ReadonlyArray<readonly [string, string]>>> = {
  "index.js": [
    [
      "  var bytes = crypto.randomBytes(39)\n" +
        "  // Need to replace + and / so just choose 0, obvs won't be truly random, whatevs\n" +
        "  return bytes.toString('base64').toUpperCase().replace(/\\+|\\//g, '0')\n",
      "  return lean.requestId()\n",
    ],
  ],
  "db/index.js": [
    [
      "function hashPrefix (hashKey, hashType, rangeKey, rangeType) {\n",
      "function hashPrefix (hashKey, hashType, rangeKey, rangeType) {\n" +
        "  return lean.rememberedHashPrefix(computedHashPrefix, hashKey, hashType, rangeKey, rangeType)\n" +
        "}\n\n" +
        "function computedHashPrefix (hashKey, hashType, rangeKey, rangeType) {\n",
    ],
  ],
  "validations/index.js": [
    [
      "    if (typeof children == 'string') children = { type: children }\n",
      "    if (typeof children == 'string') children = lean.childTypes[children] || (lean.childTypes[children] = { type: children })\n",
    ],
    [
      "    var subtypeMatch = type.match(/(.+?)<(.+)>$/), subtype\n",
      "    var subtypeMatch = lean.typeMatch(type), subtype\n",
    ],
    [
      "      return checkType(val, {\n        type: subtype + '<AttributeValue>',\n",
      "      return checkType(val, lean.attrStructs[subtype] || (lean.attrStructs[subtype] = {\n        type: subtype + '<AttributeValue>',\n",
    ],
    [
      "          },\n        },\n      })\n    }\n\n    switch (type) {\n",
      "          },\n        },\n      }))\n    }\n\n    switch (type) {\n",
    ],
    ["validate(RegExp('^' + pattern + '$').test(data)", "validate(lean.anchored(pattern).test(data)"],
    [
      "  return Object.keys(types).reduce(function (newData, key) {\n",
      "  var onlyKey = lean.onlyTypedKey(data, types)\n" +
        "  if (onlyKey !== undefined) {\n" +
        "    var onlyVal = checkType(data[onlyKey], types[onlyKey]), only = {}\n" +
        "    if (onlyVal != null) only[onlyKey] = onlyVal\n" +
        "    return only\n" +
        "  }\n\n" +
        "  return Object.keys(types).reduce(function (newData, key) {\n",
    ],
  ],
};

/** Whether `source` is the text the edits of `file` were read against. */
export function isAuditedSource(file: DynaliteFile, source: string): boolean {
  return createHash("sha256").update(source).digest("hex") === AUDITED_SOURCES[file];
}

/**
 * `current` (the file's `published` text, or that text with other edits made first) with the file's edits, if
 * `published` is the audited text; otherwise `current` as it is.
 */
export function withRequestPathEdits(file: DynaliteFile, published: string, current = published): string {
  if (!isAuditedSource(file, published)) return current;
  let edited = current;
  for (const [published, replacement] of REQUEST_PATH_EDITS[file]) {
    if (edited.split(published).length !== 2) {
      throw new Error(`dynalite's ${file} does not read ${JSON.stringify(published)} once (ADR 0112)`);
    }
    edited = edited.replace(published, () => replacement);
  }
  return edited;
}

/** Ids cut from one fill of random bytes (39 bytes each, as `rand52CharId` takes them). */
const IDS_PER_FILL = 128;
const ID_BYTES = 39;
const ID_CHARS = 52;

/** Hash prefixes remembered; past this many they are forgotten and the count starts again. */
const REMEMBERED_PREFIXES = 10_000;

type HashPrefix = (hashKey: unknown, hashType: unknown, rangeKey?: unknown, rangeType?: unknown) => string;

/**
 * What the edited sources call: the same answers as the code they replace, each made once. `fill` fills a buffer
 * with random bytes (a test gives its own to check the ids' texts).
 */
export function requestPathHelpers(fill: (bytes: Buffer) => Buffer = randomFillSync) {
  let ids = "";
  let used = IDS_PER_FILL;
  const prefixes = new Map<string, string>();
  const typeMatches = new Map<string, RegExpMatchArray | null>();
  const anchored = new Map<string, RegExp>();
  return {
    /**
     * The next request id: 39 unused random bytes as `rand52CharId` writes them (base64, upper case, "+" and "/"
     * as "0"). 39 bytes are 13 whole groups of three, so the base64 of a fill is its ids' texts end to end, and
     * upper-casing and replacing character by character leaves each id's text as it would be on its own.
     */
    requestId(): string {
      if (used === IDS_PER_FILL) {
        ids = fill(Buffer.allocUnsafe(ID_BYTES * IDS_PER_FILL))
          .toString("base64")
          .toUpperCase()
          .replace(/\+|\//g, "0");
        used = 0;
      }
      used += 1;
      return ids.slice((used - 1) * ID_CHARS, used * ID_CHARS);
    },
    /** `compute`'s answer, remembered for string arguments (an absent range key stays apart from any text). */
    rememberedHashPrefix(
      compute: HashPrefix,
      hashKey: unknown,
      hashType: unknown,
      rangeKey?: unknown,
      rangeType?: unknown,
    ): string {
      const strings = typeof hashKey === "string" && typeof hashType === "string";
      const range =
        rangeKey === undefined && rangeType === undefined
          ? true
          : typeof rangeKey === "string" && typeof rangeType === "string";
      if (!strings || !range) return compute(hashKey, hashType, rangeKey, rangeType);
      const key = JSON.stringify([hashKey, hashType, rangeKey ?? null, rangeType ?? null]);
      const known = prefixes.get(key);
      if (known !== undefined) return known;
      const prefix = compute(hashKey, hashType, rangeKey, rangeType);
      if (prefixes.size >= REMEMBERED_PREFIXES) prefixes.clear();
      prefixes.set(key, prefix);
      return prefix;
    },
    /** `type.match(/(.+?)<(.+)>$/)`, once per type name (the match is only read). */
    typeMatch(type: string): RegExpMatchArray | null {
      let match = typeMatches.get(type);
      if (match === undefined) {
        match = type.match(/(.+?)<(.+)>$/);
        typeMatches.set(type, match);
      }
      return match;
    },
    /** `RegExp('^' + pattern + '$')`, once per pattern. */
    anchored(pattern: string): RegExp {
      let regex = anchored.get(pattern);
      if (regex === undefined) {
        regex = RegExp(`^${pattern}$`);
        anchored.set(pattern, regex);
      }
      return regex;
    },
    /**
     * The one key `data` has, when it has one and it is one of `types`' own: then `checkTypes` need only check
     * that key. Its rebuilt object walks every key of `types` in order and keeps those `data` has (a key it
     * lacks is checked as null, which neither throws nor is kept), so with one such key the result is the
     * same. Undefined otherwise (no key, several, or a key `types` only inherits), and the walk is made.
     */
    onlyTypedKey(data: unknown, types: object): string | undefined {
      let only: string | undefined;
      // dynalite's request data: any JSON value (for-in over a string or null is as in dynalite's own loop).
      for (const key in data as object) {
        if (only !== undefined) return undefined;
        only = key;
      }
      return only !== undefined && Object.hasOwn(types, only) ? only : undefined;
    },
    /** The AttributeValue descriptor per subtype, as the published literal makes it. */
    attrStructs: Object.create(null) as Record<string, unknown>,
    /** `{ type: name }` per child type name. */
    childTypes: Object.create(null) as Record<string, unknown>,
  };
}

export type RequestPathHelpers = ReturnType<typeof requestPathHelpers>;
