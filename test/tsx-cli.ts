/**
 * The project's command lines (bin/ops.ts, bin/start.ts, bin/local.ts) as child processes, run as `npm run ops`
 * and friends run them — TypeScript through tsx — in one Node process: the same `node --require tsx/preflight
 * --import tsx` the tsx CLI starts, without `npx` (an npm start-up per command) and without the tsx CLI's own
 * parent process. Each spawn costs about a second less CPU on a 2-core machine running two test files at
 * once (ADR 0104). The loader is named by its file URL and the repository's tsconfig by path, so a command
 * behaves the same when a test runs it from another working directory.
 */
import {
  type ChildProcess,
  type ExecFileOptions,
  execFile,
  type SpawnOptions,
  spawn,
} from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

/** The repository root: commands' paths (bin/ops.ts, …) are relative to it. */
export const REPO_ROOT = join(import.meta.dirname, "..");

const TSX_NODE_ARGS = [
  "--require",
  require.resolve("tsx/preflight"),
  "--import",
  pathToFileURL(require.resolve("tsx")).href,
];

function withTsconfig(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...(env ?? process.env), TSX_TSCONFIG_PATH: join(REPO_ROOT, "tsconfig.json") };
}

/**
 * `tsx <args…>` to completion, as `promisify(execFile)` runs a command: resolves with stdout and stderr, rejects
 * on a non-zero exit with an error carrying `code`, `stdout` and `stderr`.
 */
export function tsx(
  args: string[],
  options: Omit<ExecFileOptions, "encoding"> = {},
): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [...TSX_NODE_ARGS, ...args], {
    ...options,
    encoding: "utf8",
    env: withTsconfig(options.env),
  });
}

/** `tsx <args…>` started and left running (a server a test talks to). */
export function spawnTsx(args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...TSX_NODE_ARGS, ...args], { ...options, env: withTsconfig(options.env) });
}

/** `tsx <args…>` to completion with its exit code, whatever it is. */
export async function tsxExit(
  args: string[],
  options: Omit<ExecFileOptions, "encoding"> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await tsx(args, options)) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
