<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Extension\AuthBridge\VerifyResult;
use PHPUnit\Framework\Attributes\CoversClass;
use PHPUnit\Framework\Attributes\DataProvider;

/**
 * One test per vector of vectors/verify-responses.json: an answer of POST /v1/auth/verify
 * goes through the real client and provider and must reach the outcome the contract names.
 *
 * @covers \MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider
 * @covers \MediaWiki\Extension\AuthBridge\ApiClient
 * @covers \MediaWiki\Extension\AuthBridge\VerifyResult
 * @covers \MediaWiki\Extension\AuthBridge\RemoteUser
 * @covers \MediaWiki\Extension\AuthBridge\UnexpectedResponseException
 */
#[CoversClass( AuthBridgePrimaryAuthenticationProvider::class )]
#[CoversClass( ApiClient::class )]
#[CoversClass( VerifyResult::class )]
#[CoversClass( RemoteUser::class )]
#[CoversClass( UnexpectedResponseException::class )]
class VerifyResponseVectorsTest extends WikiTestCase {
	use ProviderTestHelper;

	public static function provideVectors(): iterable {
		$file = dirname( __DIR__, 3 ) . '/vectors/verify-responses.json';
		$doc = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
		foreach ( $doc['vectors'] as $vector ) {
			yield $vector['name'] => [ $vector ];
		}
	}

	/**
	 * @dataProvider provideVectors
	 */
	#[DataProvider( 'provideVectors' )]
	public function testVector( array $vector ) {
		$api = new FakeApi();
		$api->answer( $vector['status'], array_key_exists( 'rawBody', $vector )
			? $vector['rawBody']
			: json_encode( $vector['body'] ) );
		$provider = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => $vector['authoritative'] ] );

		$req = new PasswordAuthenticationRequest();
		$req->username = $vector['username'];
		$req->password = self::PASSWORD;
		$res = $provider->beginPrimaryAuthentication( [ $req ] );

		$this->assertCount( 1, $api->requests, 'exactly one call to the API' );
		$expect = $vector['expect'];
		switch ( $expect['outcome'] ) {
			case 'pass':
				$this->assertSame( AuthenticationResponse::PASS, $res->status );
				$this->assertSame( $expect['username'], $res->username );
				break;
			case 'abstain':
				$this->assertSame( AuthenticationResponse::ABSTAIN, $res->status );
				break;
			case 'fail':
			case 'unavailable':
				$this->assertSame( AuthenticationResponse::FAIL, $res->status, 'never a pass' );
				$this->assertSame( $expect['message'], $res->message->getKey() );
				if ( isset( $expect['retryAfterSeconds'] ) ) {
					// An array on MediaWiki 1.39, a ScalarParam from 1.43
					$param = $res->message->getParams()[0];
					$this->assertSame(
						[ 'duration' => $expect['retryAfterSeconds'] ],
						is_array( $param ) ? $param : [ $param->getType() => $param->getValue() ]
					);
				}
				if ( isset( $expect['logged'] ) ) {
					$this->assertStringContainsString( $expect['logged'], $this->log->dump(), 'the log names it' );
				}
				if ( $expect['outcome'] === 'unavailable' ) {
					$levels = array_column( $this->log->records, 0 );
					$this->assertContains( 'error', $levels, 'logged for the admin' );
				}
				break;
			default:
				$this->fail( 'unknown outcome ' . $expect['outcome'] );
		}
		$this->assertNothingSecretLogged();
	}
}
