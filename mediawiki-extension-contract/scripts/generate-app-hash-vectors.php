<?php
/**
 * Adds to vectors/password-hashes.json the hashes that website applications write (the user
 * sources' presets joomla, phpbb3, drupal7), each made by a PHP transcription of that
 * application's own hashing code and checked by a transcription of its own check before it is
 * written. None of the applications is installed here (no Debian package for Joomla, phpBB 3.3
 * or Drupal 7), so the code below follows their sources line by line:
 *
 * - Joomla 3.10 libraries/src/User/UserHelper.php: hashPassword() (PASSWORD_BCRYPT, and
 *   argon2i/argon2id in 4.x), getCryptedPassword() for 'md5-hex' and 'sha256' with a
 *   genRandomPassword(32) salt, verifyPassword() (phpass PasswordHash(10, true) for $P$, i.e.
 *   2^15 rounds, count character "D"; the md5 / {SHA256} branches) — joomlaCheck() below;
 * - phpBB 3.3 phpbb/passwords/: driver/salted_md5.php ($H$, phpBB 3.0's
 *   _hash_gensalt_private count 6+5 = 2^11), driver/bcrypt_2y.php (3.3 default, cost 10),
 *   argon2id.php; manager::check() strips "$CP$" and tries the legacy drivers, of which
 *   driver/md5_phpbb2.php accepts md5(password) or salted_md5(md5(password)), the form written
 *   by migration v310/passwords_convert_p2 — phpbbCheck() below (ASCII and UTF-8 as typed; the
 *   cp1252 retry is not reproduced);
 * - Drupal 7.x includes/password.inc: user_hash_password() / _password_crypt('sha512', …) with
 *   DRUPAL_HASH_COUNT 15, DRUPAL_HASH_LENGTH 55, the 512-byte password limit, and
 *   user_check_password() with the "U$" prefix of user_update_7000 (md5 first) — drupalCheck().
 *
 * Run from the repository root (no wiki needed):
 *
 *   php mediawiki-extension-contract/scripts/generate-app-hash-vectors.php
 *
 * It replaces the vectors whose names start with joomla-, phpbb- or drupal7- and keeps every
 * other vector (generate-hash-vectors.php writes those, and calls appHashVectors() too).
 * Salts are random, so a rerun changes hashes but not names or passwords.
 *
 * @file
 */

require_once __DIR__ . '/phpass-transcription.php';

const APP_VECTOR_PREFIXES = [ 'joomla-', 'phpbb-', 'drupal7-' ];
const APP_PASSWORD = 'correct horse battery staple';
const APP_UNICODE_PASSWORD = "p\u{E4}ssw\u{F6}rd \u{3A9} \u{1F511}";
const APP_PUNCTUATION_PASSWORD = 'a:b$c!d\\e"f\'g';

/** Joomla UserHelper::genRandomPassword(): [A-Za-z0-9], from random bytes. */
function joomlaSalt( int $length = 32 ): string {
	$chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	$salt = '';
	foreach ( str_split( random_bytes( $length ) ) as $byte ) {
		$salt .= $chars[ord( $byte ) % strlen( $chars )];
	}
	return $salt;
}

/** Joomla getCryptedPassword($plaintext, $salt, 'md5-hex') . ':' . $salt, as Joomla 1.5-3.1 stored it. */
function joomlaMd5( string $password, string $salt ): string {
	return md5( $password . $salt ) . ( $salt !== '' ? ':' . $salt : '' );
}

/** getCryptedPassword($plaintext, $salt, 'sha256', true). */
function joomlaSha256( string $password, string $salt ): string {
	return '{SHA256}' . ( $salt !== '' ? hash( 'sha256', $password . $salt ) . ':' . $salt : hash( 'sha256', $password ) );
}

/** UserHelper::verifyPassword() of Joomla 3.10, branch by branch. */
function joomlaCheck( string $password, string $hash ): bool {
	if ( strpos( $hash, '$P$' ) === 0 ) {
		return hash_equals( $hash, phpassCryptPrivate( $password, $hash ) );
	}
	if ( strpos( $hash, '$argon2' ) === 0 || strpos( $hash, '$2' ) === 0 ) {
		return password_verify( $password, $hash );
	}
	if ( substr( $hash, 0, 8 ) === '{SHA256}' ) {
		$parts = explode( ':', $hash );
		return hash_equals( $hash, joomlaSha256( $password, $parts[1] ?? '' ) );
	}
	$parts = explode( ':', $hash );
	$salt = $parts[1] ?? '';
	$testcrypt = md5( $password . $salt ) . ( $salt ? ':' . $salt : ( strpos( $hash, ':' ) !== false ? ':' : '' ) );
	return hash_equals( $hash, $testcrypt );
}

/** phpBB passwords\manager::check() for the formats phpBB 3.3 has: $CP$ → md5_phpbb2, $H$ salted_md5, bcrypt_2y, argon2. */
function phpbbCheck( string $password, string $hash ): bool {
	if ( strlen( $password ) > 4096 ) {
		return false;
	}
	if ( strpos( $hash, '$CP$' ) === 0 ) {
		$hash = substr( $hash, 4 );
		if ( strlen( $hash ) !== 32 && strlen( $hash ) !== 34 ) {
			return false;
		}
		return md5( $password ) === $hash || ( strpos( $hash, '$H$' ) === 0 && hash_equals( $hash, phpassCryptPrivate( md5( $password ), $hash ) ) );
	}
	if ( strpos( $hash, '$H$' ) === 0 ) {
		return hash_equals( $hash, phpassCryptPrivate( $password, $hash ) );
	}
	return password_verify( $password, $hash );
}

/** Drupal 7 _password_crypt(): false for a password over 512 bytes or a count outside 7..30. */
function drupalCrypt( string $algo, string $password, string $setting, bool $ignoreLengthLimit = false ) {
	if ( !$ignoreLengthLimit && strlen( $password ) > 512 ) {
		return false;
	}
	$setting = substr( $setting, 0, 12 );
	if ( $setting[0] !== '$' || $setting[2] !== '$' ) {
		return false;
	}
	$countLog2 = strpos( PHPASS_ITOA64, $setting[3] );
	if ( $countLog2 < 7 || $countLog2 > 30 ) {
		return false;
	}
	$salt = substr( $setting, 4, 8 );
	if ( strlen( $salt ) !== 8 ) {
		return false;
	}
	$count = 1 << $countLog2;
	$hash = hash( $algo, $salt . $password, true );
	do {
		$hash = hash( $algo, $hash . $password, true );
	} while ( --$count );
	$output = $setting . phpassEncode64( $hash, strlen( $hash ) );
	return substr( $output, 0, 55 );
}

/** user_hash_password() with _password_generate_salt($count_log2). */
function drupalHash( string $password, int $countLog2 = 15, bool $ignoreLengthLimit = false ): string {
	$setting = '$S$' . PHPASS_ITOA64[$countLog2] . phpassEncode64( random_bytes( 6 ), 6 );
	return drupalCrypt( 'sha512', $password, $setting, $ignoreLengthLimit );
}

/** user_check_password(). */
function drupalCheck( string $password, string $stored ): bool {
	if ( substr( $stored, 0, 2 ) === 'U$' ) {
		$stored = substr( $stored, 1 );
		$password = md5( $password );
	}
	$type = substr( $stored, 0, 3 );
	if ( $type === '$S$' ) {
		$hash = drupalCrypt( 'sha512', $password, $stored );
	} elseif ( $type === '$H$' || $type === '$P$' ) {
		$hash = phpassCryptPrivate( $password, $stored );
	} else {
		return false;
	}
	return $hash !== false && hash_equals( $stored, $hash );
}

/** The applications' vectors: passing ones checked by the application's check, then failing ones. */
function appHashVectors(): array {
	$p = APP_PASSWORD;
	$u = APP_UNICODE_PASSWORD;
	$x = APP_PUNCTUATION_PASSWORD;
	$pass = [];
	$add = static function ( string $name, ?string $format, string $password, string $hash, callable $check ) use ( &$pass ) {
		if ( !$check( $password, $hash ) || $check( $password . 'x', $hash ) ) {
			fwrite( STDERR, "$name: the application's check does not verify its own hash\n" );
			exit( 1 );
		}
		$pass[] = [ 'name' => $name, 'format' => $format, 'password' => $password, 'hash' => $hash ];
	};
	$add( 'joomla-md5-salted', 'joomla-md5-salted', $p, joomlaMd5( $p, joomlaSalt() ), 'joomlaCheck' );
	$add( 'joomla-md5-salted-unicode', 'joomla-md5-salted', $u, joomlaMd5( $u, joomlaSalt() ), 'joomlaCheck' );
	$add( 'joomla-md5-salted-punctuation', 'joomla-md5-salted', $x, joomlaMd5( $x, joomlaSalt() ), 'joomlaCheck' );
	$add( 'joomla-sha256-salted', 'joomla-sha256', $p, joomlaSha256( $p, joomlaSalt() ), 'joomlaCheck' );
	$add( 'joomla-sha256-unsalted', 'joomla-sha256', $u, joomlaSha256( $u, '' ), 'joomlaCheck' );
	$add( 'joomla-3-phpass-P-D', 'phpass', $p, phpassHash( $p, '$P$', 15 ), 'joomlaCheck' );
	$add( 'joomla-3-bcrypt', 'bcrypt', $u, password_hash( $u, PASSWORD_BCRYPT ), 'joomlaCheck' );
	if ( defined( 'PASSWORD_ARGON2ID' ) ) {
		$add( 'joomla-4-argon2id', 'argon2', $p, password_hash( $p, PASSWORD_ARGON2ID ), 'joomlaCheck' );
	}
	$add( 'phpbb-convert-md5', 'phpbb-convert', $p, '$CP$' . md5( $p ), 'phpbbCheck' );
	$add( 'phpbb-convert-salted-md5', 'phpbb-convert', $p, '$CP$' . phpassHash( md5( $p ), '$H$', 11 ), 'phpbbCheck' );
	$add( 'phpbb-convert-salted-md5-unicode', 'phpbb-convert', $u, '$CP$' . phpassHash( md5( $u ), '$H$', 11 ), 'phpbbCheck' );
	$add( 'phpbb-3.0-salted-md5', 'phpass', $x, phpassHash( $x, '$H$', 11 ), 'phpbbCheck' );
	$add( 'phpbb-3.3-bcrypt-2y', 'bcrypt', $p, password_hash( $p, PASSWORD_BCRYPT, [ 'cost' => 10 ] ), 'phpbbCheck' );
	if ( defined( 'PASSWORD_ARGON2ID' ) ) {
		$add( 'phpbb-3.3-argon2id', 'argon2', $u, password_hash( $u, PASSWORD_ARGON2ID ), 'phpbbCheck' );
	}
	$add( 'drupal7-sha512', 'drupal7-sha512', $p, drupalHash( $p ), 'drupalCheck' );
	$add( 'drupal7-sha512-unicode', 'drupal7-sha512', $u, drupalHash( $u ), 'drupalCheck' );
	$add( 'drupal7-sha512-punctuation', 'drupal7-sha512', $x, drupalHash( $x ), 'drupalCheck' );
	$add( 'drupal7-sha512-count-7', 'drupal7-sha512', $p, drupalHash( $p, 7 ), 'drupalCheck' );
	$add( 'drupal7-sha512-count-17', 'drupal7-sha512', $p, drupalHash( $p, 17 ), 'drupalCheck' );
	$add( 'drupal7-md5-sha512-from-drupal6', 'drupal7-md5-sha512', $p, 'U' . drupalHash( md5( $p ) ), 'drupalCheck' );
	$add( 'drupal7-phpass-P', 'phpass', $u, phpassHash( $u, '$P$', 8 ), 'drupalCheck' );

	$fail = [];
	foreach ( $pass as $vector ) {
		$fail[] = [ 'name' => $vector['name'] . '-wrong-password', 'password' => $vector['password'] . 'x' ] + $vector + [ 'expect-fail' => true ];
	}
	$byName = array_column( $pass, null, 'name' );
	$edge = static function ( string $name, ?string $format, string $password, string $hash, callable $check ) use ( &$fail ) {
		// The application refuses these too; a vector the application would accept is a bug here.
		if ( $check( $password, $hash ) ) {
			fwrite( STDERR, "$name: the application's check accepts what should fail\n" );
			exit( 1 );
		}
		$fail[] = [ 'name' => $name, 'format' => $format, 'password' => $password, 'hash' => $hash, 'expect-fail' => true ];
	};
	$md5Salted = $byName['joomla-md5-salted']['hash'];
	$edge( 'joomla-md5-salted-other-salt', 'joomla-md5-salted', $p, substr( $md5Salted, 0, 33 ) . joomlaSalt(), 'joomlaCheck' );
	$edge( 'joomla-md5-salted-upper-hex', null, $p, strtoupper( substr( $md5Salted, 0, 32 ) ) . substr( $md5Salted, 32 ), 'joomlaCheck' );
	$edge( 'joomla-md5-salted-truncated', null, $p, substr( $md5Salted, 0, 30 ), 'joomlaCheck' );
	$edge( 'joomla-md5-empty-salt-colon', null, $p, md5( $p . 'x' ) . ':', 'joomlaCheck' );
	$edge( 'phpbb-convert-garbage', null, $p, '$CP$' . 'not a hash at all', 'phpbbCheck' );
	$edge( 'phpbb-convert-of-password-not-md5', 'phpbb-convert', $p, '$CP$' . phpassHash( $p . 'x', '$H$', 11 ), 'phpbbCheck' );
	$drupal = $byName['drupal7-sha512']['hash'];
	$edge( 'drupal7-sha512-truncated', null, $p, substr( $drupal, 0, 54 ), 'drupalCheck' );
	$edge( 'drupal7-sha512-md5-prefix-on-plain', 'drupal7-md5-sha512', $p, 'U' . $drupal, 'drupalCheck' );
	// Drupal refuses passwords over 512 bytes before hashing; the hash here is the bare algorithm's.
	$long = str_repeat( 'a', 513 );
	$edge( 'drupal7-sha512-password-over-512-bytes', 'drupal7-sha512', $long, drupalHash( $long, 7, true ), 'drupalCheck' );
	// Drupal would compute 2^18 rounds; the API refuses counts over 2^17 (seconds of CPU per login).
	$fail[] = [ 'name' => 'drupal7-sha512-count-18-refused', 'format' => null, 'password' => $p, 'hash' => drupalHash( $p, 18 ), 'expect-fail' => true ];
	return array_merge( $pass, $fail );
}

if ( realpath( $_SERVER['SCRIPT_FILENAME'] ?? '' ) === __FILE__ ) {
	$file = __DIR__ . '/../vectors/password-hashes.json';
	$doc = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
	$kept = array_values( array_filter( $doc['vectors'], static function ( array $vector ) {
		foreach ( APP_VECTOR_PREFIXES as $prefix ) {
			if ( str_starts_with( $vector['name'], $prefix ) ) {
				return false;
			}
		}
		return true;
	} ) );
	$app = appHashVectors();
	$vectors = array_merge( $kept, $app );
	$note = ' Joomla 3.10 / phpBB 3.3 / Drupal 7.x vectors (joomla-*, phpbb-*, drupal7-*): PHP transcriptions of those applications\' own hashing and checking code, see generate-app-hash-vectors.php.';
	if ( !str_contains( $doc['source'], 'generate-app-hash-vectors.php' ) ) {
		$doc['source'] .= $note;
	}
	$lines = array_map( static fn ( $vector ) => '    ' . json_encode( $vector, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR ), $vectors );
	file_put_contents( $file, "{\n" .
		'  "description": ' . json_encode( $doc['description'], JSON_UNESCAPED_SLASHES ) . ",\n" .
		'  "source": ' . json_encode( $doc['source'], JSON_UNESCAPED_SLASHES ) . ",\n" .
		"  \"vectors\": [\n" . implode( ",\n", $lines ) . "\n  ]\n}\n" );
	echo count( $app ) . ' application vectors written (' . count( $vectors ) . " in all)\n";
}
