import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const SCHEMA_DIR = resolve('mediawiki-extension-contract/schemas');

/** Every contract schema, loaded once, so tests check real responses against the committed files. */
export function contractValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(resolve(SCHEMA_DIR, file), 'utf8')));
  }
  return (name: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`urn:authbridge:schema:${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

export function readVectors<T>(file: string): { description: string; source: string; vectors: T[] } {
  return JSON.parse(readFileSync(resolve('mediawiki-extension-contract/vectors', file), 'utf8'));
}
