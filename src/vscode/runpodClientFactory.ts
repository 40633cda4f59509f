/** How the editor builds its RunPod client: one place, so tests can hand in a client pointed at a local server. */
import { type RunpodApi, RunpodClient } from '../services/runpodClient';

export interface RunpodClientConfig {
  apiUrl: string;
  endpointId: string;
  apiKey: string;
  /** One line per request and retry, already redacted. */
  log: (line: string) => void;
}

export type RunpodStatusClient = RunpodApi;

/** Builds the client of a check, a cancel or a key check. */
export type RunpodClientFactory = (config: RunpodClientConfig) => RunpodStatusClient;

export const defaultRunpodClientFactory: RunpodClientFactory = (config) => new RunpodClient(config);
