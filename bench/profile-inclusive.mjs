/**
 * `node bench/profile-inclusive.mjs <file.cpuprofile> <function-name regex>`: the CPU time a `--cpu-prof`
 * profile sampled inside calls of the named functions, their callees included (ADR 0057), in ms. Samples
 * after an `await` belong to the continuation's own stack, not the caller's, so an async function's figure is
 * its synchronous part. Printed, never asserted.
 */
import { readFileSync } from "node:fs";

const [file, pattern] = process.argv.slice(2);
if (!file || !pattern) {
  process.stderr.write("usage: node bench/profile-inclusive.mjs <file.cpuprofile> <function-name regex>\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const named = new RegExp(pattern);
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const selfMicros = new Map();
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + profile.timeDeltas[i]);
});
let micros = 0;
for (const [id, self] of selfMicros) {
  for (let at = id; at !== undefined; at = parents.get(at)) {
    if (named.test(nodes.get(at).callFrame.functionName)) {
      micros += self;
      break;
    }
  }
}
process.stdout.write(`${(micros / 1000).toFixed(1)} ms sampled under /${pattern}/\n`);
