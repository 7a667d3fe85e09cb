// Staff accounts, login and sessions. A session is a random token kept by the
// browser in an HttpOnly cookie (or sent as a bearer token by scripts); the hub
// stores only its digest. Login is rate limited per client address.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { hashPassword, hashToken, newToken, verifyPassword } from '../../common/passwords.ts';
import type { StaffRole } from '../config.ts';
import { BadLogin, Forbidden, Unauthenticated } from '../errors.ts';
import { isScopedRole } from '../scopes/scope.ts';
import type { StaffAccess } from '../types.ts';

export const sessionCookie = 'haven_session';
/** /api paths that answer without a staff session. */
const publicPaths = new Set(['/api/auth/login', '/api/notify/receipts']);
const roleRank: Record<StaffRole, number> = {
  viewer: 0,
  operator: 1,
  admin: 2,
  grid_worker: 1,
  family: 1,
  doctor: 1,
  // Below every other role: requireStaff('guard') admits any account.
  guard: -1,
};

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return request.cookies[sessionCookie];
}

async function authPlugin(app: FastifyInstance): Promise<void> {
  const { store, hubConfig } = app;

  const removed = await store.syncConfigStaff(
    hubConfig.staff.map((member) => ({
      username: member.username,
      displayName: member.displayName ?? member.username,
      role: member.role,
      passwordHash: member.password.startsWith('scrypt$')
        ? member.password
        : hashPassword(member.password),
    })),
  );
  for (const username of removed) {
    await store.audit('hub', 'staff_removed', `staff:${username}`, { reason: 'not in config' });
    app.log.info({ username }, 'staff account removed: no longer in the config');
  }

  // Default deny: every /api route needs a live staff session before its body is
  // read, except login, the edges' own routes (their token is checked by each
  // route's onRequest) and the notification gateway's receipts (HMAC-signed).
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/')) return;
    if (publicPaths.has(path) || path.startsWith('/api/edge/')) return;
    const token = sessionToken(request);
    if (!token || !(await store.getSession(hashToken(token)))) throw new Unauthenticated();
  });

  app.decorateRequest('staff', undefined);
  app.decorate('requireStaff', (role: StaffRole, access: StaffAccess = {}) => {
    return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const token = sessionToken(request);
      const session = token ? await store.getSession(hashToken(token)) : undefined;
      if (!session) throw new Unauthenticated();
      if (roleRank[session.role] < roleRank[role]) throw new Forbidden(session.role);
      // Not by rank alone: a guard passes only routes opened to guards, so no
      // change of ranks can ever give him the alert wall or an operator's rights.
      if (session.role === 'guard' && role !== 'guard') throw new Forbidden(session.role);
      // Scoped staff pass only routes that check scopes themselves.
      if (isScopedRole(session.role) && !access.scoped) throw new Forbidden(session.role);
      request.staff = { username: session.username, role: session.role };
    };
  });

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody, tags: ['auth'] },
      config: {
        rateLimit: {
          max: hubConfig.loginAttemptsPerMinute,
          timeWindow: '1 minute',
          // Per address and account: guessing one account does not lock the
          // duty officer at the same desk out of theirs.
          keyGenerator: (request) =>
            `${request.ip}:${String((request.body as { username?: unknown })?.username ?? '')}`,
          errorResponseBuilder: (_request, context) => ({
            statusCode: 429,
            code: 'HAVEN_LOGIN_RATE',
            error: 'Too Many Requests',
            message: `too many login attempts; try again in ${context.after}`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const account = await store.getStaff(username);
      if (!account || !(await verifyPassword(password, account.passwordHash))) {
        request.log.warn({ username }, 'login refused');
        throw new BadLogin();
      }
      const token = newToken();
      const expiresAt = Date.now() + hubConfig.sessionHours * 3600_000;
      await store.createSession(hashToken(token), {
        username,
        role: account.role,
        expiresAt,
      });
      await store.audit(username, 'login', `staff:${username}`);
      request.log.info({ username, role: account.role }, 'staff logged in');
      void reply.setCookie(sessionCookie, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: hubConfig.secureCookies,
        path: '/',
        expires: new Date(expiresAt),
      });
      return {
        token,
        username,
        displayName: account.displayName,
        role: account.role,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/api/auth/logout',
    { preHandler: app.requireStaff('guard', { scoped: true }), schema: { tags: ['auth'] } },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await store.deleteSession(hashToken(token));
      void reply.clearCookie(sessionCookie, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    { preHandler: app.requireStaff('guard', { scoped: true }), schema: { tags: ['auth'] } },
    async (request) => request.staff,
  );
}

export default fp(authPlugin, {
  name: 'haven-auth',
  dependencies: ['@fastify/cookie', '@fastify/rate-limit'],
  decorators: { fastify: ['store', 'hubConfig'] },
});
