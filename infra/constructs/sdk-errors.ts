/**
 * Which of an SDK client's error classes a Lambda bundle registers (ADR 0082): those of the operations the
 * functions call. Each client's schemas module registers every error of the service (SES 34 classes, about
 * 11 KB; Step Functions 8 KB; DynamoDB 9.5 KB) as a side effect, so all of them stayed in every bundle that
 * builds the client. A service answers an operation with the errors its model declares for it; any other
 * (an error the model leaves out) is read, as the SDK reads every unknown error, into the client's base
 * exception carrying the service's error code as its `name`, so a check by name still holds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** `import { … } from "@aws-sdk/client-<service>"` or the DynamoDB document client, on one or several lines. */
const SDK_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)"/g;

/** How a document client command names the DynamoDB command it wraps (lib-dynamodb's dist-es/commands). */
const WRAPPED_COMMAND = /import \{ (\w+)Command as __\w+ \} from "@aws-sdk\/client-dynamodb"/;

/**
 * The operations the functions call, per client package (`client-dynamodb` → GetItem, PutItem, …): each
 * `…Command` imported under functions/, the document client's as the DynamoDB commands they wrap.
 */
export function calledOperations(projectRoot: string): Map<string, Set<string>> {
  const called = new Map<string, Set<string>>();
  const add = (client: string, operation: string) => {
    const operations = called.get(client) ?? new Set<string>();
    operations.add(operation);
    called.set(client, operations);
  };
  const functionsDir = join(projectRoot, "functions");
  for (const file of readdirSync(functionsDir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts")) continue;
    const source = readFileSync(join(functionsDir, file), "utf8");
    for (const [, names = "", client = ""] of source.matchAll(SDK_IMPORT)) {
      for (const [, command = ""] of names.matchAll(/\b(\w+)Command\b/g)) {
        if (client !== "lib-dynamodb") {
          add(client, command);
          continue;
        }
        const wrapper = readFileSync(
          join(projectRoot, "node_modules/@aws-sdk/lib-dynamodb/dist-es/commands", `${command}Command.js`),
          "utf8",
        );
        const wrapped = WRAPPED_COMMAND.exec(wrapper)?.[1];
        if (wrapped === undefined)
          throw new Error(`lib-dynamodb's ${command}Command wraps no DynamoDB command`);
        add("client-dynamodb", wrapped);
      }
    }
  }
  return called;
}

/** The errors an operation's model declares: `@throws {@link …}` in its command's type declarations. */
export function declaredErrors(projectRoot: string, client: string, operation: string): string[] {
  const declarations = readFileSync(
    join(projectRoot, "node_modules/@aws-sdk", client, "dist-types/commands", `${operation}Command.d.ts`),
    "utf8",
  );
  return [...declarations.matchAll(/@throws \{@link (\w+)\}/g)].map((match) => match[1] ?? "");
}

/**
 * A client's schemas module with only the errors in `kept` registered (and the client's base exception),
 * so esbuild drops the other error classes and their schemas, which nothing else references.
 */
export function withOnlyErrors(source: string, kept: ReadonlySet<string>): string {
  return source.replaceAll(/^\w+_registry\.registerError\((\w+)\$, \1\);\n/gm, (line, name: string) =>
    kept.has(name) || name.endsWith("ServiceException") ? line : "",
  );
}
