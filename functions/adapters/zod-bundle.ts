/**
 * What `zod` resolves to inside a Lambda bundle (the esbuild alias in infra/constructs/contract-function.ts):
 * the same exports, so `import * as z from "zod"` tree-shakes as before (ADR 0051), plus a `z` that holds
 * only what the Powertools Parser's SES schema calls. That schema imports `{ z }`, and the real `z` re-export
 * would keep every zod locale in the bundle, about 357 KB measured (ADR 0045). A member missing here fails
 * when the bundle loads (the schema is built at import), which the bundle test does for every handler.
 */
import {
  array,
  boolean,
  enum as enumOf,
  iso,
  literal,
  number,
  object,
  string,
} from "../../node_modules/zod/v4/classic/external.js";

export * from "../../node_modules/zod/v4/classic/external.js";

export const z = { array, boolean, enum: enumOf, iso, literal, number, object, string };
