export { ChangeListener, type ChangeSubscriber } from './change-listener.js';
export { FOLDERS_CHANNEL, SETTINGS_CHANNEL, parseIds, type ChangedIds } from './channels.js';
export { databaseUrlOf } from './database-url.js';
