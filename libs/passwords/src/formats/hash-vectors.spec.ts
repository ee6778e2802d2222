import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argon2PasswordHasher } from '../argon2-hasher';
import { MultiFormatPasswordHasher } from '../multi-format-hasher';
import { recognizeHashFormat, type HashFormat } from './hash-formats';

type HashVector = { name: string; format: HashFormat | null; password: string; hash: string; 'expect-fail'?: true };

// Jest runs from the repository root; ESM has no __dirname.
const vectorFile = resolve('mediawiki-extension-contract/vectors/password-hashes.json');
const { vectors } = JSON.parse(readFileSync(vectorFile, 'utf8')) as { vectors: HashVector[] };

// Small argon2id parameters keep the suite quick; they differ from those of every argon2 vector.
const hasher = new MultiFormatPasswordHasher(new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 2, parallelism: 1 }));

describe('password-hashes.json: hashes made by PHP, MediaWiki, phpass, Joomla, phpBB and Drupal 7', () => {
  it('has unique vector names and every format', () => {
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    const formats = new Set(vectors.map((v) => v.format));
    for (const format of ['argon2', 'bcrypt', 'wordpress-bcrypt', 'phpass', 'mediawiki-pbkdf2', 'mediawiki-pbkdf2-layered', 'mediawiki-md5', 'mediawiki-bcrypt', 'mediawiki-argon2',
      'joomla-md5-salted', 'joomla-sha256', 'phpbb-convert', 'drupal7-sha512', 'drupal7-md5-sha512']) {
      expect(formats).toContain(format);
    }
  });

  it.each(vectors)('$name', async (vector) => {
    expect(recognizeHashFormat(vector.hash)).toBe(vector.format);
    const check = await hasher.verify(vector.hash, vector.password);
    expect(check).toEqual(vector['expect-fail'] ? { ok: false, needsRehash: false } : { ok: true, needsRehash: true });
  });
});
