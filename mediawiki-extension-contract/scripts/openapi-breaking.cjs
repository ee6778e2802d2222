#!/usr/bin/env node
// OpenAPI breaking-change gate (issue 12): compares openapi.json with openapi.baseline.json, the
// published contract of the current major version, and fails on what breaks a client that was
// written against the baseline: a removed path, operation, schema or field; a changed or
// narrowed type; a new required request field; a tighter bound. Such a change needs a new major
// part of CONTRACT_VERSION (contract.constants.json), and with it a new baseline
// (`--write-baseline`). Additions (paths, optional fields, looser bounds) pass.
// A committed baseline rather than git history: CI's clean checkout needs no tags and no fetch.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const contractDir = join(__dirname, '..');
const CURRENT = join(contractDir, 'openapi.json');
const BASELINE = join(contractDir, 'openapi.baseline.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const major = (doc) => Number(String(doc.info?.version ?? '0').split('.')[0]);
const refName = (s) => (s && s.$ref ? s.$ref.split('/').pop() : undefined);

/** Schemas reachable from request bodies and parameters (where a new required field breaks callers). */
function requestSchemas(doc) {
  const names = new Set();
  const visit = (schema) => {
    if (!schema || typeof schema !== 'object') return;
    const name = refName(schema);
    if (name) {
      if (names.has(name)) return;
      names.add(name);
      return visit(doc.components?.schemas?.[name]);
    }
    for (const value of Object.values(schema)) if (typeof value === 'object') visit(value);
  };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const media of Object.values(op.requestBody?.content ?? {})) visit(media.schema);
    }
  }
  return names;
}

function compareSchema(where, before, after, isRequest, breaks) {
  if (!before || !after) return;
  if (refName(before) || refName(after)) {
    if (refName(before) !== refName(after)) breaks.push(`${where}: now ${refName(after) ?? JSON.stringify(after.type)}, was ${refName(before) ?? JSON.stringify(before.type)}`);
    return;
  }
  if (before.type !== undefined && JSON.stringify(before.type) !== JSON.stringify(after.type)) breaks.push(`${where}: type ${JSON.stringify(after.type)}, was ${JSON.stringify(before.type)}`);
  if (before.nullable && !after.nullable && isRequest) breaks.push(`${where}: no longer nullable`);
  if (!before.nullable && after.nullable && !isRequest) breaks.push(`${where}: may now be null`);
  if (before.format !== after.format && before.format !== undefined) breaks.push(`${where}: format ${after.format}, was ${before.format}`);
  if (Array.isArray(before.enum) && Array.isArray(after.enum)) {
    const removed = before.enum.filter((v) => !after.enum.includes(v));
    const added = after.enum.filter((v) => !before.enum.includes(v));
    if (isRequest && removed.length) breaks.push(`${where}: enum no longer allows ${removed.join(', ')}`);
    if (!isRequest && added.length) breaks.push(`${where}: enum may now answer ${added.join(', ')}`);
  }
  if (isRequest) {
    for (const key of ['maxLength', 'maximum', 'maxItems']) {
      if (after[key] !== undefined && (before[key] === undefined || after[key] < before[key])) breaks.push(`${where}: ${key} ${after[key]}, was ${before[key] ?? 'none'}`);
    }
    for (const key of ['minLength', 'minimum', 'minItems']) {
      if (after[key] !== undefined && (before[key] === undefined || after[key] > before[key])) breaks.push(`${where}: ${key} ${after[key]}, was ${before[key] ?? 'none'}`);
    }
    if (after.pattern !== undefined && after.pattern !== before.pattern) breaks.push(`${where}: pattern ${after.pattern}, was ${before.pattern ?? 'none'}`);
  }
  const beforeProps = before.properties ?? {};
  const afterProps = after.properties ?? {};
  for (const [name, schema] of Object.entries(beforeProps)) {
    if (!(name in afterProps)) breaks.push(`${where}.${name}: removed`);
    else compareSchema(`${where}.${name}`, schema, afterProps[name], isRequest, breaks);
  }
  const wasRequired = new Set(before.required ?? []);
  for (const name of after.required ?? []) {
    if (isRequest && !wasRequired.has(name)) breaks.push(`${where}.${name}: newly required in a request`);
  }
  if (!isRequest) for (const name of wasRequired) if (!(after.required ?? []).includes(name)) breaks.push(`${where}.${name}: no longer always answered`);
  compareSchema(`${where}[]`, before.items, after.items, isRequest, breaks);
}

/** The breaking changes from `baseline` to `current`; empty when the major version moved. */
function breakingChanges(baseline, current) {
  if (major(current) > major(baseline)) return [];
  const breaks = [];
  for (const [path, item] of Object.entries(baseline.paths ?? {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      if (!current.paths?.[path]?.[method]) breaks.push(`${method.toUpperCase()} ${path}: removed`);
    }
  }
  const requests = new Set([...requestSchemas(baseline), ...requestSchemas(current)]);
  for (const [name, schema] of Object.entries(baseline.components?.schemas ?? {})) {
    const now = current.components?.schemas?.[name];
    if (!now) breaks.push(`components.schemas.${name}: removed`);
    else compareSchema(name, schema, now, requests.has(name), breaks);
  }
  return breaks;
}

if (require.main === module) {
  const current = JSON.parse(readFileSync(CURRENT, 'utf8'));
  if (process.argv.includes('--write-baseline')) {
    writeFileSync(BASELINE, JSON.stringify(current, null, 2) + '\n');
    process.stdout.write(`wrote openapi.baseline.json (${current.info.version})\n`);
  } else {
    const breaks = breakingChanges(JSON.parse(readFileSync(BASELINE, 'utf8')), current);
    if (breaks.length) {
      process.stderr.write(`openapi.json breaks the ${major(current)}.x contract (raise CONTRACT_VERSION's major part, then --write-baseline):\n  ${breaks.join('\n  ')}\n`);
      process.exit(1);
    }
    process.stdout.write('openapi.json: no breaking change against openapi.baseline.json\n');
  }
}

module.exports = { breakingChanges };
