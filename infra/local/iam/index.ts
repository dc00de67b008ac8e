/**
 * IAM enforcement of the embedded stack (ADR 0025): roles from the synthesized template, an evaluator of
 * their policies, and the enforcer that checks Lambda SDK calls and the state machines' and schedules' roles.
 */
export { type Denial, IamEnforcer, type IamEnforcerOptions } from "./enforcer";
export { type AuthorizationRequest, CompiledPolicy, type Decision, type StatementDocument } from "./policy";
export { authorizationRequests } from "./requests";
export { type LocalNames, rolesFromTemplate, type TemplateRole, type TemplateRoles } from "./template-roles";
