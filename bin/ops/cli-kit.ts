/**
 * Conventions shared by every `npm run ops -- <command>`: `--json` prints one JSON document on stdout,
 * otherwise a readable table; errors go to stderr with exit code 1 (bad input) or 2 (usage).
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}

export interface CommandOutput {
  /** The machine-readable result printed with `--json`. */
  json: unknown;
  /** The human-readable rendering printed without `--json`. */
  text: string;
}

export interface OpsCommand {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<CommandOutput>;
}

/** Parses a command's flags; unknown flags or missing positionals are usage errors (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`, { cause: error });
  }
}

export function requireOption(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing ${flag}\nusage: ${usage}`);
  return value;
}

/** Renders rows as an aligned plain-text table (East Asian characters count as two columns). */
export function table(header: string[], rows: string[][]): string {
  const width = (s: string) =>
    [...s].reduce(
      (w, ch) =>
        w +
        (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
          ch,
        )
          ? 2
          : 1),
      0,
    );
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => width(row[col] ?? ""))));
  const line = (row: string[]) =>
    row
      .map((cell, col) => cell + " ".repeat((widths[col] ?? 0) - width(cell)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
