// A policy edited while incidents are open can drop a severity they still use. Start-up refuses
// such a policy with what is missing. Pages carry their own plan (pages.plan), so escalation
// policies may change freely; only pages started before plans were kept still need theirs.
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { findSeverity, type Policy } from '../config/policy/index.js';
import type { Db } from '../store/db.js';
import { OPEN_STATUSES } from '../store/settled-blocks.js';
import { incidents, pages } from '../store/tables.js';
import { hasOwnKey } from '../domain/own.js';

export async function policyDrift(db: Db, policy: Policy): Promise<string[]> {
  const problems: string[] = [];
  for (const inc of (await db.select().from(incidents).where(inArray(incidents.status, OPEN_STATUSES)))) {
    if (!findSeverity(policy, inc.severity)) problems.push(`severity "${inc.severity}" is used by open incident #${inc.id}`);
  }
  const open = (await db.select().from(pages).where(and(eq(pages.status, 'open'), isNotNull(pages.policy), isNull(pages.plan))));
  for (const p of open) {
    if (!hasOwnKey(policy.escalation_policies, p.policy)) problems.push(`escalation policy "${p.policy}" is paging for incident #${p.incidentId}`);
  }
  return problems;
}

export class PolicyDriftError extends Error {}

export async function assertNoDrift(db: Db, policy: Policy, source: string): Promise<void> {
  const problems = await policyDrift(db, policy);
  if (problems.length) throw new PolicyDriftError(`${source} lacks what open incidents still use: ${problems.join('; ')}. Put it back, or resolve those incidents first.`);
}
