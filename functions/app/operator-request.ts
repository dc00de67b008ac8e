/**
 * One request to a function behind an AWS_IAM function URL that runs `ops` write commands (ADR 0038; the
 * operator function, and the personal-data function of ADR 0083): the URL has authenticated the caller,
 * whose ARN Lambda puts in `requestContext.authorizer.iam.userArn`; the body names a command of the
 * function's table and its input. The command runs on behalf of that caller — its audit entries name them
 * (ADR 0032) — and the answer is the command's result or one line saying what was refused.
 */
import * as z from "zod";
import { actingAs } from "../adapters/operator-identity";
import { NotFoundError } from "../adapters/repository";
import { OperationRejectedError } from "./operation-input";

/** The part of a function URL request event (payload format 2.0) the operator function reads. */
export const functionUrlEvent = z.looseObject({
  requestContext: z.looseObject({
    http: z.looseObject({ method: z.string() }),
    authorizer: z
      .looseObject({
        iam: z.looseObject({ userArn: z.string().optional() }).nullish(),
      })
      .nullish(),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});
export type FunctionUrlEvent = z.infer<typeof functionUrlEvent>;

const requestBody = z.strictObject({ command: z.string(), input: z.unknown() });

const OPERATOR_ERROR_CODES = [
  "method-not-allowed",
  "no-iam-caller",
  "invalid-request",
  "unknown-command",
  "invalid-input",
  "rejected",
] as const;

/** The JSON body of every answer: the result with who it was recorded for, or the refusal. */
export const operatorResponseBody = z.union([
  z.strictObject({ command: z.string(), operator: z.string(), result: z.unknown() }),
  z.strictObject({ error: z.strictObject({ code: z.enum(OPERATOR_ERROR_CODES), message: z.string() }) }),
]);
type OperatorResponseBody = z.infer<typeof operatorResponseBody>;

interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The answer as Lambda turns it into an HTTP response (status, JSON body). */
export const functionUrlResponse = z.object({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string().refine((body) => {
    try {
      return operatorResponseBody.safeParse(JSON.parse(body)).success;
    } catch {
      return false;
    }
  }, "not an operator response body"),
});

function answer(statusCode: number, body: OperatorResponseBody): FunctionUrlResponse {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function refuse(
  statusCode: number,
  code: (typeof OPERATOR_ERROR_CODES)[number],
  message: string,
): FunctionUrlResponse {
  return answer(statusCode, { error: { code, message } });
}

/** zod's first complaint as one line: `input.amount: expected string, received number`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = ["input", ...issue.path.map(String)].join(".");
  return `${path}: ${issue.message}`;
}

/**
 * One write command: its input, checked here whoever sends it (the CLI checked the operator's typing
 * already; this guards the function itself), the application-layer operation, and the fields of its result
 * the CLI renders (checked on both sides; the result itself travels whole, so `--json` prints what the
 * operation returned).
 */
export function command<Input extends z.ZodType, Output extends z.ZodType>(spec: {
  input: Input;
  output: Output;
  run(input: z.output<Input>): Promise<z.input<Output>>;
}) {
  return spec;
}

/** The commands one function runs, by name. */
export type CommandTable = Record<string, ReturnType<typeof command<z.ZodType, z.ZodType>>>;

/** The handler of a function URL request that runs the commands of `commands`, and no other. */
export function commandRequestHandler(
  commands: CommandTable,
): (event: FunctionUrlEvent) => Promise<FunctionUrlResponse> {
  return (event) => handleCommandRequest(commands, event);
}

async function handleCommandRequest(
  commands: CommandTable,
  event: FunctionUrlEvent,
): Promise<FunctionUrlResponse> {
  if (event.requestContext.http.method !== "POST")
    return refuse(405, "method-not-allowed", "the operator function takes POST only");
  // With auth type AWS_IAM, Lambda has checked the SigV4 signature and put the caller here; without it (a
  // URL with auth type NONE, a direct invocation) nobody can be named, so nothing is done (ADR 0032).
  const caller = event.requestContext.authorizer?.iam?.userArn;
  if (!caller)
    return refuse(
      403,
      "no-iam-caller",
      "no IAM caller in the request: the function URL must use AWS_IAM auth",
    );

  let parsedBody: unknown;
  try {
    const text = event.isBase64Encoded
      ? Buffer.from(event.body ?? "", "base64").toString("utf8")
      : (event.body ?? "");
    parsedBody = JSON.parse(text);
  } catch {
    return refuse(400, "invalid-request", "the body is not JSON: expected {command, input}");
  }
  const request = requestBody.safeParse(parsedBody);
  if (!request.success)
    return refuse(400, "invalid-request", "the body is not {command, input} with a command name");
  const { command } = request.data;
  const spec = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!spec) {
    return refuse(
      400,
      "unknown-command",
      `unknown command ${JSON.stringify(command)}: expected one of ${Object.keys(commands).join(", ")}`,
    );
  }
  const input = spec.input.safeParse(request.data.input);
  if (!input.success) return refuse(400, "invalid-input", `${command}: ${firstIssue(input.error)}`);

  try {
    // The spec pairs each command's input schema with its own operation; TypeScript cannot follow the
    // pairing through the union of commands, so the call goes through one signature.
    const run = spec.run as (value: unknown) => Promise<unknown>;
    const result = await actingAs(caller, () => run(input.data));
    const checked = spec.output.safeParse(result);
    if (!checked.success)
      throw new Error(`${command}: result does not match its schema: ${firstIssue(checked.error)}`);
    return answer(200, { command, operator: caller, result });
  } catch (error) {
    if (error instanceof OperationRejectedError || error instanceof NotFoundError)
      return refuse(422, "rejected", error.message);
    throw error;
  }
}
