// The account endpoints of `cairn server --auth` (docs/auth.md, "API"):
// personal access tokens, the user's own password, and user management for
// admins. Errors reject with the server's ApiError ({error_code, message}),
// which the pages show as they are.
import { get, post } from './client';

const AUTH = 'api/2.0/cairn/auth';
const USERS = 'api/2.0/mlflow/users';

// Times are epoch milliseconds.
export interface AccessToken {
  token_id: string;
  name: string;
  created_time: number;
  expires_time?: number;
  revoked_time?: number;
  last_used_time?: number;
  workspace?: string;
}

export interface CreatedToken {
  // The secret: the server keeps only its hash, so this is the one chance to see it.
  token: string;
  token_info: AccessToken;
}

export interface Workspace {
  name: string;
  description?: string;
}

// A limit absent here is the server's default (--max-body-bytes,
// --auth-max-upload-bytes, --auth-rate-limit).
export interface UserLimits {
  max_request_bytes?: number;
  max_upload_bytes?: number;
  requests_per_second?: number;
}

export interface ManagedUser {
  id: number | string;
  username: string;
  is_admin: boolean;
  limits: UserLimits;
}

// The built-in user that owns pipeline task and trial tokens: it cannot log
// in, and changing it would only break running tasks.
export const TASK_USER = 'cairn-task';

export async function listTokens(signal?: AbortSignal): Promise<AccessToken[]> {
  return (await get<{ tokens?: AccessToken[] }>(`${AUTH}/tokens/list`, {}, signal)).tokens ?? [];
}

export interface NewToken {
  name: string;
  expiresInSeconds?: number;
  workspace?: string;
}

export function createToken({ name, expiresInSeconds, workspace }: NewToken): Promise<CreatedToken> {
  const body: Record<string, unknown> = { name };
  if (expiresInSeconds !== undefined) body.expires_in_seconds = expiresInSeconds;
  if (workspace) body.workspace = workspace;
  return post<CreatedToken>(`${AUTH}/tokens/create`, body);
}

export async function revokeToken(tokenId: string): Promise<void> {
  await post<unknown>(`${AUTH}/tokens/revoke`, { token_id: tokenId });
}

export async function listWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
  return (await get<{ workspaces?: Workspace[] }>(`${AUTH}/workspaces/list`, {}, signal)).workspaces ?? [];
}

export async function updatePassword(username: string, password: string): Promise<void> {
  await post<unknown>(`${USERS}/update-password`, { username, password }, 'PATCH');
}

// Admin only. The task user is left out: it is not a person to manage.
export async function listUsers(signal?: AbortSignal): Promise<ManagedUser[]> {
  const users = (await get<{ users?: ManagedUser[] }>(`${AUTH}/users/list`, {}, signal)).users ?? [];
  return users.filter((u) => u.username !== TASK_USER).map((u) => ({ ...u, limits: u.limits ?? {} }));
}

export async function createUser(username: string, password: string): Promise<void> {
  await post<unknown>(`${USERS}/create`, { username, password });
}

export async function setAdmin(username: string, isAdmin: boolean): Promise<void> {
  await post<unknown>(`${USERS}/update-admin`, { username, is_admin: isAdmin }, 'PATCH');
}

// Replaces all of the user's limits: one left out goes back to the default.
export async function updateLimits(username: string, limits: UserLimits): Promise<ManagedUser> {
  const body: Record<string, unknown> = { username };
  for (const [k, v] of Object.entries(limits)) if (v !== undefined) body[k] = v;
  const { user } = await post<{ user: ManagedUser }>(`${AUTH}/users/update-limits`, body, 'PATCH');
  return { ...user, limits: user.limits ?? {} };
}

export async function deleteUser(username: string): Promise<void> {
  await post<unknown>(`${USERS}/delete`, { username }, 'DELETE');
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(t: AccessToken, now: number): TokenState {
  if (t.revoked_time) return 'revoked';
  if (t.expires_time && t.expires_time <= now) return 'expired';
  return 'active';
}
