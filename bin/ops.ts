/**
 * `npm run ops -- <command> [--json]`: the operations command line. Each command lives in
 * bin/ops/<command>.ts and default-exports an OpsCommand; this file only dispatches.
 */
import { readdir } from "node:fs/promises";
import { printable } from "../functions/core/printable";
import { InputError, type OpsCommand, UsageError } from "./ops/cli-kit";

const commandsDir = new URL("./ops/", import.meta.url);

async function availableCommands(): Promise<string[]> {
  const files = await readdir(commandsDir);
  return files
    .filter((f) => f.endsWith(".ts") && f !== "cli-kit.ts" && !f.startsWith("_"))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
}

async function loadCommand(path: string[]): Promise<{ command: OpsCommand; rest: string[] } | undefined> {
  const names = await availableCommands();
  // Two-word commands (`workdays add`) are files named `workdays-add.ts`.
  for (const words of [2, 1]) {
    const name = path.slice(0, words).join("-");
    if (path.length >= words && names.includes(name)) {
      const module = (await import(new URL(`${name}.ts`, commandsDir).href)) as { default: OpsCommand };
      return { command: module.default, rest: path.slice(words) };
    }
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const loaded = await loadCommand(argv);
  if (!loaded) {
    const names = await availableCommands();
    process.stderr.write(
      `usage: npm run ops -- <command> [--json]\ncommands:\n${names.map((n) => `  ${n}`).join("\n")}\n`,
    );
    return 2;
  }
  try {
    const output = await loaded.command.run(loaded.rest);
    // Printed values may come from a message or a file: no control character reaches the terminal (ADR 0030).
    process.stdout.write(
      printable(
        loaded.rest.includes("--json") ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`,
      ),
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${printable(error.message)}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`error: ${printable(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
