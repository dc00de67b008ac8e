/**
 * `npm start -- --serve` as a newcomer runs it (README "The console"): the run's report, then the console's URL
 * on the run's final virtual time; the contract page answers from the stack that stays up, and out/report.html
 * is the same page saved. The one-month compliance scenario keeps the run short and has a complaints feed.
 *
 * Oracle: the scenario's feed by hand (Annex 3, whitelist port, ADR 0060): 2 complaints on 2025-09-10 → 50 %
 * from 09-11 (2(1)); two weeks with no complaint, 09-11..09-24 → full rate again from 09-25 (3(1)).
 * The run bills September and plays its cycle through October, so it ends at 2025-11-01 00:00 Beijing time.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, spawnTsx } from "../tsx-cli";

const CONTRACT_ID = "11NA0700211920254001";
let child: ChildProcess;
let consoleUrl = "";
let output = "";
/**
 * The working directory the command runs in: its own, so the out/ it writes is this test's alone (another
 * test file running at the same time runs `npm start` too, ADR 0104), with the repository's scenarios and
 * contracts where the relative paths of the command and the scenario find them.
 */
let cwd = "";

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), "start-serve-"));
  for (const shared of ["scenarios", "contracts"]) await symlink(join(REPO_ROOT, shared), join(cwd, shared));
  child = spawnTsx([join(REPO_ROOT, "bin/start.ts"), "--serve", "--scenario", "scenarios/compliance.json"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const url = /console: (http:\/\/localhost:\d+\/)/.exec(output)?.[1];
      if (url) {
        consoleUrl = url;
        resolve();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
}, 240_000);

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // Its own process group: the command and the stack stop together, as Ctrl-C stops them.
    process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  if (cwd !== "") await rm(cwd, { recursive: true, force: true });
});

const strip = (html: string) =>
  [...html.matchAll(/<li class="day [^"]*" data-date="(2025-09-\d\d)" data-state="([^"]*)"/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );

const september = [
  ...Array.from({ length: 10 }, (_, i) => `2025-09-${String(i + 1).padStart(2, "0")} full`),
  ...Array.from({ length: 14 }, (_, i) => `2025-09-${String(i + 11).padStart(2, "0")} 50%`),
  ...Array.from({ length: 6 }, (_, i) => `2025-09-${String(i + 25).padStart(2, "0")} full`),
];

describe("npm start -- --serve", () => {
  it("prints the run's report, then the console's URL on the run's final virtual time", () => {
    expect(output).toContain("written: out/run.json, out/report.html");
    expect(output).toContain("virtual time 2025-11-01T00:00:00+08:00; Ctrl-C stops the stack");
  });

  it("the console answers from the stack left up: the contract page with the port's throttling timeline", async () => {
    const response = await fetch(new URL(`/contracts/${CONTRACT_ID}`, consoleUrl));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("当前时间 2025-11-01 00:00:00 （北京时间）");
    expect(strip(html)).toEqual(september);
  });

  it("out/report.html is the same contract page, saved with the same timeline", async () => {
    const saved = await readFile(join(cwd, "out/report.html"), "utf8");
    expect(saved).toContain(`合同 ${CONTRACT_ID}`);
    expect(strip(saved)).toEqual(september);
  });
});
