// A logged-in staff member talking to the hub's HTTP API, as the dashboard
// does: the demo seeds the community and reads back what happened through it.
export class HubClient {
  private constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  static async login(url: string, username: string, password: string): Promise<HubClient> {
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`demo login as ${username} failed: ${response.status}`);
    const { token } = (await response.json()) as { token: string };
    return new HubClient(url, token);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** A call that must succeed with `status`; throws with the hub's answer otherwise. */
  async expect<T = Record<string, unknown>>(
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const result = await this.call<T>(method, path, body);
    if (result.status !== status) {
      throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    }
    return result.body;
  }
}
