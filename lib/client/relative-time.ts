// Relative times ("2 minutes ago") in the inbox, refreshed every 30 s.

/**
 * The moment to measure "… ago" from. Under a minute reads "now" (the text refreshes every 30 s,
 * so "12 seconds ago" would soon be wrong); a server clock slightly ahead never reads "in 2 seconds".
 */
export function relativeNow(createdAt: Date, now: Date): Date {
  const age = now.getTime() - createdAt.getTime();
  return age < 60_000 ? createdAt : now;
}
