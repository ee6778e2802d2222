import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { requestContext } from './request-context';

/** Fields that must never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'password', 'currentPassword', 'secret', 'ticket', 'token',
  '*.password', '*.currentPassword', '*.secret', '*.ticket', '*.token',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'err.config', 'err.request',
];

export function createPinoLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'authbridge-identity-api' } });
}

/** Nest's logger interface over pino: structured JSON lines with redaction. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) { this.write('info', message, context); }
  error(message: unknown, trace?: string, context?: string) { this.write('error', message, context ?? trace); }
  warn(message: unknown, context?: string) { this.write('warn', message, context); }
  debug(message: unknown, context?: string) { this.write('debug', message, context); }
  verbose(message: unknown, context?: string) { this.write('trace', message, context); }
  fatal(message: unknown, context?: string) { this.write('fatal', message, context); }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string) {
    if (!this.logger.isLevelEnabled(level)) return;
    // The same key the request logger gives its lines (`reqId`), so one search finds a request's every line.
    const reqId = requestContext.getStore()?.reqId;
    if (message !== null && typeof message === 'object') this.logger[level]({ context, reqId, ...(message as object) });
    else this.logger[level]({ context, reqId }, String(message));
  }
}
