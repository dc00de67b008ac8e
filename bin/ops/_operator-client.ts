/**
 * How an `ops` write command reaches the stack (ADR 0038): a SigV4-signed POST `{command, input}` to the
 * operator function's URL — or, for `purge-personal-data`, the personal-data function's (ADR 0083) —
 * never a table write of its own. On AWS the URLs are the stack outputs `OperatorFunctionUrl` and
 * `PersonalDataFunctionUrl` (in CONTRACT_OPS_OPERATOR_URL and CONTRACT_OPS_PERSONAL_DATA_URL) and the
 * request is signed with the caller's credentials (the ContractOpsOperator role, ADR 0032); on the
 * embedded stack they are the local stand-ins of those URLs, signed with the local credentials. Reads stay
 * direct.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type * as z from "zod";
import { awsConfig, LOCAL_CREDENTIALS } from "../../functions/adapters/aws-config";
import { signPost } from "../../functions/adapters/sigv4";
import { operatorCommands } from "../../functions/app/operator-commands";
import { operatorResponseBody } from "../../functions/app/operator-request";
import { personalDataCommands } from "../../functions/app/personal-data";
import { InputError } from "./cli-kit";

type WriteCommands = typeof operatorCommands & typeof personalDataCommands;
/** Every `ops` command that writes, whichever function runs it. */
export type WriteCommandName = keyof WriteCommands;
type WriteCommandInput<Name extends WriteCommandName> = z.input<WriteCommands[Name]["input"]>;
type WriteCommandResult<Name extends WriteCommandName> = z.output<WriteCommands[Name]["output"]>;

/** The variable holding the URL of the function that runs `command`, and the stack output it comes from. */
function urlVariableOf(command: WriteCommandName): { variable: string; output: string } {
  return Object.hasOwn(personalDataCommands, command)
    ? { variable: "CONTRACT_OPS_PERSONAL_DATA_URL", output: "PersonalDataFunctionUrl" }
    : { variable: "CONTRACT_OPS_OPERATOR_URL", output: "OperatorFunctionUrl" };
}

class OperatorFunctionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OperatorFunctionError";
  }
}

function functionUrl(command: WriteCommandName): URL {
  const { variable, output } = urlVariableOf(command);
  const text = process.env[variable];
  if (!text)
    throw new InputError(`${variable} is not set: give it the stack output ${output} (docs/operations.md)`);
  try {
    return new URL(text);
  } catch (error) {
    throw new InputError(`${variable} ${JSON.stringify(text)}: expected a URL`, { cause: error });
  }
}

/** What posts a signed request to a function URL: `fetch`, or a sender with its request (infra/local/operator-post.ts). */
export type OperatorPost = (
  url: URL,
  init: { headers: Record<string, string>; body: string },
) => Promise<{ status: number; text(): Promise<string> }>;

const fetchPost: OperatorPost = (url, { headers, body }) => fetch(url, { method: "POST", headers, body });

/**
 * Runs `command` in the operator function; resolves to the result as it travelled (printed by `--json`)
 * and its checked fields (rendered by the table). A refusal the operator can fix is an InputError (exit 1)
 * with the function's one line.
 */
export async function operatorWrite<Name extends WriteCommandName>(
  command: Name,
  input: WriteCommandInput<Name>,
  post: OperatorPost = fetchPost,
): Promise<{ json: unknown; result: WriteCommandResult<Name> }> {
  const url = functionUrl(command);
  const config = awsConfig();
  const local = config.endpoints.dynamodb !== undefined;
  const credentials = local ? LOCAL_CREDENTIALS : await defaultProvider()();
  const body = JSON.stringify({ command, input });
  // A function URL names its region (`<id>.lambda-url.<region>.on.aws`); the signature must use that one.
  const region = /\.lambda-url\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? config.region;
  const headers = await signPost(
    { url, body, headers: { "content-type": "application/json" } },
    { region, credentials },
  );
  // fetch sets Host from the URL itself, the value that was signed.
  const { host: _signedHost, ...sent } = headers;
  const response = await post(url, { headers: sent, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const answer = operatorResponseBody.safeParse(parsed);
  if (!answer.success) {
    // Lambda's own refusals (IAM denied the signature or the role, throttling) carry {"Message": …}.
    if (response.status === 403)
      throw new InputError(
        "the operator function refused the caller (HTTP 403): run ops with the ContractOpsOperator role, assumed with MFA",
      );
    throw new OperatorFunctionError(
      `operator function answered HTTP ${response.status}: ${text.slice(0, 200)}`,
    );
  }
  if ("error" in answer.data) {
    const { code, message } = answer.data.error;
    if (code === "rejected") throw new InputError(message);
    throw new InputError(`operator function refused the request (${code}): ${message}`);
  }
  const writeCommands: WriteCommands = { ...operatorCommands, ...personalDataCommands };
  const result = writeCommands[command].output.safeParse(answer.data.result);
  if (!result.success)
    throw new OperatorFunctionError(`operator function: the ${command} result is not the expected shape`);
  return { json: answer.data.result, result: result.data as WriteCommandResult<Name> };
}
