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
import { type LocalNames, templateResolver } from "../template-intrinsics";
import { CompiledPolicy, type StatementDocument } from "./policy";

export type { LocalNames } from "../template-intrinsics";

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
