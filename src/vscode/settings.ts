/** Reads the `trainingVersions.*` settings (SPEC.md §6) for a resource. */
import * as vscode from 'vscode';

export const SECTION = 'trainingVersions';

export interface Settings {
  preferAcceleratedUrls: boolean;
  staleAfterHours: number;
  backups: boolean;
  s3: { bucket: string; prefix: string; region: string; endpoint: string; forcePathStyle: boolean; profile: string; readMetadata: boolean };
  runpod: { endpointId: string; apiUrl: string; pollSeconds: number };
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    preferAcceleratedUrls: c.get<boolean>('preferAcceleratedUrls', true),
    staleAfterHours: Math.max(0, c.get<number>('staleAfterHours', 24)),
    backups: c.get<boolean>('backups', true),
    s3: {
      bucket: c.get<string>('s3.bucket', '').trim(),
      prefix: c.get<string>('s3.prefix', ''),
      region: c.get<string>('s3.region', '').trim(),
      endpoint: c.get<string>('s3.endpoint', '').trim(),
      forcePathStyle: c.get<boolean>('s3.forcePathStyle', false),
      profile: c.get<string>('s3.profile', '').trim(),
      readMetadata: c.get<boolean>('s3.readMetadata', false),
    },
    runpod: {
      endpointId: c.get<string>('runpod.endpointId', '').trim(),
      apiUrl: c.get<string>('runpod.apiUrl', 'https://api.runpod.ai/v2').trim() || 'https://api.runpod.ai/v2',
      pollSeconds: Math.max(0, c.get<number>('runpod.pollSeconds', 0)),
    },
  };
}
