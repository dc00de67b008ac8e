/**
 * `npm start -- --serve`: after the run, the embedded stack and the console stay up on the run's final
 * virtual time until Ctrl-C, so the run can be read in a browser and moved on from there.
 */
import { type RunningConsole, startConsole } from "../../console/server";
import type { EmbeddedApp } from "./app";
import { embeddedActions } from "./console-actions";

export const CONSOLE_PORT = 8090;

export async function startEmbeddedConsole(app: EmbeddedApp, port = CONSOLE_PORT): Promise<RunningConsole> {
  return startConsole({ port, now: () => app.clock.now(), actions: embeddedActions(app) });
}

/** Serves until SIGINT/SIGTERM; `say` gets the lines to show the user (stderr keeps --json's stdout clean). */
export async function serveUntilInterrupted(app: EmbeddedApp, say: (line: string) => void): Promise<void> {
  const running = await startEmbeddedConsole(app);
  say(`console: ${running.url} (virtual time ${app.clock.now().toISOString()}; Ctrl-C stops the stack)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await running.stop();
}
