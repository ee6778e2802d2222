import { capabilityKeys, parsePhpSerialized, PhpSerializedError } from './php-serialized';

describe('parsePhpSerialized / capabilityKeys (the subset WordPress writes)', () => {
  it.each([
    ['a:1:{s:6:"editor";b:1;}', ['editor']],
    ['a:2:{s:13:"administrator";b:1;s:10:"edit_posts";b:0;}', ['administrator']],
    ['a:0:{}', []],
    // Byte lengths, as PHP counts them: "rédacteur" is 10 bytes in UTF-8.
    ['a:1:{s:10:"rédacteur";b:1;}', ['rédacteur']],
    ['a:2:{s:6:"editor";i:1;s:6:"author";s:1:"0";}', ['editor']],
  ])('%s → %j', (value, roles) => {
    expect(capabilityKeys(value)).toEqual(roles);
  });

  it('reads nested arrays, floats and null', () => {
    expect(parsePhpSerialized('a:2:{i:0;d:1.5;s:1:"x";a:1:{i:0;N;}}')).toEqual({ kind: 'array', entries: [[0, 1.5], ['x', { kind: 'array', entries: [[0, null]] }]] });
  });

  it.each([
    ['an object', 'a:1:{i:0;O:8:"stdClass":0:{}}'],
    ['a custom-serialized object', 'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}'],
    ['a reference', 'a:2:{i:0;s:1:"a";i:1;R:2;}'],
    ['a wrong string length', 'a:1:{s:7:"editor";b:1;}'],
    ['a string length in characters, not bytes', 'a:1:{s:9:"rédacteur";b:1;}'],
    ['trailing data', 'a:0:{}x'],
    ['a truncated value', 'a:1:{s:6:"editor";b:1;'],
    ['a boolean that is not 0/1', 'a:1:{s:1:"a";b:2;}'],
    ['an array as a key', 'a:1:{a:0:{}b:1;}'],
    ['an absurd array length', 'a:9999999:{}'],
    ['too deep a nesting', 'a:1:{i:0;'.repeat(10) + 'N;' + '}'.repeat(10)],
    ['a scalar for capabilities', 's:6:"editor";'],
  ])('refuses %s', (_what, value) => {
    expect(() => capabilityKeys(value)).toThrow(PhpSerializedError);
  });

  it('treats a missing or empty value as no roles', () => {
    expect(capabilityKeys(null)).toEqual([]);
    expect(capabilityKeys('')).toEqual([]);
  });
});
