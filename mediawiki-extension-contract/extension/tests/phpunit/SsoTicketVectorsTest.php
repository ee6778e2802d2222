<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use Wikimedia\ObjectCache\HashBagOStuff;
use MediaWiki\Extension\AuthBridge\Sso\BrowserNonce;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use MediaWiki\Extension\AuthBridge\Sso\UsedTickets;
use PHPUnit\Framework\Attributes\CoversClass;
use PHPUnit\Framework\Attributes\DataProvider;

/**
 * One test per vector of vectors/sso-tickets.json (fixed test keys, fixed clock): the wiki's
 * verifier and its used-ticket note must reach the same verdict as the identity API.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Sso\TicketVerifier
 * @covers \MediaWiki\Extension\AuthBridge\Sso\TicketException
 * @covers \MediaWiki\Extension\AuthBridge\Sso\UsedTickets
 * @covers \MediaWiki\Extension\AuthBridge\Sso\BrowserNonce
 */
#[CoversClass( TicketVerifier::class )]
#[CoversClass( TicketException::class )]
#[CoversClass( UsedTickets::class )]
#[CoversClass( BrowserNonce::class )]
class SsoTicketVectorsTest extends WikiTestCase {
	private static function file(): array {
		$file = dirname( __DIR__, 3 ) . '/vectors/sso-tickets.json';
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
		$this->assertSame( TicketVerifier::LEEWAY, $context['leewaySeconds'] );
		$this->assertSame( TicketVerifier::MAX_LIFETIME, $context['maxLifetimeSeconds'] );
		$verifier = new TicketVerifier(
			TicketVerifier::keysFromJwks( $context['jwks'] ), $context['issuer'], $context['audience'] );
		$used = new UsedTickets( new HashBagOStuff() );
		$typ = $vector['typ'] ?? TicketVerifier::TYP_TICKET;
		$use = static function () use ( $verifier, $used, $vector, $typ, $doc ) {
			$claims = $verifier->verify( $vector['token'], $typ, $doc['clock'] );
			if ( $typ === TicketVerifier::TYP_TICKET ) {
				$used->consume( $claims['jti'], $claims['exp'], $doc['clock'] );
			}
			if ( array_key_exists( 'browserNonce', $vector ) ) {
				// As Special:AuthBridgeLogin does, with $wgAuthBridgeSsoRequireNonce at its default.
				BrowserNonce::check( $claims, $vector['browserNonce'], true );
			}
			return $claims;
		};

		for ( $i = 1; $i < ( $vector['uses'] ?? 1 ); $i++ ) {
			$use();
		}
		if ( !empty( $vector['expect-fail'] ) ) {
			try {
				$use();
				$this->fail( 'the token passed' );
			} catch ( TicketException $e ) {
				$this->assertSame( $vector['code'], $e->getContractCode(), $e->getMessage() );
			}
			return;
		}
		$claims = $use();
		$this->assertSame( $vector['expect']['sub'], $claims['sub'] );
		if ( array_key_exists( 'remember', $vector['expect'] ) ) {
			$this->assertSame( $vector['expect']['remember'], $claims['remember'] ?? false );
			$this->assertSame( $vector['expect']['returnTo'], $claims['returnTo'] ?? null );
		}
		if ( array_key_exists( 'nonce', $vector['expect'] ) ) {
			$this->assertSame( $vector['expect']['nonce'], $claims['nonce'] ?? null );
		}
	}

	public function testAnotherWikisTicketIsReportedAsSuch() {
		$doc = self::file();
		$vector = array_values( array_filter( $doc['vectors'], static function ( $v ) {
			return $v['name'] === 'other-audience';
		} ) )[0];
		$verifier = new TicketVerifier(
			TicketVerifier::keysFromJwks( $doc['context']['jwks'] ),
			$doc['context']['issuer'],
			$doc['context']['audience']
		);
		$this->expectExceptionObject( new TicketException( TicketException::AUDIENCE, 'issued for another wiki' ) );
		$verifier->verify( $vector['token'], TicketVerifier::TYP_TICKET, $doc['clock'] );
	}
}
