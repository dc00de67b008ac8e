/**
 * The roles of the synthesized template as the embedded stack's IAM evaluator uses them (ADR 0025): each
 * AWS::IAM::Role with the statements of its inline `Policies` and of every AWS::IAM::Policy attached to it,
 * every intrinsic resolved to the ARN the embedded stack gives that resource (its table name, its bucket
 * names, the local account and region); and who assumes which role — each Lambda function (`Role`), each
 * state machine (`RoleArn`) and each Scheduler schedule (`Target.RoleArn`).
 *
 * Managed policies (`ManagedPolicyArns`) are not read: a grant only they give is missing locally, so a call
 * it would allow is denied here (conservative; docs/sfn-conformance.md).
 */
import { CompiledPolicy, type StatementDocument } from "./policy";

interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface LocalNames {
  region: string;
  accountId: string;
  /** The embedded stack's table name (CloudFormation generates the deployed one). */
  tableName: string;
  /** The embedded stack's bucket for each `contract-ops:bucket` role in the template's metadata. */
  bucketNames: Record<string, string>;
}

export interface TemplateRole {
  logicalId: string;
  arn: string;
  /** The name in the `assumed-role/<name>/<session>` ARN AWS reports in AccessDenied messages. */
  name: string;
  policy: CompiledPolicy;
}

export interface TemplateRoles {
  roles: Map<string, TemplateRole>;
  /** Function ARN → role. */
  functionRoles: Map<string, TemplateRole>;
  /** State machine ARN → role. */
  stateMachineRoles: Map<string, TemplateRole>;
  /** Schedule logical id → role. */
  scheduleRoles: Map<string, TemplateRole>;
}

export class TemplateRoleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TemplateRoleError";
  }
}

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split against the local names. */
export function templateResolver(template: object, names: LocalNames) {
  const resources = (template as { Resources?: Record<string, Resource> }).Resources ?? {};
  const partition = names.region.startsWith("cn-") ? "aws-cn" : "aws";
  const arn = (service: string, rest: string, region = names.region, account = names.accountId) =>
    `arn:${partition}:${service}:${region}:${account}:${rest}`;
  const literal = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const pseudo: Record<string, string> = {
    "AWS::Region": names.region,
    "AWS::AccountId": names.accountId,
    "AWS::Partition": partition,
    "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    "AWS::StackName": "ContractOps",
    "AWS::StackId": arn("cloudformation", "stack/ContractOps/local"),
    "AWS::NoValue": "",
  };

  const physicalName = (logicalId: string, resource: Resource): string => {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case "AWS::Lambda::Function":
        return literal(props.FunctionName) ?? logicalId;
      case "AWS::StepFunctions::StateMachine":
        return literal(props.StateMachineName) ?? logicalId;
      case "AWS::IAM::Role":
        return literal(props.RoleName) ?? logicalId;
      case "AWS::DynamoDB::Table":
      case "AWS::DynamoDB::GlobalTable":
        return literal(props.TableName) ?? names.tableName;
      case "AWS::S3::Bucket": {
        const role = literal(resource.Metadata?.["contract-ops:bucket"]);
        return (role && names.bucketNames[role]) ?? literal(props.BucketName) ?? logicalId.toLowerCase();
      }
      default:
        return literal(props.Name) ?? logicalId;
    }
  };

  const ref = (logicalId: string, where: string): string => {
    const p = pseudo[logicalId];
    if (p !== undefined) return p;
    const resource = resources[logicalId];
    if (!resource)
      throw new TemplateRoleError(`${where}: Ref to ${logicalId}, which the template does not have`);
    const name = physicalName(logicalId, resource);
    switch (resource.Type) {
      case "AWS::StepFunctions::StateMachine":
        return arn("states", `stateMachine:${name}`);
      case "AWS::SNS::Topic":
        return arn("sns", name);
      case "AWS::SQS::Queue":
        return `https://sqs.${names.region}.amazonaws.com/${names.accountId}/${name}`;
      default:
        return name;
    }
  };

  const getAtt = (logicalId: string, attribute: string, where: string): string => {
    const resource = resources[logicalId];
    if (!resource)
      throw new TemplateRoleError(`${where}: Fn::GetAtt ${logicalId}, which the template does not have`);
    const name = physicalName(logicalId, resource);
    if (attribute !== "Arn") return name;
    switch (resource.Type) {
      case "AWS::Lambda::Function":
        return arn("lambda", `function:${name}`);
      case "AWS::StepFunctions::StateMachine":
        return arn("states", `stateMachine:${name}`);
      case "AWS::IAM::Role":
        return arn("iam", `role/${name}`, "");
      case "AWS::DynamoDB::Table":
      case "AWS::DynamoDB::GlobalTable":
        return arn("dynamodb", `table/${name}`);
      case "AWS::S3::Bucket":
        return `arn:${partition}:s3:::${name}`;
      case "AWS::SQS::Queue":
        return arn("sqs", name);
      case "AWS::Logs::LogGroup":
        return arn("logs", `log-group:${name}:*`);
      default:
        // A resource no local service emulates: an ARN no local call will ever name.
        return arn("local", `${resource.Type ?? "resource"}/${logicalId}`);
    }
  };

  const resolve = (value: unknown, where: string): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => resolve(item, where));
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined || !(key === "Ref" || key.startsWith("Fn::"))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, where)]));
    }
    const text = (v: unknown) => {
      const resolved = resolve(v, where);
      if (typeof resolved !== "string")
        throw new TemplateRoleError(`${where}: ${key} expected text, got ${JSON.stringify(resolved)}`);
      return resolved;
    };
    switch (key) {
      case "Ref":
        return ref(String(arg), where);
      case "Fn::GetAtt": {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(".");
        return getAtt(String(id), String(attribute), where);
      }
      case "Fn::Join": {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts, where) as unknown[]).map((part) => String(part)).join(separator);
      }
      case "Fn::Split": {
        const [separator, source] = arg as [string, unknown];
        return text(source).split(separator);
      }
      case "Fn::Select": {
        const [index, source] = arg as [unknown, unknown];
        const items = resolve(source, where);
        if (!Array.isArray(items)) throw new TemplateRoleError(`${where}: Fn::Select of a non-list`);
        return items[Number(resolve(index, where))];
      }
      case "Fn::Sub": {
        const [pattern, vars] = Array.isArray(arg)
          ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>]
          : [String(arg), {}];
        return pattern
          .replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in vars) return text(vars[name]);
            const [id, attribute] = name.split(".");
            return attribute ? getAtt(id as string, attribute, where) : ref(name, where);
          })
          .replaceAll("${!", "${");
      }
      default:
        throw new TemplateRoleError(`${where}: intrinsic function ${key} is not supported`);
    }
  };
  return { resources, resolve, ref, getAtt };
}

const logicalIdOf = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined;
  const att = (value as { "Fn::GetAtt"?: unknown })["Fn::GetAtt"];
  if (Array.isArray(att)) return String(att[0]);
  const r = (value as { Ref?: unknown }).Ref;
  return typeof r === "string" ? r : undefined;
};

/** Reads every role of the template and who assumes it; the policies are compiled here, once. */
export function rolesFromTemplate(template: object, names: LocalNames): TemplateRoles {
  const { resources, resolve, getAtt } = templateResolver(template, names);
  const statementsByRole = new Map<string, StatementDocument[]>();
  const add = (roleId: string, document: unknown, where: string) => {
    const statements = (resolve(document, where) as { Statement?: unknown }).Statement;
    const list = (Array.isArray(statements) ? statements : [statements]) as StatementDocument[];
    statementsByRole.get(roleId)?.push(...list.filter((s) => s !== undefined));
  };
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type === "AWS::IAM::Role") statementsByRole.set(logicalId, []);
  }
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type === "AWS::IAM::Role") {
      for (const inline of (r.Properties?.Policies ?? []) as { PolicyDocument?: unknown }[]) {
        add(logicalId, inline.PolicyDocument, `role ${logicalId}`);
      }
    }
    if (r.Type === "AWS::IAM::Policy") {
      for (const role of (r.Properties?.Roles ?? []) as unknown[]) {
        const roleId = logicalIdOf(role);
        if (roleId) add(roleId, r.Properties?.PolicyDocument, `policy ${logicalId}`);
      }
    }
  }
  const roles = new Map<string, TemplateRole>();
  for (const [logicalId, statements] of statementsByRole) {
    const arn = getAtt(logicalId, "Arn", `role ${logicalId}`);
    roles.set(logicalId, {
      logicalId,
      arn,
      name: arn.slice(arn.lastIndexOf("/") + 1),
      policy: new CompiledPolicy(statements),
    });
  }

  const roleOf = (value: unknown): TemplateRole | undefined => {
    const id = logicalIdOf(value);
    return id ? roles.get(id) : undefined;
  };
  const functionRoles = new Map<string, TemplateRole>();
  const stateMachineRoles = new Map<string, TemplateRole>();
  const scheduleRoles = new Map<string, TemplateRole>();
  for (const [logicalId, r] of Object.entries(resources)) {
    const props = r.Properties ?? {};
    if (r.Type === "AWS::Lambda::Function") {
      const role = roleOf(props.Role);
      if (role) functionRoles.set(getAtt(logicalId, "Arn", logicalId), role);
    } else if (r.Type === "AWS::StepFunctions::StateMachine") {
      const role = roleOf(props.RoleArn);
      if (role) stateMachineRoles.set(getAtt(logicalId, "Arn", logicalId), role);
    } else if (r.Type === "AWS::Scheduler::Schedule") {
      const role = roleOf((props.Target as { RoleArn?: unknown } | undefined)?.RoleArn);
      if (role) scheduleRoles.set(logicalId, role);
    }
  }
  return { roles, functionRoles, stateMachineRoles, scheduleRoles };
}
