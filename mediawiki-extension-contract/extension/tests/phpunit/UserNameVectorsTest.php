<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserNameUtils;
use PHPUnit\Framework\TestCase;

/**
 * One test per vector of vectors/usernames.json, through MediaWiki's UserNameUtils and
 * through the provider's own name handling (the name it sends to the API).
 *
 * @covers \MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider::beginPrimaryAuthentication
 * @covers \MediaWiki\Extension\AuthBridge\ApiClient::verify
 */
class UserNameVectorsTest extends TestCase {
	use ProviderTestHelper;

	public static function provideVectors(): iterable {
		$file = dirname( __DIR__, 3 ) . '/vectors/usernames.json';
		$doc = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
		foreach ( $doc['vectors'] as $vector ) {
			yield $vector['name'] => [ $vector ];
		}
	}

	/**
	 * @dataProvider provideVectors
	 */
	public function testVector( array $vector ) {
		$services = MediaWikiServices::getInstance();
		// As WebRequest does for submitted values
		$input = $services->getContentLanguage()->normalize( $vector['input'] );
		$utils = $services->getUserNameUtils();
		$creatable = $utils->getCanonical( $input, UserNameUtils::RIGOR_CREATABLE );
		$usable = $utils->getCanonical( $input, UserNameUtils::RIGOR_USABLE );

		$failing = !empty( $vector['expect-fail'] );
		$this->assertSame( $failing ? false : $vector['canonical'], $creatable, 'creatable' );
		$expectUsable = $failing ? ( $vector['usable'] ?? false ) : $vector['canonical'];
		$this->assertSame( $expectUsable, $usable, 'usable' );

		// The provider asks the API about the canonical name; a name MediaWiki refuses goes as
		// typed (with a user source it may be a website login or email), and NO_SUCH_USER abstains.
		$api = new FakeApi();
		$api->answerJson( 200, [ 'result' => 'FAIL', 'code' => 'NO_SUCH_USER' ] );
		$provider = $this->newProvider( $api );
		$req = new PasswordAuthenticationRequest();
		$req->username = $input;
		$req->password = self::PASSWORD;
		$res = $provider->beginPrimaryAuthentication( [ $req ] );
		$this->assertSame( AuthenticationResponse::ABSTAIN, $res->status );
		if ( $expectUsable === false ) {
			if ( $utils->getCanonical( $input, UserNameUtils::RIGOR_VALID ) !== false ) {
				$this->assertCount( 0, $api->requests, 'a reserved name is not sent' );
			} elseif ( strlen( trim( $input ) ) > 255 ) {
				$this->assertCount( 0, $api->requests, 'longer than any website login: not sent' );
			} elseif ( trim( $input ) !== '' ) {
				$this->assertSame( trim( $input ), $api->jsonBody()['username'], 'a name MediaWiki refuses is sent as typed' );
			}
		} elseif ( !$provider->isLocalOnly( $expectUsable ) ) {
			$this->assertSame( $expectUsable, $api->jsonBody()['username'] );
		}
	}
}
