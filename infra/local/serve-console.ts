/**
 * `npm start -- --serve`: after the run, the embedded stack and the console stay up on the run's final
 * virtual time until Ctrl-C, so the run can be read in a browser and moved on from there.
 */
import { type RunningConsole, startConsole } from "../../console/server";
import { formatInstant } from "../../functions/core/time";
import type { EmbeddedApp } from "./app";
import { embeddedActions } from "./console-actions";
import { PortInUseError } from "./ports";

export const CONSOLE_PORT = 8090;

export async function startEmbeddedConsole(app: EmbeddedApp, port = CONSOLE_PORT): Promise<RunningConsole> {
  return startConsole({ port, now: () => app.clock.now(), actions: embeddedActions(app) });
}

/** Serves until SIGINT/SIGTERM; `say` gets the lines to show the user (stderr keeps --json's stdout clean). */
export async function serveUntilInterrupted(app: EmbeddedApp, say: (line: string) => void): Promise<void> {
  const running = await startEmbeddedConsole(app).catch((error: unknown) => {
    if (!(error instanceof PortInUseError)) throw error;
    // Another console (or anything else) holds the usual port: this run's console takes a free one.
    say(`${error.message}; the console takes a free port instead`);
    return startEmbeddedConsole(app, 0);
  });
  say(`console: ${running.url} (virtual time ${formatInstant(app.clock.now())}; Ctrl-C stops the stack)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await running.stop();
}
