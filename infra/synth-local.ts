/**
 * The CloudFormation template of the ContractOps stack, built in-process with bundling skipped: what the
 * local Step Functions runtime and `npm start` load the state machines from (architecture §6). No esbuild,
 * no cdk.out, no handler files needed.
 */
import { App } from "aws-cdk-lib";
import { ContractOpsStack, STACK_NAME } from "./stack";

export interface SynthesizeOptions {
  /** CDK context, e.g. `{ mailDomain: "contract-ops.localhost" }`. */
  context?: Record<string, unknown>;
  /** The stack's environment, as `cdk synth` gives it from CDK_DEFAULT_ACCOUNT/REGION (infra/app.ts). */
  env?: { account?: string; region?: string };
}

export function buildStack(options: SynthesizeOptions = {}): { app: App; stack: ContractOpsStack } {
  const app = new App({
    context: { ...options.context, "aws:cdk:bundling-stacks": [] },
    // Synthesized on demand below, into a temporary directory (no outdir given), never at process exit.
    autoSynth: false,
    // CDK's built-in CloudFormation validation runs a WebAssembly module whose memory grows to about 170 MB
    // and stays for the life of the process: an `npm start` or `bench:scale` that synthesizes on a cold
    // template cache then carries it for hours (ADR 0118). `cdk synth` (infra/app.ts) still validates the stack.
    builtinCloudFormationValidation: false,
  });
  const stack = new ContractOpsStack(app, STACK_NAME, options.env ? { env: options.env } : undefined);
  return { app, stack };
}

export function synthesizeTemplate(options: SynthesizeOptions = {}): Record<string, unknown> {
  const { app, stack } = buildStack(options);
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}
