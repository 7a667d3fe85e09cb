// Calls to the hub's API with the session cookie. A view whose API another
// part of Haven has not added yet gets `missing` and shows an empty state.
import type { Alert, AuditEntry, Me } from './types.ts';

export class HubUnreachable extends Error {}

/** The hub refused this staff member's role (403). */
export class RoleRefused extends Error {}

export type Optional<T> = { missing: true } | { missing: false; value: T };

/** Called when the hub says the session is gone, so the page shows the login. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(callback: () => void): void {
  onUnauthenticated = callback;
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (typeof init.body === 'string') headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init, headers });
  } catch {
    throw new HubUnreachable(path);
  }
  if (response.status === 401 && path !== '/api/auth/login') onUnauthenticated();
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await request(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** GET that tells "this API does not exist (yet)" apart from a failure. */
export async function getOptional<T>(path: string): Promise<Optional<T>> {
  const response = await request(path);
  if (response.status === 404 || response.status === 405) {
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    // A route that exists answers its own 404 with a HAVEN_ code.
    if (!body.code?.startsWith('HAVEN_')) return { missing: true };
  }
  if (response.status === 403) throw new RoleRefused(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return { missing: false, value: (await response.json()) as T };
}

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await request(path, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(problem.message ?? `${path}: ${response.status}`);
  }
  return (await response.json()) as T;
}

export const openStates = ['new', 'acknowledged', 'dispatched'] as const;

export async function fetchOpenAlerts(): Promise<Alert[]> {
  const query = openStates.map((state) => `state=${state}`).join('&');
  return getJson<Alert[]>(`/api/alerts?${query}&limit=1000`);
}

export async function fetchAlertDetail(id: string): Promise<{ alert: Alert; audit: AuditEntry[] }> {
  return getJson(`/api/alerts/${encodeURIComponent(id)}`);
}

export async function fetchMe(): Promise<Me | undefined> {
  const response = await request('/api/auth/me');
  return response.ok ? ((await response.json()) as Me) : undefined;
}
