import './threadpool';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig } from '@authbridge/config';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createPinoLogger, PinoLoggerService } from './logging/pino-logger';
import { setupHint } from './setup-hint';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`authbridge: bad setting ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createPinoLogger(config.logLevel);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger: new PinoLoggerService(logger),
      bodyParser: false,
      abortOnError: false,
    });
  } catch (error) {
    // A user source is checked while the modules start (its tables, columns and grant).
    if (error instanceof ConfigError) {
      process.stderr.write(`authbridge: bad setting ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  configureApp(app, config, logger);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.info({ url, database: config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@') }, 'AuthBridge identity API listening');
  process.stderr.write(setupHint(url));
}

void main();
