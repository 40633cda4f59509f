/** dist/runpod.js (chunks.ts): the RunPod commands, polling's check and the RunPod client. Loaded on their first run. */
export { applyWebhookPayloadCommand } from './commands/applyWebhookPayload';
export { cancelJob } from './commands/cancelJob';
export { checkStatus } from './commands/checkStatus';
export { setRunpodApiKey } from './commands/setRunpodApiKey';
export { defaultRunpodClientFactory } from './runpodClientFactory';
export { describePollStop, pollStatus } from './runpodPollCheck';
