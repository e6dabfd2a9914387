/** GET /api/v1/queue items */
export interface QueueEntry {
  id: string;
  queueId: string;
  sender: string;
  recipient: string;
  remoteDomain: string;
  size: number;
  state: QueueState;
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastError: string | null;
  bouncing: boolean;
  expiresAt: string | null;
  createdAt: string;
}

/** GET /api/v1/queue/{id} */
export interface QueueEntryDetail extends QueueEntry {
  message: { clientIp: string | null; authUser: string | null; isBounce: boolean; senderDomainPath: string | null; headers: string | null };
}

/** GET /api/v1/queue/remote-domains items */
export interface RemoteDomain {
  domain: string;
  state: 'active' | 'held';
  heldSince: string | null;
  heldBy: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextProbeAt: string | null;
  queued: number;
}

export const QUEUE_STATES = ['queued', 'deferred', 'held', 'delivering'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueAction = 'delete' | 'reschedule' | 'bounce';
