import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Jest runs from the repository root; ESM has no __dirname.
const dir = join(process.cwd(), 'mediawiki-extension-contract');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;
const components: Record<string, Schema> = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8')).components.schemas;

/** Each JSON Schema in schemas/ that describes a request or response body, with its OpenAPI component. */
const PAIRS: Array<[string, string]> = [
  ['verify-request', 'VerifyRequestDto'],
  ['create-user-request', 'CreateUserDto'],
  ['update-user-request', 'UpdateUserDto'],
  ['set-password-request', 'SetPasswordDto'],
  ['sso-ticket-request', 'IssueTicketDto'],
  ['sso-redeem-request', 'RedeemTicketDto'],
  ['sso-logout-request', 'SsoLogoutDto'],
  ['user', 'UserDto'],
  ['user-page', 'UserPageDto'],
  ['sso-ticket-response', 'IssueTicketResponseDto'],
  ['sso-redeem-response', 'RedeemTicketResponseDto'],
  ['sso-logout-response', 'SsoLogoutResponseDto'],
  ['account-lock', 'AccountLockDto'],
  ['audit-page', 'AuditPageDto'],
  ['jwks', 'JwkSetDto'],
];
const BOUNDS = ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'maxItems'] as const;

/** Differences between a schema and its component: fields, required, types, patterns and bounds. */
export function differences(schema: Schema, component: Schema): string[] {
  const out: string[] = [];
  const required = (s: Schema) => [...(s.required ?? [])].sort();
  if (JSON.stringify(required(schema)) !== JSON.stringify(required(component))) {
    out.push(`required: schema ${JSON.stringify(required(schema))}, openapi ${JSON.stringify(required(component))}`);
  }
  for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
    const other = component.properties?.[name];
    if (!other) {
      out.push(`${name}: missing from openapi`);
      continue;
    }
    const types = ([] as string[]).concat(property.type ?? []).filter((t) => t !== 'null');
    if (types.length === 1 && other.type !== undefined && types[0] !== other.type) out.push(`${name}: type ${types[0]} vs ${other.type}`);
    if (Array.isArray(property.type) && property.type.includes('null') && other.nullable !== true && !other.$ref) out.push(`${name}: nullable in the schema only`);
    for (const bound of BOUNDS) {
      if (property[bound] !== undefined && property[bound] !== other[bound]) out.push(`${name}: ${bound} ${property[bound]} vs ${other[bound]}`);
    }
  }
  for (const name of Object.keys(component.properties ?? {})) {
    if (!(name in (schema.properties ?? {}))) out.push(`${name}: missing from the schema`);
  }
  return out;
}

describe('schemas/ and openapi.json describe the same bodies', () => {
  it.each(PAIRS)('%s.schema.json matches components.schemas.%s', (file, component) => {
    const schema = JSON.parse(readFileSync(join(dir, 'schemas', `${file}.schema.json`), 'utf8'));
    expect(components[component]).toBeDefined();
    expect(differences(schema, components[component])).toEqual([]);
  });

  it('notices a changed bound, a dropped field and a new required field', () => {
    const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'sso-ticket-request.schema.json'), 'utf8'));
    const component = structuredClone(components.IssueTicketDto);
    component.properties.audience.pattern = '^[a-z]{1,8}$';
    delete component.properties.nonce;
    component.required = ['username'];
    expect(differences(schema, component)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^required/), expect.stringMatching(/^audience: pattern/), 'nonce: missing from openapi']),
    );
  });
});
