/** GET /api/v1/audit-events items */
export interface AuditEvent {
  id: string;
  at: string;
  actorType: string;
  actorName: string;
  role: string;
  interface: string;
  action: string;
  outcome: 'success' | 'denied';
  subjectType: string;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  clientIp: string | null;
}
