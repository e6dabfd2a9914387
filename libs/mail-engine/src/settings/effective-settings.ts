/**
 * Effective settings (ARCHITECTURE.md section 5): the pure resolver and the batch loader that
 * feeds it. The API, the GraphQL DataLoaders and the protocol listeners all go through here.
 */
export * from './resolve-settings.js';
export { loadEffectiveSettings, idsOfPath, type SettingsDb } from './load-settings.js';
