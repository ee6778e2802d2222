<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\MediaWikiServices;
use MediaWiki\Password\PasswordFactory;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;
use Throwable;

/**
 * One test per vector of vectors/password-hashes.json whose format PHP or MediaWiki can check
 * by itself: the committed hashes still agree with password_verify() and with MediaWiki's
 * PasswordFactory, the implementations the identity API must match when it verifies an
 * imported hash, and refuse the wrong passwords. The phpass and WordPress vectors are
 * checked by WordPress's own code in WordPressHashVectorsTest.
 *
 * @coversNothing
 */
#[CoversNothing]
class PasswordHashVectorsTest extends WikiTestCase {

	private const PHP_FORMATS = [ 'bcrypt', 'argon2' ];

	public static function provideVectors(): iterable {
		$file = dirname( __DIR__, 3 ) . '/vectors/password-hashes.json';
		$doc = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
		foreach ( $doc['vectors'] as $vector ) {
			$format = $vector['format'];
			// A null format is about what the API recognises; PHP's crypt() knows more ($1$, $6$).
			if ( $format !== null
				&& ( in_array( $format, self::PHP_FORMATS, true ) || str_starts_with( $format, 'mediawiki-' ) )
			) {
				yield $vector['name'] => [ $vector ];
			}
		}
	}

	/**
	 * @dataProvider provideVectors
	 */
	#[DataProvider( 'provideVectors' )]
	public function testVector( array $vector ) {
		$this->assertSame( empty( $vector['expect-fail'] ), $this->referenceVerifies( $vector ) );
	}

	private function referenceVerifies( array $vector ): bool {
		$hash = $vector['hash'];
		$password = $vector['password'];
		if ( str_starts_with( $hash, ':' ) ) {
			try {
				return self::passwordFactory()->newFromCiphertext( $hash )->verify( $password );
			} catch ( Throwable $e ) {
				// MediaWiki refuses a hash it cannot parse, as the API does.
				return false;
			}
		}
		return password_verify( $password, $hash );
	}

	/**
	 * MediaWiki's PasswordFactory as the wiki configures it, except that PBKDF2 goes through
	 * MediaWiki's hash-extension class: from 1.43 the default class uses OpenSSL, which refuses
	 * sha1, the digest old wikis' :pbkdf2:sha1: hashes were made with.
	 */
	private static function passwordFactory(): PasswordFactory {
		$config = MediaWikiServices::getInstance()->getMainConfig()->get( 'PasswordConfig' );
		$config['pbkdf2']['class'] = class_exists( 'MediaWiki\\Password\\Pbkdf2PasswordUsingHashExtension' )
			? 'MediaWiki\\Password\\Pbkdf2PasswordUsingHashExtension'
			: 'Pbkdf2Password';
		return new PasswordFactory( $config, 'pbkdf2' );
	}
}
