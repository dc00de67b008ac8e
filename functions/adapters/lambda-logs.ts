/**
 * Read-only CloudWatch Logs reads for the console (ADR 0092): the log events a function's group holds
 * for the time a task ran (console/log-lines.ts picks out the invocation's own). On AWS the group is
 * `/aws/lambda/<function name>-<stack suffix>` (ADR 0020), found by prefix (the newest when a rolled-back
 * deploy left an older one); the embedded stack answers the same two calls (infra/local/lambda-logs.ts).
 * Its own module, not aws-config's, so no Lambda bundle carries the Logs client.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { awsConfig, clientSettings } from "./aws-config";

export interface RawLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
}

/** A page of the console shows at most this many events per function. */
const MAX_EVENTS_READ = 2_000;

let client: { endpoint: string | undefined; logs: CloudWatchLogsClient } | undefined;

function logsClient(): CloudWatchLogsClient {
  const config = awsConfig();
  if (!client || client.endpoint !== config.endpoints.logs) {
    client?.logs.destroy();
    client = {
      endpoint: config.endpoints.logs,
      logs: new CloudWatchLogsClient(clientSettings(config, config.endpoints.logs)),
    };
  }
  return client.logs;
}

/** The function's log group, or undefined when it has none (it never ran, or logs expired). */
export async function lambdaLogGroup(functionName: string): Promise<string | undefined> {
  const exact = `/aws/lambda/${functionName}`;
  const { logGroups = [] } = await logsClient().send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: exact }),
  );
  const candidates = logGroups
    .filter((g) => g.logGroupName === exact || g.logGroupName?.startsWith(`${exact}-`))
    .sort((a, b) => (b.creationTime ?? 0) - (a.creationTime ?? 0));
  return candidates[0]?.logGroupName;
}

/** The events of a function's group between two instants (inclusive), oldest first. */
export async function lambdaLogEvents(input: {
  functionName: string;
  from: Date;
  to: Date;
}): Promise<RawLogEvent[]> {
  const logGroupName = await lambdaLogGroup(input.functionName);
  if (!logGroupName) return [];
  const events: RawLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logsClient().send(
      new FilterLogEventsCommand({
        logGroupName,
        startTime: input.from.getTime(),
        endTime: input.to.getTime(),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const event of page.events ?? []) {
      if (event.timestamp !== undefined && event.message !== undefined)
        events.push({
          logStreamName: event.logStreamName ?? "",
          timestamp: event.timestamp,
          message: event.message,
        });
    }
    nextToken = page.nextToken;
  } while (nextToken && events.length < MAX_EVENTS_READ);
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
