export * from './config.js';
export * from './node-registry.js';
export * from './nodes.js';
export * from './routing.js';
export * from './nginx-auth.js';
export * from './nginx-config.js';
export * from './ownership.js';
export * from './relay-routes.js';
