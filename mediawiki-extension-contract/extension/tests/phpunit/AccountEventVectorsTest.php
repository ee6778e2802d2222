<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Extension\AuthBridge\Lifecycle\BackChannelToken;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use PHPUnit\Framework\Attributes\CoversClass;
use PHPUnit\Framework\Attributes\DataProvider;

/**
 * One test per vector of vectors/sso-account-events.json: the wiki reads every back-channel
 * token as the identity API's tests say it must (what to end, which state, which seq).
 *
 * @covers \MediaWiki\Extension\AuthBridge\Lifecycle\BackChannelToken
 * @covers \MediaWiki\Extension\AuthBridge\Sso\TicketVerifier
 */
#[CoversClass( BackChannelToken::class )]
#[CoversClass( TicketVerifier::class )]
class AccountEventVectorsTest extends WikiTestCase {
	private static function file(): array {
		$file = dirname( __DIR__, 3 ) . '/vectors/sso-account-events.json';
		return json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
	}

	public static function provideVectors(): iterable {
		foreach ( self::file()['vectors'] as $vector ) {
			yield $vector['name'] => [ $vector ];
		}
	}

	/**
	 * @dataProvider provideVectors
	 */
	#[DataProvider( 'provideVectors' )]
	public function testVector( array $vector ) {
		$doc = self::file();
		$context = $doc['context'];
		$verifier = new TicketVerifier(
			TicketVerifier::keysFromJwks( $context['jwks'] ), $context['issuer'], $context['audience']
		);
		try {
			$action = BackChannelToken::fromClaims(
				$verifier->verify( $vector['token'], TicketVerifier::TYP_LOGOUT, $doc['clock'] )
			);
		} catch ( TicketException $e ) {
			$this->assertTrue( $vector['expect-fail'] ?? false, "refused: {$e->getMessage()}" );
			$this->assertSame( $vector['code'], $e->getContractCode() );
			return;
		}
		$this->assertFalse( $vector['expect-fail'] ?? false, 'must be refused' );
		$this->assertSame( $vector['expect'], $action->toArray() );
	}
}
