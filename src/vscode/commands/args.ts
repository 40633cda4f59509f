/**
 * Command arguments. What a command receives depends on where it was run from: a
 * tree row (`StyleNode`, `VersionNode`), an Explorer or editor URI, a hover link
 * (`{ uri, versionId }` with the URI as a string), a script or a test (an options
 * object), or nothing (the Command Palette). Each shape is parsed here, once, by
 * the registration in `index.ts`; a command body receives the parsed value and
 * never looks at `unknown` again.
 */
import * as vscode from 'vscode';
import type { CheckScope } from '../runpodCheck';
import { StyleNode, VersionNode } from '../stylesTree';
import type { ApplyWebhookArgs } from './applyWebhookPayload';
import type { CleanupOptions } from './cleanupWorkspace';
import type { SyncS3Options } from './syncS3';
import type { VersionRef } from './treeVersion';

type Fields<K extends string> = { [P in K]?: unknown };

const fieldsOf = <K extends string>(x: unknown): Fields<K> | undefined =>
  typeof x === 'object' && x !== null ? (x as Fields<K>) : undefined;

/** A URI, or a URI written as a string (hover links pass strings); undefined for anything else. */
export const uriOf = (x: unknown): vscode.Uri | undefined =>
  x instanceof vscode.Uri ? x : typeof x === 'string' && x ? vscode.Uri.parse(x) : undefined;

/** A version row (`VersionNode`) or `{ uri, versionId?, entryIndex? }` → a `VersionRef`; undefined for anything else. */
export function versionRefOf(arg: unknown): VersionRef | undefined {
  const a = fieldsOf<'uri' | 'versionId' | 'entryIndex' | 'row'>(arg);
  const uri = a && uriOf(a.uri);
  if (!a || !uri) return undefined;
  const row = fieldsOf<'entryIndex'>(a.row);
  const entryIndex = typeof row?.entryIndex === 'number' ? row.entryIndex : typeof a.entryIndex === 'number' ? a.entryIndex : undefined;
  return { uri, versionId: typeof a.versionId === 'string' ? a.versionId : undefined, entryIndex };
}

/** The file of a style or version row, or a URI as given. */
export function styleFileOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof StyleNode || arg instanceof VersionNode) return arg.uri;
  return arg instanceof vscode.Uri ? arg : undefined;
}

/** The style folder of a style or version row; a URI of a `.json` file names its folder. */
export function styleFolderOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof StyleNode) return arg.folderUri;
  if (arg instanceof VersionNode) return arg.style.folderUri;
  if (arg instanceof vscode.Uri) return arg.path.endsWith('.json') ? vscode.Uri.joinPath(arg, '..') : arg;
  return undefined;
}

/** "Fix All in This Style": a style row, a file URI, or a version reference names the file. */
export function fixTargetOf(arg: unknown): vscode.Uri | undefined {
  return arg instanceof StyleNode ? arg.uri : arg instanceof vscode.Uri ? arg : versionRefOf(arg)?.uri;
}

/** The scope of a status check: `{ uri, versionId }`, `{ styleFolder }`, a URI (that file), or nothing (the workspace). */
export function checkScopeOf(arg: unknown): CheckScope {
  if (arg instanceof vscode.Uri) return { uri: arg };
  const a = fieldsOf<'uri' | 'styleFolder' | 'versionId'>(arg);
  if (!a) return {};
  const uri = uriOf(a.uri);
  const styleFolder = uri ? undefined : uriOf(a.styleFolder);
  const versionId = typeof a.versionId === 'string' && a.versionId ? a.versionId : undefined;
  return { uri, styleFolder, versionId };
}

/** The options of a sync: `{ styleFolder?, preview?, signal? }`, a URI (file or folder), or nothing. */
export function syncOptionsOf(arg: unknown): SyncS3Options {
  if (arg instanceof vscode.Uri) return { styleFolder: arg };
  const a = fieldsOf<'styleFolder' | 'preview' | 'signal'>(arg);
  if (!a) return {};
  return {
    styleFolder: uriOf(a.styleFolder),
    preview: typeof a.preview === 'boolean' ? a.preview : undefined,
    signal: a.signal instanceof AbortSignal ? a.signal : undefined,
  };
}

/** Clean-up options from a script or test; menus pass a row or a URI instead, which means "no options". */
export function cleanupOptionsOf(x: unknown): CleanupOptions {
  const a = fieldsOf<'preview' | 'uris' | 'answer'>(x);
  return a && !(x instanceof vscode.Uri) && ('preview' in a || 'uris' in a || 'answer' in a) ? (a as CleanupOptions) : {};
}

/** `{ payload, uri? }` from a script or test; anything else means "ask where the payload comes from". */
export function webhookArgsOf(x: unknown): ApplyWebhookArgs | undefined {
  return typeof fieldsOf<'payload'>(x)?.payload === 'string' ? (x as ApplyWebhookArgs) : undefined;
}

/** A version to cancel, and whether the caller (a script or test) has already confirmed: `{ …versionRef, confirmed: true }`. */
export function cancelTargetOf(x: unknown): { ref: VersionRef | undefined; confirmed: boolean } {
  return { ref: versionRefOf(x), confirmed: fieldsOf<'confirmed'>(x)?.confirmed === true };
}
