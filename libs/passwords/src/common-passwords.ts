/** The most common passwords of breach corpora that pass the length rule (NIST asks for a blocklist). */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '12345678', '123456789', '1234567890', 'password', 'password1', 'password123', 'qwertyuiop',
  'iloveyou', '11111111', '00000000', '87654321', 'abcd1234', 'qwerty123', '1q2w3e4r',
  '1qaz2wsx', 'sunshine', 'princess', 'football', 'baseball', 'welcome1', 'passw0rd',
  'superman', 'starwars', 'trustno1', 'whatever', 'computer', 'michelle', 'jennifer',
  'zaq12wsx', 'asdfghjkl', 'letmein1', 'qwerty12', 'aa123456', 'charlie1', 'dragon12',
  'monkey12', 'changeme', 'internet', 'mediawiki', 'wikipedia', 'administrator',
]);
