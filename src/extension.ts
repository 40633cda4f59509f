/** Activation: wiring only. Everything registered goes into context.subscriptions. */
import * as vscode from 'vscode';
import { TrainingVersionsCodeActions } from './vscode/codeActions';
import { registerCommands } from './vscode/commands';
import type { CommandDeps } from './vscode/commands/deps';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerFindingDocs } from './vscode/findingDocs';
import { VersionHoverProvider } from './vscode/hover';
import { type ChunkName, lazyRunpodClientFactory, lazyS3Lister, loadedChunks } from './vscode/chunks';
import { RunpodCheckEvents } from './vscode/runpodCheckEvents';
import { deleteRunpodApiKey, storeRunpodApiKey } from './vscode/runpodKeyStore';
import { type PollingState, RunpodPolling } from './vscode/runpodPolling';
import { type S3ListerFactory, S3ListerSource } from './vscode/s3ListerSource';
import type { StylesTreeProvider } from './vscode/stylesTree';
import { StylesView } from './vscode/stylesView';
import { VERSIONS_GLOB, WorkspaceIndex } from './vscode/workspaceIndex';
import { WriteDecisions } from './vscode/writeDecision';

/** What the extension exports: for scripts and integration tests. */
export interface TrainingVersionsApi {
  activationMs: number;
  runpod: RunpodApi;
  s3: S3Api;
  /** Only when the extension host runs tests (`ExtensionMode.Test`): the internals tests look into. */
  test?: TestApi;
}

/** The index, the sidebar's styles tree (`trainingVersions.styles`), its view and status bar item, the write decision. */
export interface TestApi {
  index: WorkspaceIndex;
  tree: StylesTreeProvider;
  styles: StylesView;
  /** The write decision of Clean Up and Sync: tests answer it and read the notifications it showed. */
  writes: WriteDecisions;
  /** The lazily loaded chunks (dist/sync.js, dist/runpod.js) loaded so far: activation, diagnostics and the tree load none. */
  loadedChunks(): ChunkName[];
}

/** The lister S3 syncs use: tests point it at a local S3 API. */
export interface S3Api {
  /** The default: the AWS SDK (dist/s3.js, loaded on the first call, through dist/sync.js) with the default credential chain. */
  createLister: S3ListerFactory;
  /** Syncs build their lister with `factory` until the returned Disposable is disposed. */
  useListerFactory(factory: S3ListerFactory): vscode.Disposable;
}

/** RunPod without the UI, for scripts and tests. The key can be set, never read back. */
export interface RunpodApi {
  /** Stores the API key as the input box would (validated, in SecretStorage). */
  setApiKey(key: string): Promise<void>;
  clearApiKey(): Promise<void>;
  /** Polling now, and what the status bar item shows (undefined: hidden). */
  polling(): PollingState & { statusBarText?: string };
  onDidChangePolling: vscode.Event<PollingState>;
  /** The file the "Training Versions" log channel writes. */
  logFile: vscode.Uri;
}

export async function activate(context: vscode.ExtensionContext): Promise<TrainingVersionsApi> {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('Training Versions', { log: true });
  const index = new WorkspaceIndex(log);
  context.subscriptions.push(log, index);
  // Build everything first, then register: nothing is changed after it is built.
  const runpodEvents = new RunpodCheckEvents();
  const writes = new WriteDecisions(log);
  const styles = new StylesView(index, context.workspaceState);
  const s3Listers = new S3ListerSource(lazyS3Lister);
  context.subscriptions.push(runpodEvents, writes, styles);
  const deps: CommandDeps = {
    context,
    index,
    log,
    secrets: context.secrets,
    runpodClientFactory: lazyRunpodClientFactory,
    // flows/status's StatusCache (what createStatusCache builds), without loading that flow at activation.
    runpodCache: new Map(),
    runpodEvents,
    s3Listers,
    writes,
    styles,
  };
  const polling = new RunpodPolling(deps, styles);
  context.subscriptions.push(polling);

  registerDiagnostics(context, index);
  context.subscriptions.push(registerFindingDocs(context, log));
  const selector: vscode.DocumentSelector = [
    { language: 'json', pattern: VERSIONS_GLOB },
    { language: 'jsonc', pattern: VERSIONS_GLOB },
  ];
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(selector, new TrainingVersionsCodeActions(index), TrainingVersionsCodeActions.metadata),
    vscode.languages.registerHoverProvider(selector, new VersionHoverProvider(index, styles.expired)),
  );
  registerCommands(deps);

  void index.whenReady().then(() => polling.restart());
  const activationMs = Date.now() - t0;
  log.info(`Activated in ${activationMs} ms.`);
  const runpod: RunpodApi = {
    setApiKey: async (key) => {
      await storeRunpodApiKey(context.secrets, key);
      log.info('RunPod API key stored in secret storage (through the extension API).');
    },
    clearApiKey: async () => {
      if (await deleteRunpodApiKey(context.secrets)) log.info('RunPod API key removed from secret storage (through the extension API).');
    },
    polling: () => ({ ...polling.state(), statusBarText: styles.pollingText }),
    onDidChangePolling: polling.onDidChange,
    // Where VS Code writes an extension's log channels: <logUri>/<channel name>.log.
    logFile: vscode.Uri.joinPath(context.logUri, 'Training Versions.log'),
  };
  const s3: S3Api = {
    createLister: lazyS3Lister,
    useListerFactory: (factory) => s3Listers.use(factory),
  };
  const test = context.extensionMode === vscode.ExtensionMode.Test ? { index, tree: styles.tree, styles, writes, loadedChunks } : undefined;
  return { activationMs, runpod, s3, test };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
