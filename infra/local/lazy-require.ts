/**
 * Loading a CommonJS package whose own dependencies are only needed by some of its calls, with those
 * dependencies loaded on their first use instead of at load (ADR 0057). The SES emulator requires mailparser
 * and nodemailer when it loads, for SendRawEmail, the v2 raw send, `.eml` export and SMTP relay, which a run
 * of the stack's v1 SendEmail never calls: together about 40 % of the emulator's load.
 */
import Module, { createRequire } from "node:module";
import { sep } from "node:path";

/**
 * A dependency loaded on first use. `esModule` is what the real module's `__esModule` is: TypeScript's
 * `__importDefault` reads it when the requiring module loads, so the stand-in answers it without loading.
 */
export interface LazyDependency {
  id: string;
  esModule: boolean;
}

function fixedKeys(target: object): (string | symbol)[] {
  return Reflect.ownKeys(target).filter(
    (key) => Reflect.getOwnPropertyDescriptor(target, key)?.configurable === false,
  );
}

/**
 * A stand-in for a module's exports that requires the real module (as the requiring module would have) the first time
 * anything reads, calls or constructs it, and forwards every operation to it from then on. The target is a
 * function so that a module exporting a class (nodemailer's MailComposer) can be called and constructed.
 */
function lazyExports(load: () => unknown, esModule: boolean): object {
  let real: object | undefined;
  const resolved = (): object => {
    real ??= load() as object;
    return real;
  };
  const stand = function lazyModule() {};
  return new Proxy(stand, {
    get: (_target, key) =>
      key === "__esModule" && real === undefined ? esModule || undefined : Reflect.get(resolved(), key),
    has: (_target, key) => Reflect.has(resolved(), key),
    // A proxy must report its target's non-configurable own properties as they are (the function's
    // non-enumerable `prototype`), and no other property as non-configurable.
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(resolved()), ...fixedKeys(target)])],
    getOwnPropertyDescriptor: (target, key) => {
      if (fixedKeys(target).includes(key)) return Reflect.getOwnPropertyDescriptor(target, key);
      const descriptor = Reflect.getOwnPropertyDescriptor(resolved(), key);
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    apply: (_target, self, args: unknown[]) =>
      Reflect.apply(resolved() as (...a: unknown[]) => unknown, self, args),
    construct: (_target, args: unknown[]) =>
      Reflect.construct(resolved() as new (...a: unknown[]) => object, args),
    set: (_target, key, value) => Reflect.set(resolved(), key, value),
  });
}

/**
 * Runs `load` (which requires a package) so that any module under `directory` that requires one of `lazy`
 * gets a stand-in that loads it on first use, and one of `provided` gets the exports given there (a package
 * this process has already loaded, handed over instead of a second copy, ADR 0103). Only requires made inside
 * this synchronous call are affected; the real module is resolved from the requiring module, as its own
 * `require` would.
 *
 * A lazy dependency may be one of the package's own modules (the SES emulator's template rendering, ADR 0110).
 * A caller that loads a fresh copy of the package for each use (one per embedded stack, each with its own
 * module state) clears the package's modules from the cache before each load, so when a stand-in loads later
 * the cache may hold another copy's modules: the stand-in then loads inside the modules of its own copy, as
 * the package's `require` would have at load time.
 */
export function withLazyDependencies<T>(
  directory: string,
  lazy: readonly LazyDependency[],
  load: () => T,
  provided: ReadonlyMap<string, object> = new Map(),
): T {
  const prototype = Module.prototype as NodeJS.Module & { require(id: string): unknown };
  const original = prototype.require;
  const byId = new Map(lazy.map((dependency) => [dependency.id, dependency]));
  const copy = new PackageCopy(directory);
  prototype.require = function requireLazily(this: NodeJS.Module, id: string): unknown {
    if (!this.filename.startsWith(directory + sep)) return original.call(this, id);
    const given = provided.get(id);
    if (given) return given;
    const dependency = byId.get(id);
    if (!dependency) return original.call(this, id);
    return lazyExports(() => copy.inside(() => original.call(this, id)), dependency.esModule);
  };
  try {
    const loaded = load();
    copy.keep();
    return loaded;
  } finally {
    prototype.require = original;
  }
}

/** The CommonJS module cache (every `require` shares it). */
const moduleCache = createRequire(import.meta.url).cache;

/** The modules under a package's directory that one load put in the CommonJS cache. */
class PackageCopy {
  private readonly modules = new Map<string, NodeJS.Module>();

  constructor(private readonly directory: string) {}

  private cachedHere(): [string, NodeJS.Module][] {
    return Object.entries(moduleCache).filter(
      (entry): entry is [string, NodeJS.Module] =>
        entry[1] !== undefined && entry[0].startsWith(this.directory + sep),
    );
  }

  /** Notes the modules of this copy, as the load left them in the cache. */
  keep(): void {
    for (const [file, module] of this.cachedHere()) this.modules.set(file, module);
  }

  /** Runs `load` with this copy's modules in the cache; what it loads under the directory joins the copy. */
  inside<T>(load: () => T): T {
    const others = this.cachedHere();
    for (const [file] of others) delete moduleCache[file];
    for (const [file, module] of this.modules) moduleCache[file] = module;
    try {
      return load();
    } finally {
      for (const [file, module] of this.cachedHere()) {
        this.modules.set(file, module);
        delete moduleCache[file];
      }
      for (const [file, module] of others) moduleCache[file] = module;
    }
  }
}
