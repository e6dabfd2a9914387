export { startPop3Listeners, type Pop3ListenerOptions, type Pop3Listeners } from './server.js';
