import { Logger } from '@nestjs/common';
import { ConfigError, type HttpSourceSettings } from '@authbridge/config';
import { SOURCE_LIMITS, sourceId, sourcePage, sourceText, sourceTime, type AccountSource, type PasswordCheckResult, type PasswordRule, type SourceAccount, type SourcePage } from '../account-source';
import { BadSourceRow, sourceUnavailable } from '../source-errors';

/**
 * USER_SOURCE=http: the website's own endpoint (SPEC.md "The HTTP user source",
 * schemas/http-user-source-*.schema.json). One POST per call with a JSON action and
 * `Authorization: Bearer <USER_SOURCE_SECRET>`; the endpoint checks passwords itself, so
 * AuthBridge never sees a hash. Anything but a well-formed 200 within the timeout and the size
 * limit (a 5xx, a redirect, bad JSON, an oversize body, a refused connection) is
 * SOURCE_UNAVAILABLE: the wiki says "unavailable", never "wrong password".
 */
export class HttpAccountSource implements AccountSource {
  readonly name: string;
  /** Unused: the endpoint checks passwords (checkPassword). */
  readonly passwordRule: PasswordRule = { formats: [], preparation: null };
  private readonly logger = new Logger('UserSource');

  constructor(private readonly settings: HttpSourceSettings) {
    this.name = settings.name;
  }

  async check(): Promise<void> {
    let answer: { status: number; text: string };
    try {
      answer = await this.send({ action: 'ping' });
    } catch (error) {
      throw new ConfigError('USER_SOURCE_URL', `the endpoint does not answer (${(error as Error).message})`);
    }
    if (answer.status === 401 || answer.status === 403) throw new ConfigError('USER_SOURCE_SECRET', `the endpoint refused it (HTTP ${answer.status})`);
    if (answer.status !== 200) throw new ConfigError('USER_SOURCE_URL', `the endpoint answered the ping with HTTP ${answer.status}, not 200`);
    // A URL that points at a web page answers 200 too: without this, start-up would pass and every login fail.
    const pong = parseObject(answer.text);
    if (typeof pong !== 'object' || pong.ok !== true) throw new ConfigError('USER_SOURCE_URL', 'the answer to the ping is not {"ok": true}: is this the endpoint?');
  }

  async ping(): Promise<void> {
    const body = await this.call({ action: 'ping' });
    if (body.ok !== true) this.unavailable('the ping answer is not {"ok": true}');
  }

  async findByLogins(logins: readonly string[]): Promise<SourceAccount[]> {
    const found = new Map<string, SourceAccount>();
    for (const login of new Set(logins)) for (const account of await this.lookup('login', login)) found.set(account.externalId, account);
    return [...found.values()];
  }

  findByEmail(email: string): Promise<SourceAccount[]> {
    return this.lookup('email', email);
  }

  async findById(externalId: string): Promise<SourceAccount | undefined> {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(externalId)) return undefined;
    return (await this.lookup('id', externalId)).find((account) => account.externalId === externalId);
  }

  async list({ afterId, loginPrefix, limit }: { afterId?: string; loginPrefix: string; limit: number }): Promise<SourcePage> {
    const body = await this.call({ action: 'list', afterId: afterId ?? null, prefix: loginPrefix, limit });
    const users = this.users(body);
    // Without "more", a page short of limit would silently end the list.
    if (typeof body.more !== 'boolean') return this.unavailable('the list answer has no boolean "more"', 'list');
    const page = await sourcePage(users.slice(0, limit), limit, (user) => toAccount(user));
    return { ...page, more: body.more };
  }

  /** The endpoint checks the password of the account found (its id), or of what was typed when none was. */
  async checkPassword(target: { externalId?: string; login: string }, password: string): Promise<PasswordCheckResult> {
    const body = await this.call({ action: 'verify', id: target.externalId ?? null, login: target.login, password });
    if (body.result === 'WRONG_PASSWORD' || body.result === 'NO_SUCH_USER') return { outcome: body.result };
    if (body.result !== 'PASS' || typeof body.user !== 'object' || body.user === null) return this.unavailable('the verify answer has no result PASS, WRONG_PASSWORD or NO_SUCH_USER');
    const account = toAccount(body.user);
    // An endpoint that answers for another account than the one asked about is not believed.
    if (target.externalId !== undefined && account.externalId !== target.externalId) {
      this.logger.warn({ msg: 'the endpoint passed another account than the one asked about; the login fails', asked: target.externalId, answered: account.externalId });
      return { outcome: 'WRONG_PASSWORD' };
    }
    return { outcome: 'PASS', account };
  }

  async close(): Promise<void> {}

  private async lookup(by: 'login' | 'email' | 'id', value: string): Promise<SourceAccount[]> {
    const users = this.users(await this.call({ action: 'lookup', by, value }));
    return users.slice(0, 10).map((user) => toAccount(user));
  }

  private users(body: Record<string, unknown>): Array<{ id?: unknown }> {
    if (!Array.isArray(body.users)) return this.unavailable('the answer has no "users" array');
    return body.users;
  }

  /** One call: 200 with a JSON object within the limits, else SOURCE_UNAVAILABLE with a log line. */
  private async call(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    let answer: { status: number; text: string };
    try {
      answer = await this.send(request);
    } catch (error) {
      return this.unavailable((error as Error).message, request.action);
    }
    if (answer.status !== 200) return this.unavailable(`HTTP ${answer.status}`, request.action);
    const body = parseObject(answer.text);
    if (body === 'not JSON') return this.unavailable('the body is not JSON', request.action);
    if (body === undefined) return this.unavailable('the body is not a JSON object', request.action);
    return body;
  }

  /** POST with the deadline covering connect, headers and body; the body is read at most maxBytes + 1 far. */
  private async send(request: Record<string, unknown>): Promise<{ status: number; text: string }> {
    const signal = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      const response = await fetch(this.settings.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.settings.secret}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        redirect: 'manual',
        signal,
      });
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > this.settings.maxBytes) {
        await response.body?.cancel();
        throw new Error(`the body is larger than ${this.settings.maxBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.length;
        if (size > this.settings.maxBytes) throw new Error(`the body is larger than ${this.settings.maxBytes} bytes`);
        chunks.push(Buffer.from(chunk));
      }
      return { status: response.status, text: Buffer.concat(chunks).toString('utf8') };
    } catch (error) {
      if (signal.aborted) throw new Error(`no answer within ${this.settings.timeoutMs} ms`);
      // fetch's own message ("fetch failed") hides the cause: ECONNREFUSED and the like.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(cause?.code ?? cause?.message ?? (error as Error).message);
    }
  }

  /** Logged with the action and the reason, never the request (it holds the password) or the secret. */
  private unavailable(reason: string, action?: unknown): never {
    this.logger.warn({ msg: 'the user source did not answer', action: typeof action === 'string' ? action : undefined, reason });
    throw sourceUnavailable();
  }
}

/** The body as a JSON object; 'not JSON' when it does not parse, undefined when it is another JSON value. */
function parseObject(text: string): Record<string, unknown> | 'not JSON' | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** A user object of the contract (http-user-source-response.schema.json, $defs.user) as a SourceAccount. */
export function toAccount(user: unknown): SourceAccount {
  if (typeof user !== 'object' || user === null || Array.isArray(user)) throw new BadSourceRow('?', 'user', 'is not a JSON object');
  const u = user as Record<string, unknown>;
  const id = sourceId(u.id);
  const email = sourceText(id, 'email', u.email, SOURCE_LIMITS.email, true);
  const groups = u.groups ?? [];
  if (!Array.isArray(groups)) throw new BadSourceRow(id, 'groups', 'is not an array');
  if (groups.length > SOURCE_LIMITS.groups) throw new BadSourceRow(id, 'groups', `has more than ${SOURCE_LIMITS.groups} entries`);
  if (u.disabled !== undefined && typeof u.disabled !== 'boolean') throw new BadSourceRow(id, 'disabled', 'is not a boolean');
  return {
    externalId: id,
    login: sourceText(id, 'login', u.login, SOURCE_LIMITS.login),
    email: email === '' ? null : email,
    realName: (sourceText(id, 'realName', u.realName ?? '', SOURCE_LIMITS.realName) ?? '').trim(),
    passwordHash: null,
    groups: [...new Set(groups.map((g) => sourceText(id, 'groups', g, SOURCE_LIMITS.group)))].sort(),
    disabled: u.disabled === true,
    createdAt: typeof u.createdAt === 'string' ? sourceTime(u.createdAt) : null,
  };
}
