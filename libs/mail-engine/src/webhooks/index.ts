export * from './events.js';
export * from './outbox.js';
export * from './signature.js';
export * from './config.js';
export * from './dispatcher.js';
export * from './engine-events.js';
export { loadSecretKey, SealedSecrets } from '../secrets/sealed-secrets.js';
