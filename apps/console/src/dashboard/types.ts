/** GET /api/v1/stats/dashboard: a section is null when the reader may not see that kind of object. */
export interface DashboardStats {
  generatedAt: string;
  queueDepth: Array<{ at: string; depth: number }> | null;
  traffic: Array<{ hour: string; delivered: number; deferred: number; bounced: number; refused: number }> | null;
  heldRemoteDomains: { count: number; domains: Array<{ domain: string; heldSince: string | null; lastError: string | null; consecutiveFailures: number }> } | null;
  quarantineWaiting: { count: number; oldestAt: string | null } | null;
  storage:
    | { kind: 'units'; items: Array<{ name: string; usedBytes: number; capacityBytes: number; state: string }> }
    | { kind: 'domains'; items: Array<{ name: string; usedBytes: number; accounts: number }> }
    | null;
}
