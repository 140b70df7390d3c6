// The policy file: a team's runbook as YAML (SPEC §7). One file per job: scalars.ts (one YAML
// value each), schema.ts (the sections), cross-check.ts (references between sections),
// validated.ts (the checked whole), load.ts (reading and error reports), lookups.ts,
// summary.ts (`klaxon check-policy`).
export type { WallDuration } from './scalars.js';
export { type EscalationPolicy, type Schedule, type SupportConfig, type Tier } from './schema.js';
export { PolicySchema, type Policy, type Severity } from './validated.js';
export { PolicyError, formatPath, loadPolicy, parsePolicy } from './load.js';
export { defaultSeverity, findSeverity, policyCalendar, severityNames, severityRank } from './lookups.js';
export { summarizePolicy } from './summary.js';
