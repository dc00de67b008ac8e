/**
 * The whole embedded stack. Today it is the AWS services of `startLocalServices`; the local Step
 * Functions runtime (infra/local/sfn) joins here once its module entry point exists.
 */
import { type LocalServices, type LocalServicesOptions, startLocalServices } from "./services";

export type LocalStackOptions = LocalServicesOptions;
export type LocalStack = LocalServices;

export function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalServices(options);
}
