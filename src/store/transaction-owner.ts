// Which async context owns a connection's open transaction (transaction.ts opens them; db.ts
// refuses statements from anyone else while one is open).
import { AsyncLocalStorage } from 'node:async_hooks';

export type Owner = { depth: number };

/** Per async context: the connections whose transaction it is inside. */
export const inside = new AsyncLocalStorage<Map<object, Owner>>();

/** Connections with a transaction open through transaction() (drizzle's own, e.g. migrating, are not watched). */
export const openTransactions = new WeakSet<object>();

/** True when the calling async context holds this connection's open transaction. */
export function ownsTransaction(client: object): boolean {
  return inside.getStore()?.has(client) ?? false;
}
