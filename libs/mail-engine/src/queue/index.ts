export { PrismaOutboundQueue, newQueueId, remoteDomainOf } from './spool.js';
export { QueueManager, BOUNCE_NOW, type QueueManagerOptions, type DeliverLocal } from './manager.js';
export { Throttle, AUTOMATIC_HOLD } from './throttle.js';
export { NextHopResolver, RoutingError, parseNextHop, type NextHop } from './transport.js';
export { deliverMessage, type DeliveryReport, type RecipientResult, type SmtpClientOptions } from './smtp-client.js';
export { buildDsn, headersOf, statusOfReply, type DsnInput, type FailedRecipient } from './dsn.js';
export {
  QueueAdmin,
  QUEUE_ACTIONS,
  QUEUE_STATES,
  filterConditions,
  parseAge,
  presentEntry,
  type QueueAction,
  type QueueEntryView,
  type QueueFilter,
  type QueueScope,
  type QueueStateName,
  type RemoteDomainView,
} from './admin.js';
