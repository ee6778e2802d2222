import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsModule, AccountsService, ClientCredentials } from '@authbridge/accounts';
import { loadConfig } from '@authbridge/config';

let context: INestApplicationContext | undefined;

/** The Nest context over the configured store, created on first use and shared by all commands. */
export async function cliContext(): Promise<INestApplicationContext> {
  context ??= await NestFactory.createApplicationContext(AccountsModule.forRoot(loadConfig()), { logger: ['error'] });
  return context;
}

/** The CLI works on the store directly, through the same services the API uses. */
export async function services() {
  const ctx = await cliContext();
  return { accounts: ctx.get(AccountsService), clients: ctx.get(ClientCredentials) };
}

export async function closeContext(): Promise<void> {
  await context?.close();
}
