import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@authbridge/config';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './openapi/openapi';

/** Writes the committed contract's openapi.json from the code (`npm run openapi:write`). */
async function main(): Promise<void> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  const target = resolve(process.argv[2] ?? 'mediawiki-extension-contract/openapi.json');
  writeFileSync(target, JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n');
  await app.close();
  process.stdout.write(`wrote ${target}\n`);
}

void main();
