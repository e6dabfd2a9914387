export { RpopScheduler, backoffSeconds, type RpopSchedulerOptions } from './scheduler.js';
export { Pop3Client, Pop3ClientError, type Pop3ClientOptions, type RemoteTlsMode } from './pop3-client.js';
export { RpopDestinationPolicy, RpopDestinationRefused, rpopDestinationSettings, type RpopDestinationSettings } from './destination-policy.js';
