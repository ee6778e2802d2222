<?php
/**
 * Writes vectors/password-hashes.json: known password / hash pairs in every format the
 * identity API accepts from an import, each made by the implementation that writes that
 * format in the wild. Regenerate from the repository root with
 *
 *   php mediawiki-extension-contract/scripts/generate-hash-vectors.php
 *
 * Like generate-username-vectors.php, run like this the script installs a throwaway SQLite
 * wiki (MediaWiki 1.39 at /usr/share/mediawiki, or MW_INSTALL_PATH) into a temporary
 * directory, runs itself there as a maintenance script and removes the directory again;
 * with MW_CONFIG_FILE set it uses that wiki instead.
 *
 * Where the hashes come from:
 * - PHP's own password_hash() and crypt() (bcrypt $2y$, $2a$, $2b$; argon2id, argon2i);
 * - MediaWiki's password classes through its PasswordFactory (":pbkdf2:", ":B:", ":A:",
 *   ":bcrypt:", ":argon2:", the layered ":pbkdf2-legacyA:" / ":pbkdf2-legacyB:");
 * - phpass portable hashes ($P$, $H$): WordPress's own class-phpass.php from Debian's
 *   wordpress package (wordpress-reference.php), hashed with HashPassword() the way WordPress
 *   calls it (PasswordHash( 8, true ): "$P$B", 2^13 rounds) and checked with CheckPassword();
 *   phpBB's "$H$" and other round counts through the same class's gensalt/crypt_private;
 * - WordPress 6.8+ ($wp$2y$): WordPress's own wp_hash_password() / wp_check_password() when the
 *   installed package is 6.8 or later (Debian 13); Debian 12's 6.1 predates the format, and
 *   there wordpressHash() below restates it (HMAC-SHA384 pre-hash, then PHP's bcrypt).
 *   The extension's WordPressHashVectorsTest checks these with WordPress 6.8 on MediaWiki 1.43.
 *
 * Every passing vector is checked with the reference's own verification (password_verify,
 * MediaWiki's Password::verify, phpass CheckPassword's comparison) before it is written.
 * Salts are random, so a rerun changes the hashes but not the names or passwords.
 *
 * @file
 */

use MediaWiki\MediaWikiServices;

const OUTPUT_FILE = __DIR__ . '/../vectors/password-hashes.json';

require_once __DIR__ . '/throwaway-wiki.php';

require_once __DIR__ . '/wordpress-reference.php';
// Joomla 3.10, phpBB 3.3 and Drupal 7.x vectors, from those applications' own code.
require_once __DIR__ . '/generate-app-hash-vectors.php';

/** A phpass portable hash by WordPress's PasswordHash: "$P$" or phpBB's "$H$", 2^$countLog2 rounds. */
function phpassHash( string $password, string $id, int $countLog2 ): string {
	// gensalt_private() adds 5 to the class's log2 on PHP 5 and later and always writes "$P$";
	// the constructor resets a log2 under 4 to 8, so a count under 2^9 is set on the property.
	$hasher = new PasswordHash( 8, true );
	$hasher->iteration_count_log2 = $countLog2 - 5;
	$setting = $id . substr( $hasher->gensalt_private( $hasher->get_random_bytes( 6 ) ), 3 );
	return $hasher->crypt_private( $password, $setting );
}

function phpassCheck( string $password, string $hash ): bool {
	return ( new PasswordHash( 8, true ) )->CheckPassword( $password, $hash );
}

/** WordPress 6.8 wp_hash_password(): its own where installed, else restated (see above). */
function wordpressHash( string $password ): string {
	if ( wordpressLoadPasswordFunctions() ) {
		return wp_hash_password( $password );
	}
	$prehashed = base64_encode( hash_hmac( 'sha384', trim( $password ), 'wp-sha384', true ) );
	return '$wp' . password_hash( $prehashed, PASSWORD_BCRYPT );
}

function wordpressCheck( string $password, string $hash ): bool {
	if ( wordpressLoadPasswordFunctions() ) {
		return wp_check_password( $password, $hash );
	}
	$prehashed = base64_encode( hash_hmac( 'sha384', $password, 'wp-sha384', true ) );
	return password_verify( $prehashed, substr( $hash, 3 ) );
}

/** A bcrypt salt as crypt() wants it: 22 characters of bcrypt's base-64. */
function bcryptSalt(): string {
	return substr( strtr( base64_encode( random_bytes( 16 ) ), '+', '.' ), 0, 22 );
}

$installPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
if ( getenv( 'MW_CONFIG_FILE' ) === false ) {
	exit( runInThrowawayWiki( $installPath, __FILE__ ) );
}

require_once "$installPath/maintenance/Maintenance.php";

class GenerateHashVectors extends Maintenance {
	private const PASSWORD = 'correct horse battery staple';
	private const UNICODE_PASSWORD = "p\u{E4}ssw\u{F6}rd \u{3A9} \u{1F511}";
	private const PUNCTUATION_PASSWORD = 'a:b$c!d\\e"f\'g';

	/** @var PasswordFactory */
	private $factory;

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Write the password-hash test vectors of the AuthBridge contract' );
	}

	public function execute() {
		$this->factory = MediaWikiServices::getInstance()->getPasswordFactory();
		$vectors = array_merge( $this->phpVectors(), $this->mediaWikiVectors(), $this->phpassVectors() );
		$vectors = array_merge( $vectors, $this->failingVectors( $vectors ) );
		// Joomla, phpBB and Drupal 7, with their own passing and failing vectors.
		$vectors = array_merge( $vectors, appHashVectors() );

		$names = array_column( $vectors, 'name' );
		if ( count( array_unique( $names ) ) !== count( $names ) ) {
			$this->fatalError( 'vector names are not unique' );
		}
		file_put_contents( OUTPUT_FILE, $this->formatFile( $vectors ) );
		$this->output( count( $vectors ) . ' vectors written to ' . realpath( OUTPUT_FILE ) . "\n" );
	}

	private function phpVectors(): array {
		$p = self::PASSWORD;
		$vectors = [
			$this->checked( 'php-bcrypt-2y-default-cost', 'bcrypt', $p, password_hash( $p, PASSWORD_BCRYPT ) ),
			$this->checked( 'php-bcrypt-2y-cost-4', 'bcrypt', $p, password_hash( $p, PASSWORD_BCRYPT, [ 'cost' => 4 ] ) ),
			$this->checked( 'php-bcrypt-2y-unicode', 'bcrypt', self::UNICODE_PASSWORD, password_hash( self::UNICODE_PASSWORD, PASSWORD_BCRYPT ) ),
			$this->checked( 'php-crypt-bcrypt-2a', 'bcrypt', $p, crypt( $p, '$2a$08$' . bcryptSalt() ) ),
			$this->checked( 'php-crypt-bcrypt-2b', 'bcrypt', $p, crypt( $p, '$2b$10$' . bcryptSalt() ) ),
			$this->checked( 'wordpress-6.8-bcrypt', 'wordpress-bcrypt', $p, wordpressHash( $p ), 'wordpressCheck' ),
			$this->checked( 'wordpress-6.8-bcrypt-unicode', 'wordpress-bcrypt', self::UNICODE_PASSWORD, wordpressHash( self::UNICODE_PASSWORD ), 'wordpressCheck' ),
		];
		if ( defined( 'PASSWORD_ARGON2ID' ) ) {
			$vectors[] = $this->checked( 'php-argon2id-default', 'argon2', $p, password_hash( $p, PASSWORD_ARGON2ID ) );
			$vectors[] = $this->checked( 'php-argon2id-small', 'argon2', self::UNICODE_PASSWORD,
				password_hash( self::UNICODE_PASSWORD, PASSWORD_ARGON2ID, [ 'memory_cost' => 8192, 'time_cost' => 1, 'threads' => 1 ] ) );
		}
		if ( defined( 'PASSWORD_ARGON2I' ) ) {
			$vectors[] = $this->checked( 'php-argon2i-default', 'argon2', $p, password_hash( $p, PASSWORD_ARGON2I ) );
		}
		return $vectors;
	}

	private function mediaWikiVectors(): array {
		$p = self::PASSWORD;
		$custom = new PasswordFactory( [
			'pbkdf2-sha256' => [ 'class' => Pbkdf2Password::class, 'algo' => 'sha256', 'cost' => '10000', 'length' => '32' ],
			'pbkdf2-sha1' => [ 'class' => Pbkdf2Password::class, 'algo' => 'sha1', 'cost' => '1000', 'length' => '20' ],
		] );
		$vectors = [
			$this->mediaWiki( 'mediawiki-pbkdf2-default', 'mediawiki-pbkdf2', $p, 'pbkdf2' ),
			$this->mediaWiki( 'mediawiki-pbkdf2-unicode', 'mediawiki-pbkdf2', self::UNICODE_PASSWORD, 'pbkdf2' ),
			$this->mediaWiki( 'mediawiki-pbkdf2-punctuation', 'mediawiki-pbkdf2', self::PUNCTUATION_PASSWORD, 'pbkdf2' ),
			$this->mediaWiki( 'mediawiki-salted-B', 'mediawiki-md5', $p, 'B' ),
			$this->mediaWiki( 'mediawiki-salted-B-unicode', 'mediawiki-md5', self::UNICODE_PASSWORD, 'B' ),
			$this->mediaWiki( 'mediawiki-unsalted-A', 'mediawiki-md5', $p, 'A' ),
			$this->mediaWiki( 'mediawiki-bcrypt', 'mediawiki-bcrypt', $p, 'bcrypt' ),
			$this->mediaWiki( 'mediawiki-pbkdf2-legacyA', 'mediawiki-pbkdf2-layered', $p, 'pbkdf2-legacyA' ),
			$this->mediaWiki( 'mediawiki-pbkdf2-legacyB', 'mediawiki-pbkdf2-layered', $p, 'pbkdf2-legacyB' ),
		];
		if ( defined( 'PASSWORD_ARGON2ID' ) ) {
			$vectors[] = $this->mediaWiki( 'mediawiki-argon2', 'mediawiki-argon2', $p, 'argon2' );
		}
		// Other PBKDF2 parameters, as a wiki with its own $wgPasswordConfig writes them; the
		// type name is MediaWiki's "pbkdf2" again in the stored form.
		foreach ( [ 'pbkdf2-sha256' => 'mediawiki-pbkdf2-sha256-10000-32', 'pbkdf2-sha1' => 'mediawiki-pbkdf2-sha1-1000-20' ] as $type => $name ) {
			$made = $custom->newFromType( $type );
			$made->crypt( $p );
			$hash = preg_replace( '/^:' . preg_quote( $type, '/' ) . ':/', ':pbkdf2:', $made->toString() );
			$vectors[] = $this->checked( $name, 'mediawiki-pbkdf2', $p, $hash, [ $this, 'mediaWikiCheck' ] );
		}
		// ":A:salt:hash" is read (a bug once wrote B-type hashes with an A prefix) but never written.
		$salt = MWCryptRand::generateHex( 8 );
		$vectors[] = $this->checked( 'mediawiki-salted-A', 'mediawiki-md5', $p,
			":A:$salt:" . md5( $salt . '-' . md5( $p ) ), [ $this, 'mediaWikiCheck' ] );
		return $vectors;
	}

	private function phpassVectors(): array {
		wordpressRequirePhpass();
		$p = self::PASSWORD;
		// What WordPress itself stores (wp_hash_password() before 6.8).
		$wordpress = static fn ( string $password ) => ( new PasswordHash( 8, true ) )->HashPassword( $password );
		return [
			$this->checked( 'phpass-P-wordpress', 'phpass', $p, $wordpress( $p ), 'phpassCheck' ),
			$this->checked( 'phpass-P-unicode', 'phpass', self::UNICODE_PASSWORD, $wordpress( self::UNICODE_PASSWORD ), 'phpassCheck' ),
			$this->checked( 'phpass-H-phpbb', 'phpass', $p, phpassHash( $p, '$H$', 11 ), 'phpassCheck' ),
			$this->checked( 'phpass-P-count-7', 'phpass', self::PUNCTUATION_PASSWORD,
				phpassHash( self::PUNCTUATION_PASSWORD, '$P$', 7 ), 'phpassCheck' ),
		];
	}

	/**
	 * Inputs that must never pass: a wrong password for every format, hashes that lost their
	 * tail, and formats nobody here can read. "format" is null where the hash is not recognised.
	 */
	private function failingVectors( array $passing ): array {
		$vectors = [];
		foreach ( $passing as $vector ) {
			$vectors[] = [
				'name' => $vector['name'] . '-wrong-password',
				'format' => $vector['format'],
				'password' => $vector['password'] . 'x',
				'hash' => $vector['hash'],
				'expect-fail' => true,
			];
		}
		$byName = array_column( $passing, null, 'name' );
		$p = self::PASSWORD;
		foreach ( [ 'php-bcrypt-2y-cost-4', 'mediawiki-pbkdf2-default', 'mediawiki-salted-B', 'phpass-P-wordpress', 'php-argon2id-small' ] as $name ) {
			if ( !isset( $byName[$name] ) ) {
				continue;
			}
			$hash = $byName[$name]['hash'];
			// An argon2 tag of any length is well-formed, so that one loses its whole tag.
			$truncated = $byName[$name]['format'] === 'argon2'
				? substr( $hash, 0, strrpos( $hash, '$' ) )
				: substr( $hash, 0, (int)( strlen( $hash ) * 3 / 4 ) );
			$vectors[] = [
				'name' => "$name-truncated", 'format' => null, 'password' => $byName[$name]['password'],
				'hash' => $truncated, 'expect-fail' => true,
			];
		}
		$unknown = [
			'unknown-md5-crypt' => crypt( $p, '$1$' . substr( bin2hex( random_bytes( 4 ) ), 0, 8 ) ),
			'unknown-sha512-crypt' => crypt( $p, '$6$rounds=5000$' . bin2hex( random_bytes( 8 ) ) ),
			'unknown-mediawiki-type' => ':sha9:' . hash( 'sha256', $p ),
			'unknown-bare-md5' => md5( $p ),
			'unknown-ldap-ssha' => '{SSHA}' . base64_encode( sha1( $p . 'salt', true ) . 'salt' ),
			'unknown-plaintext' => $p,
			'unknown-empty' => '',
		];
		foreach ( $unknown as $name => $hash ) {
			$vectors[] = [ 'name' => $name, 'format' => null, 'password' => $p, 'hash' => $hash, 'expect-fail' => true ];
		}
		return $vectors;
	}

	private function mediaWiki( string $name, string $format, string $password, string $type ): array {
		$made = $this->factory->newFromType( $type );
		$made->crypt( $password );
		return $this->checked( $name, $format, $password, $made->toString(), [ $this, 'mediaWikiCheck' ] );
	}

	public function mediaWikiCheck( string $password, string $hash ): bool {
		return $this->factory->newFromCiphertext( $hash )->verify( $password );
	}

	/** A passing vector, after the reference's own verification agreed with it. */
	private function checked( string $name, string $format, string $password, string $hash, ?callable $verify = null ): array {
		$verify ??= 'password_verify';
		if ( !$verify( $password, $hash ) || $verify( $password . 'x', $hash ) ) {
			$this->fatalError( "$name: the reference does not verify its own hash" );
		}
		return [ 'name' => $name, 'format' => $format, 'password' => $password, 'hash' => $hash ];
	}

	private function formatFile( array $vectors ): string {
		$description = 'Password hashes an import may carry: every passing vector must verify with its ' .
			'password and ask for a rehash to argon2id; every expect-fail vector must be refused without ' .
			'an error. "format" is the family the API recognises (null: not recognised, the import skips ' .
			'the row). Generated; do not edit by hand.';
		$source = 'PHP ' . PHP_VERSION . ' password_hash()/crypt() (bcrypt, argon2); MediaWiki ' . MW_VERSION .
			' PasswordFactory with default $wgPasswordConfig (pbkdf2, B, A, bcrypt, argon2, pbkdf2-legacyA/B) ' .
			'and Pbkdf2Password with other parameters; phpass portable hashes by WordPress ' . wordpressVersion() .
			' class-phpass.php (Debian package); WordPress 6.8 $wp hashes by ' .
			( wordpressLoadPasswordFunctions() ? 'WordPress ' . wordpressVersion() . ' wp_hash_password()' : 'wp_hash_password() restated (WordPress ' . wordpressVersion() . ' predates it)' ) .
			'; Joomla 3.10 / phpBB 3.3 / Drupal 7.x vectors (joomla-*, phpbb-*, drupal7-*): PHP ' .
			'transcriptions of those applications\' own hashing and checking code, see generate-app-hash-vectors.php' .
			'. Each passing vector was verified by the reference before writing. ' .
			'Command: php mediawiki-extension-contract/scripts/generate-hash-vectors.php';
		$lines = array_map( static fn ( $vector ) => '    ' . json_encode( $vector, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR ), $vectors );
		return "{\n" .
			'  "description": ' . json_encode( $description, JSON_UNESCAPED_SLASHES ) . ",\n" .
			'  "source": ' . json_encode( $source, JSON_UNESCAPED_SLASHES ) . ",\n" .
			"  \"vectors\": [\n" . implode( ",\n", $lines ) . "\n  ]\n}\n";
	}
}

$maintClass = GenerateHashVectors::class;
require_once RUN_MAINTENANCE_IF_MAIN;
