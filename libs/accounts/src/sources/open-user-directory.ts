import type { UserSourceSettings } from '@authbridge/config';
import { PasswordHasher } from '@authbridge/passwords';
import { SourceAccountRepository, UserRepository } from '@authbridge/storage';
import { Clock } from '../clock';
import type { AccountSource } from './account-source';
import { LocalUserDirectory } from './local-user-directory';
import { SourceUserDirectory } from './source-user-directory';
import { CustomSqlSource } from './sql/custom-source';
import { openSqlClient } from './sql/sql-client';
import { WordPressSource } from './sql/wordpress-source';
import { JoomlaSource } from './sql/joomla-source';
import { Phpbb3Source } from './sql/phpbb3-source';
import { Drupal7Source } from './sql/drupal7-source';
import type { UserDirectory } from './user-directory';
import { WikiNames } from './wiki-names';
import { HttpAccountSource } from './http/http-source';

export interface OpenedDirectory {
  directory: UserDirectory;
  close(): Promise<void>;
}

/**
 * The directory USER_SOURCE names. A source is checked before the API serves anything: a missing
 * table or column, or a database that refuses the user, stops start-up with a ConfigError naming
 * the setting. A new preset is one more case here and one AccountSource class.
 */
export async function openUserDirectory(
  settings: UserSourceSettings,
  deps: { users: UserRepository; links: SourceAccountRepository; hasher: PasswordHasher; clock: Clock },
): Promise<OpenedDirectory> {
  if (settings.kind === 'local') return { directory: new LocalUserDirectory(deps.users, deps.hasher, deps.clock), close: async () => {} };
  if (settings.kind === 'http') {
    const http = new HttpAccountSource(settings);
    await http.check();
    return { directory: new SourceUserDirectory(http, new WikiNames(settings.name, deps.links, deps.clock), deps.hasher, 'http'), close: () => http.close() };
  }
  const client = await openSqlClient(settings);
  let source: AccountSource;
  switch (settings.preset) {
    case 'wordpress':
      source = new WordPressSource(client, settings);
      break;
    case 'custom':
      source = new CustomSqlSource(client, settings, settings.mapping!);
      break;
    case 'joomla':
      source = new JoomlaSource(client, settings);
      break;
    case 'phpbb3':
      source = new Phpbb3Source(client, settings);
      break;
    case 'drupal7':
      source = new Drupal7Source(client, settings);
      break;
  }
  try {
    await source.check();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return {
    directory: new SourceUserDirectory(source, new WikiNames(settings.name, deps.links, deps.clock), deps.hasher),
    close: () => source.close(),
  };
}
