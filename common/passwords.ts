// Password and token hashing. Hashes carry their own parameters
// ("scrypt$N$r$p$salt$hash"), so the cost can differ per kind of secret:
// staff passwords are chosen by people and get a high cost; device secrets are
// random 128-bit strings issued at registration and get a lower one, so that
// thousands of bands can reconnect after an edge restart in seconds.
import { randomBytes, scrypt, scryptSync, timingSafeEqual, createHash } from 'node:crypto';

export const staffCost = 16384;
export const deviceCost = 1024;

export function hashPassword(password: string, cost = staffCost): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: cost, r: 8, p: 1 });
  return `scrypt$${cost}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password,
      Buffer.from(salt, 'base64'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** For high-entropy random tokens (edge tokens, sessions): a plain digest is enough. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
