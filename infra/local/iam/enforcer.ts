/**
 * IAM enforcement in the embedded stack (ADR 0025): every SDK call a Lambda handler makes is checked against
 * that function's execution role from the synthesized template, and what the state machines' and the
 * Scheduler's roles do is checked by the local Step Functions runtime through `authorizeRole`. The policies
 * are compiled once, when the enforcer is built (once per stack start).
 *
 * A denied call is answered at the HTTP layer, inside the SDK's deserializer, with the response the service
 * gives (so the handler sees the same exception class, name, status and message as on AWS):
 *   DynamoDB, Step Functions  400 `AccessDeniedException` (JSON `__type`)
 *   S3                        403 `AccessDenied` (XML `<Error>`); HEAD 403 without a body
 *   SES (v1, query protocol)  403 `AccessDenied` (XML `<ErrorResponse>`, Type Sender)
 * S3's GetObject/HeadObject of a missing key answers 404 NoSuchKey only when the role may also s3:ListBucket
 * the bucket, 403 AccessDenied otherwise (GetObject API reference, "Permissions").
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientHook } from "../../../functions/adapters/aws-config";
import type { InvokeLambda } from "../sfn";
import type { AuthorizationRequest, Decision } from "./policy";
import { authorizationRequests } from "./requests";
import type { TemplateRole, TemplateRoles } from "./template-roles";

export interface Denial {
  /** The assumed-role ARN of the caller, as AWS reports it. */
  principal: string;
  action: string;
  resource: string;
  reason: "explicit-deny" | "no-allow";
}

export interface IamEnforcerOptions {
  region: string;
  accountId: string;
  /** SES sandbox: the verified identities (the recipients' identities are authorized too). */
  sesVerifiedIdentities?: readonly string[];
  /** The state machine holding a task token (SendTask* are authorized against it). */
  stateMachineOfTaskToken?: (taskToken: string) => string | undefined;
}

interface Caller {
  role: TemplateRole;
  session: string;
}

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

type Next = (args: { input: Record<string, unknown> }) => Promise<{ response: unknown; output?: unknown }>;

/** A middleware stack as the enforcer uses it (every client's stack has this shape). */
interface Stack {
  add(
    middleware: (
      next: Next,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
    options: { step: "deserialize"; name: string; priority: "low" },
  ): void;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The message IAM gives for a refusal (IAM User Guide, "Troubleshoot access denied error messages"). */
export function deniedMessage(principal: string, decision: Exclude<Decision, { allowed: true }>): string {
  const why =
    decision.reason === "explicit-deny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${decision.action} action`;
  return `User: ${principal} is not authorized to perform: ${decision.action} on resource: ${decision.resource} ${why}`;
}

let requestCounter = 0;

function deniedResponse(
  clientName: string,
  operation: string,
  principal: string,
  decision: Exclude<Decision, { allowed: true }>,
): HttpResponseLike {
  requestCounter += 1;
  const requestId = `iam-denied-${requestCounter}`;
  const body = (text: string) => new TextEncoder().encode(text);
  if (clientName === "S3Client") {
    const headers = { "content-type": "application/xml", "x-amz-request-id": requestId };
    // HEAD responses carry no body: the SDK reports them by status (403 Forbidden).
    if (operation === "HeadObject") return { statusCode: 403, headers, body: new Uint8Array() };
    const message = deniedMessage(principal, { ...decision, resource: `"${decision.resource}"` });
    return {
      statusCode: 403,
      headers,
      body: body(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
      ),
    };
  }
  if (clientName === "SESClient") {
    const message = `User \`${principal}' is not authorized to perform \`${decision.action}' on resource \`${decision.resource}'`;
    return {
      statusCode: 403,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: body(
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      ),
    };
  }
  return {
    statusCode: 400,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId },
    body: body(
      JSON.stringify({
        __type: "com.amazon.coral.service#AccessDeniedException",
        Message: deniedMessage(principal, decision),
      }),
    ),
  };
}

export class IamEnforcer {
  readonly denials: Denial[] = [];
  private readonly callers = new AsyncLocalStorage<Caller>();
  private readonly byArn = new Map<string, TemplateRole>();

  constructor(
    readonly roles: TemplateRoles,
    private readonly options: IamEnforcerOptions,
  ) {
    for (const role of roles.roles.values()) this.byArn.set(role.arn, role);
  }

  private principal(caller: Caller): string {
    return `arn:aws:sts::${this.options.accountId}:assumed-role/${caller.role.name}/${caller.session}`;
  }

  private decide(caller: Caller, requests: AuthorizationRequest[]): Decision {
    const decision = caller.role.policy.evaluateAll(requests);
    if (!decision.allowed) {
      this.denials.push({
        principal: this.principal(caller),
        action: decision.action,
        resource: decision.resource,
        reason: decision.reason,
      });
    }
    return decision;
  }

  /** Runs each invocation as its function's role; functions the template gives no role run unchecked. */
  wrapInvoke(invoke: InvokeLambda): InvokeLambda {
    return (functionArn, payload, context) => {
      const role = this.roles.functionRoles.get(functionArn);
      if (!role) return invoke(functionArn, payload, context);
      return this.callers.run({ role, session: context.functionName }, () =>
        invoke(functionArn, payload, context),
      );
    };
  }

  /** What a state machine's or a schedule's role does (AuthorizeRole of the local runtime). */
  readonly authorizeRole = (roleArn: string, action: string, resource: string): string | undefined => {
    const role = this.byArn.get(roleArn);
    if (!role) return undefined;
    const caller = { role, session: "local-step-functions" };
    const decision = this.decide(caller, [{ action, resource }]);
    if (decision.allowed) return undefined;
    const message = deniedMessage(this.principal(caller), decision);
    // How Step Functions words a service's 403 in a task's cause (AWS SDK for Java exception text).
    const service = action.split(":")[0] === "lambda" ? "AWSLambda" : action.split(":")[0];
    return `${message} (Service: ${service}; Status Code: 403; Error Code: AccessDeniedException; Request ID: local; Proxy: null)`;
  };

  /** Adds the check to every SDK client the handlers build (installed like the fault plan's hook). */
  readonly clientHook: ClientHook = (client) => {
    const stack = client.middlewareStack as unknown as Stack;
    stack.add((next, context) => (args) => this.onCall(next, context, args), {
      step: "deserialize",
      name: "iamEnforcement",
      priority: "low",
    });
  };

  private async onCall(
    next: Next,
    context: { clientName?: string; commandName?: string },
    args: { input: Record<string, unknown> },
  ): Promise<unknown> {
    const caller = this.callers.getStore();
    if (!caller) return next(args);
    const clientName = context.clientName ?? "";
    const operation = (context.commandName ?? "").replace(/Command$/, "");
    const site = {
      region: this.options.region,
      accountId: this.options.accountId,
      clientName,
      operation,
      input: args.input,
    };
    const decision = this.decide(
      caller,
      authorizationRequests(site, {
        ...(this.options.sesVerifiedIdentities
          ? { sesVerifiedIdentities: this.options.sesVerifiedIdentities }
          : {}),
        ...(this.options.stateMachineOfTaskToken
          ? { stateMachineOfTaskToken: this.options.stateMachineOfTaskToken }
          : {}),
      }),
    );
    if (!decision.allowed) {
      return { response: deniedResponse(clientName, operation, this.principal(caller), decision) };
    }
    const result = await next(args);
    const response = result.response as HttpResponseLike;
    if (
      clientName === "S3Client" &&
      (operation === "GetObject" || operation === "HeadObject") &&
      response.statusCode === 404
    ) {
      // Without s3:ListBucket S3 does not tell a missing key from a forbidden one.
      const list = this.decide(caller, [
        {
          action: "s3:ListBucket",
          resource: `arn:aws:s3:::${String(args.input.Bucket)}`,
          context: { "aws:requestedregion": this.options.region, "aws:securetransport": "true" },
        },
      ]);
      if (!list.allowed) {
        (response.body as { destroy?: () => void } | undefined)?.destroy?.();
        return { response: deniedResponse(clientName, operation, this.principal(caller), list) };
      }
    }
    return result;
  }
}
