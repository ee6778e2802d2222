import { generateKeyPairSync, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SSO_LEEWAY_SECONDS, SSO_MAX_TICKET_TTL_SECONDS, type JwkSet } from '@authbridge/contract';
import { SsoKeyRepository, type SsoKeyRecord } from '@authbridge/storage';
import { Clock } from '../clock';
import { b64url, publicXOf, toJwk } from './jws';

export const SSO_SETTINGS = Symbol('SSO_SETTINGS');
export interface SsoSettings {
  issuer: string;
  ticketTtlSeconds: number;
  logoutTimeoutMs: number;
}

/** A retired key keeps verifying until every token it signed has expired, plus clock skew. */
export const RETIRED_KEY_GRACE_SECONDS = SSO_MAX_TICKET_TTL_SECONDS + SSO_LEEWAY_SECONDS;

/**
 * Ed25519 signing keys in the store, so every API instance signs with the same key and
 * publishes the same JWKS. Generated on first use; `cli sso keys rotate` adds a new one.
 */
@Injectable()
export class SsoKeys {
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly repository: SsoKeyRepository,
    private readonly clock: Clock,
  ) {}

  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    let active = (await this.repository.list()).find((k) => k.retiredAt === null);
    if (!active) active = await this.create();
    let privateKey = this.privateKeys.get(active.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(active.privatePem);
      this.privateKeys.set(active.kid, privateKey);
    }
    return { kid: active.kid, privateKey };
  }

  /** kid → public key of every key a valid token can still carry. */
  async verificationKeys(): Promise<Map<string, string>> {
    const oldest = new Date(this.clock.now().getTime() - RETIRED_KEY_GRACE_SECONDS * 1000).toISOString();
    const keys = (await this.repository.list()).filter((k) => k.retiredAt === null || k.retiredAt >= oldest);
    return new Map(keys.map((k) => [k.kid, k.publicX]));
  }

  async jwks(): Promise<JwkSet> {
    if ((await this.repository.list()).length === 0) await this.signingKey();
    return { keys: [...(await this.verificationKeys())].map(([kid, x]) => toJwk(kid, x)) };
  }

  /** New active key; older ones retire (still verifying for the grace period) and expired ones go. */
  async rotate(): Promise<{ kid: string; retired: number; deleted: number }> {
    const key = await this.create();
    const now = this.clock.now();
    const retired = await this.repository.retireAllBut(key.kid, now.toISOString());
    const deleted = await this.repository.deleteRetiredBefore(new Date(now.getTime() - RETIRED_KEY_GRACE_SECONDS * 1000).toISOString());
    return { kid: key.kid, retired, deleted };
  }

  async list(): Promise<Array<Omit<SsoKeyRecord, 'privatePem'>>> {
    return (await this.repository.list()).map(({ privatePem: _secret, ...rest }) => rest);
  }

  private async create(): Promise<SsoKeyRecord> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const record: SsoKeyRecord = {
      kid: b64url(randomBytes(12)),
      publicX: publicXOf(privateKey),
      privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      createdAt: this.clock.now().toISOString(),
      retiredAt: null,
    };
    await this.repository.insert(record);
    return record;
  }
}

