import { isPasswordPreparation, preparePassword } from './password-preparation';

describe('preparePassword', () => {
  it('trim: PHP\'s trim() around the password (WordPress), nothing inside', () => {
    expect(preparePassword('trim', ' \t\n\r\0\x0BWendy  pass 42\x0B\0\r\n\t ')).toBe('Wendy  pass 42');
    expect(preparePassword('trim', '\u00a0nbsp\u00a0')).toBe('\u00a0nbsp\u00a0');
  });

  it('phpbb3: what phpBB\'s request layer hashes (CR LF, NUL, htmlspecialchars ENT_COMPAT, NFC)', () => {
    expect(preparePassword('phpbb3', 'Tom & <Jerry> "42" \'x\'')).toBe('Tom &amp; &lt;Jerry&gt; &quot;42&quot; \'x\'');
    expect(preparePassword('phpbb3', 'e\u0301 a\r\nb\rc\0d')).toBe('\u00e9 a\nb\ncd');
  });

  it('none: the password as typed', () => {
    expect(preparePassword(null, ' Tom & Jerry ')).toBe(' Tom & Jerry ');
  });

  it('knows only its own names', () => {
    expect(['phpbb3', 'trim', 'PHPBB3', 'md5', '', null, 3].map(isPasswordPreparation)).toEqual([true, true, false, false, false, false, false]);
  });
});
