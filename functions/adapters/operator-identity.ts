/**
 * Who is running an operator command (ADR 0032): on AWS the caller's identity ARN from
 * sts:GetCallerIdentity (an assumed role's ARN ends in the session name, e.g. the person's user name);
 * on the embedded stack the OS user. Resolved once per process, when the first operator action is
 * audited, so offline commands never call STS. The operator function (ADR 0038) names the caller of each
 * request instead: the identity its function URL authenticated, bound for the request with `actingAs`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { userInfo } from "node:os";
import { awsConfig } from "./aws-config";

export interface CallerSource {
  /** True when the commands run against the embedded stack (a local endpoint is configured). */
  local: boolean;
  callerArn(): Promise<string | undefined>;
}

export async function identityOfCaller(source: CallerSource): Promise<string> {
  if (source.local) return `local:${userInfo().username}`;
  const arn = await source.callerArn();
  if (!arn) throw new Error("sts:GetCallerIdentity named no caller identity: operator action not recorded");
  return arn;
}

let resolved: Promise<string> | undefined;
const requestCaller = new AsyncLocalStorage<string>();

/** Runs `work` on behalf of `identity`: every operator audit entry it appends names that caller. */
export function actingAs<T>(identity: string, work: () => Promise<T>): Promise<T> {
  return requestCaller.run(identity, work);
}

/** The caller bound by `actingAs`, else the identity of this process's caller, asked once. */
export function operatorIdentity(): Promise<string> {
  const caller = requestCaller.getStore();
  if (caller !== undefined) return Promise.resolve(caller);
  if (resolved === undefined) {
    const config = awsConfig();
    resolved = identityOfCaller({
      local: config.endpoints.dynamodb !== undefined,
      callerArn: async () => {
        // Loaded on first use: only operator commands ask, so Lambda bundles leave the STS client out
        // (infra/constructs/contract-function.ts) and a handler never reaches this line.
        const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
        return (await new STSClient({ region: config.region }).send(new GetCallerIdentityCommand({}))).Arn;
      },
    });
    // A failed lookup is not cached: the next operator action asks again.
    resolved.catch(() => {
      resolved = undefined;
    });
  }
  return resolved;
}
