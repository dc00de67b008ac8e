import { breachAnswerCommand } from "./_breach-answer";

export default breachAnswerCommand(
  "objection",
  "record a written objection to a breach notice: the parties negotiate, then arbitrate (R-BREACH-1, clauses 5.1, 8.2, 8.3)",
);
