<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use PasswordHash;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;

/**
 * One test per phpass ("$P$", "$H$") and WordPress ("$wp$") vector of vectors/password-hashes.json,
 * checked by WordPress's own code from Debian's wordpress package rather than by the project's
 * transcription: class-phpass.php's CheckPassword() for every phpass hash, and from WordPress
 * 6.8 (Debian 13, MediaWiki 1.43 here) wp_check_password() for "$P$" and "$wp$" hashes too.
 * Debian 12's WordPress 6.1 predates "$wp$"; there its rule is restated below: bcrypt over
 * base64( HMAC-SHA384( password, key "wp-sha384" ) ), behind a "$wp" prefix.
 *
 * The package is a test dependency (scripts/debian-packages.txt): without it these tests fail.
 *
 * @coversNothing
 */
#[CoversNothing]
class WordPressHashVectorsTest extends WikiTestCase {

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		require_once dirname( __DIR__, 3 ) . '/scripts/wordpress-reference.php';
		// Throws, naming the package, when WordPress is not installed: a failure, not a skip.
		wordpressRequirePhpass();
	}

	private static function vectors(): array {
		$file = dirname( __DIR__, 3 ) . '/vectors/password-hashes.json';
		$doc = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
		return array_filter(
			$doc['vectors'],
			// By the hash, not the format: the truncated and wrong-password vectors must fail here too.
			static fn ( $v ) => preg_match( '/^\$(P|H|wp)\$/', $v['hash'] ) === 1
		);
	}

	public static function provideVectors(): iterable {
		foreach ( self::vectors() as $vector ) {
			yield $vector['name'] => [ $vector ];
		}
	}

	public function testTheVectorsCoverEveryWordPressFormat() {
		$prefixes = array_map(
			static fn ( $v ) => substr( $v['hash'], 0, 3 ) . ( empty( $v['expect-fail'] ) ? '' : '!' ),
			self::vectors()
		);
		foreach ( [ '$P$', '$H$', '$wp', '$P$!', '$H$!', '$wp!' ] as $kind ) {
			$this->assertContains( $kind, $prefixes, "a vector of kind $kind" );
		}
	}

	public function testWordPressHashesLikeTheVectors() {
		// The "phpass-P-wordpress" vector must look like what WordPress writes: "$P$B", 2^13 rounds.
		$written = ( new PasswordHash( 8, true ) )->HashPassword( 'x' );
		$named = array_filter( self::vectors(), static fn ( $v ) => $v['name'] === 'phpass-P-wordpress' );
		$vector = array_values( $named )[0];
		$this->assertSame( substr( $written, 0, 4 ), substr( $vector['hash'], 0, 4 ) );
	}

	/**
	 * @dataProvider provideVectors
	 */
	#[DataProvider( 'provideVectors' )]
	public function testVector( array $vector ) {
		$expected = empty( $vector['expect-fail'] );
		$password = $vector['password'];
		$hash = $vector['hash'];
		$checked = 0;
		if ( !str_starts_with( $hash, '$wp' ) ) {
			$phpass = new PasswordHash( 8, true );
			$this->assertSame( $expected, $phpass->CheckPassword( $password, $hash ), 'CheckPassword' );
			$checked++;
		}
		if ( wordpressLoadPasswordFunctions() ) {
			// wp_check_password() hands "$H$" (phpBB) to password_verify(), so it is not asked about them.
			if ( !str_starts_with( $hash, '$H$' ) ) {
				$this->assertSame(
					$expected, wp_check_password( $password, $hash ), 'wp_check_password ' . wordpressVersion()
				);
				$checked++;
			}
		} elseif ( str_starts_with( $hash, '$wp' ) ) {
			$prehashed = base64_encode( hash_hmac( 'sha384', $password, 'wp-sha384', true ) );
			$this->assertSame( $expected, password_verify( $prehashed, substr( $hash, 3 ) ), 'the $wp rule' );
			$checked++;
		}
		$this->assertGreaterThan( 0, $checked );
	}
}
