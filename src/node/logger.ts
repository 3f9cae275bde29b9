/** pino JSON logs, pretty when a person is at the terminal; one child logger per module. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export function createLogger(level: LevelWithSilent, pretty = process.stdout.isTTY === true): Logger {
  if (!pretty) return pino({ level });
  return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
}

export type { Logger };
