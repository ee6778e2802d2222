<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Auth\PrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\MediaWikiServices;
use PHPUnit\Framework\Attributes\CoversClass;
use PHPUnit\Framework\Attributes\DataProvider;
use MediaWiki\User\User;

/**
 * Behaviour of the provider against a real (throwaway) wiki database.
 *
 * @covers \MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider
 * @covers \MediaWiki\Extension\AuthBridge\ProfileSync
 * @covers \MediaWiki\Extension\AuthBridge\ApiClient
 */
#[CoversClass( AuthBridgePrimaryAuthenticationProvider::class )]
#[CoversClass( ProfileSync::class )]
#[CoversClass( ApiClient::class )]
class AuthBridgePrimaryAuthenticationProviderTest extends WikiTestCase {
	use ProviderTestHelper;

	private static function remoteUser( string $name, array $overrides = [] ): array {
		return $overrides + [
			'id' => 'id-' . md5( $name ), 'username' => $name, 'realName' => "Real $name",
			'email' => 'someone@example.org', 'emailVerified' => true, 'groups' => [ 'editors' ],
			'disabled' => false, 'createdAt' => '2026-01-01T00:00:00Z', 'updatedAt' => '2026-01-01T00:00:00Z',
		];
	}

	private static function loginRequest(
		string $name, string $password = self::PASSWORD
	): PasswordAuthenticationRequest {
		$req = new PasswordAuthenticationRequest();
		$req->username = $name;
		$req->password = $password;
		return $req;
	}

	/** A wiki account as AuthBridge creates it: no local password. */
	private static function newExternalAccount( string $name ): User {
		$user = User::createNew( $name );
		self::assertNotNull( $user, "created $name" );
		return $user;
	}

	public function testSendsCredentialContextAndTimeout() {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'FAIL', 'code' => 'WRONG_PASSWORD' ] );
		$provider = $this->newProvider( $api, [ 'AuthBridgeTimeout' => 2.5 ] );
		$provider->beginPrimaryAuthentication( [ self::loginRequest( 'request_shape' ) ] );

		$sent = $api->requests[0];
		$this->assertSame( 'http://api.test/v1/auth/verify', $sent['url'] );
		$this->assertSame( 'POST', $sent['options']['method'] );
		$this->assertSame( 2.5, $sent['options']['timeout'] );
		$this->assertSame( 2.5, $sent['options']['connectTimeout'] );
		$this->assertSame( 'Bearer ' . self::SECRET, $sent['headers']['Authorization'] );
		$this->assertSame( 'application/json', $sent['headers']['Content-Type'] );
		$body = $api->jsonBody();
		$this->assertSame( 'Request shape', $body['username'] );
		$this->assertSame( self::PASSWORD, $body['password'] );
		$this->assertSame( '127.0.0.1', $body['context']['ip'] );
		$this->assertIsString( $body['context']['requestId'] );
		$this->assertNothingSecretLogged();
	}

	public function testSendsAndLogsMediaWikisRequestId() {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'FAIL', 'code' => 'WRONG_PASSWORD' ] );
		$provider = $this->newProvider( $api );
		$provider->beginPrimaryAuthentication( [ self::loginRequest( 'Request id' ) ] );

		$id = ApiClient::requestId();
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9._@:-]{1,128}$/', $id );
		$this->assertSame( $id, $api->requests[0]['headers']['X-Request-Id'] );
		$this->assertSame( $id, $api->jsonBody()['context']['requestId'] );
		$logged = array_filter( $this->log->records, static function ( $record ) use ( $id ) {
			return ( $record[2]['requestId'] ?? null ) === $id && strpos( $record[1], '{requestId}' ) !== false;
		} );
		$this->assertCount( 1, $logged, 'the line for the verify call carries the id' );
	}

	public function testNoAnswerIsUnavailableAndLogged() {
		$api = ( new FakeApi() )->noAnswer( 'http-timed-out' );
		$provider = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => false ] );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'No answer' ) ] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-unavailable', $res->message->getKey() );
		$this->assertStringContainsString( 'got no answer', $this->log->dump() );
		$this->assertNothingSecretLogged();
	}

	public static function provideLocalOnlyNames(): iterable {
		yield 'installer admin (local password)' => [ 'Admin' ];
		yield 'installer admin, other spelling' => [ 'admin' ];
		yield 'listed in $wgAuthBridgeLocalOnlyUsers' => [ 'Listed local' ];
		yield 'system user' => [ 'MediaWiki default' ];
	}

	/**
	 * @dataProvider provideLocalOnlyNames
	 */
	#[DataProvider( 'provideLocalOnlyNames' )]
	public function testLocalOnlyNamesAreNeverAskedAbout( string $name ) {
		if ( $name === 'MediaWiki default' ) {
			User::newSystemUser( $name, [ 'steal' => true ] );
		}
		$api = new FakeApi();
		$provider = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => true ] );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( $name ) ] );
		$this->assertSame( AuthenticationResponse::ABSTAIN, $res->status );
		$this->assertCount( 0, $api->requests );
		$this->assertFalse( $provider->testUserCanAuthenticate( $name ) );
	}

	public static function provideTypedWebsiteLogins(): iterable {
		// MediaWiki calls an email a usable name: it goes in canonical form, which the API resolves
		yield 'an email' => [ 'jane@example.org', 'Jane@example.org', 'Jane.smith' ];
		yield 'a login that is no wiki name' => [ 'john[at]home', 'john[at]home', 'John-at-home' ];
	}

	/**
	 * What the person typed on the website reaches the API even when it is no wiki name, and the
	 * wiki logs into the name the API returns.
	 *
	 * @dataProvider provideTypedWebsiteLogins
	 */
	#[DataProvider( 'provideTypedWebsiteLogins' )]
	public function testWebsiteLoginThatIsNoWikiNameGoesToTheApi( string $typed, string $sent, string $wikiName ) {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => self::remoteUser( $wikiName ) ] );
		$provider = $this->newProvider( $api );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( " $typed " ) ] );
		$this->assertSame( $sent, $api->jsonBody()['username'] );
		$this->assertSame( AuthenticationResponse::PASS, $res->status );
		$this->assertSame( $wikiName, $res->username );
	}

	public function testOverlongLoginIsNotSent() {
		$api = new FakeApi();
		$res = $this->newProvider( $api )
			->beginPrimaryAuthentication( [ self::loginRequest( str_repeat( '[x]', 90 ) ) ] );
		$this->assertSame( AuthenticationResponse::ABSTAIN, $res->status );
		$this->assertCount( 0, $api->requests );
	}

	public function testEmailResolvingToALocalOnlyNameIsRefused() {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => self::remoteUser( 'Admin' ) ] );
		$provider = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => true ] );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'admin@example.org' ) ] );
		$this->assertCount( 1, $api->requests );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'wrongpassword', $res->message->getKey() );
	}

	public function testEmailResolvingToAnAccountLinkedToAnotherWebsiteUserIsRefused() {
		$user = self::newExternalAccount( 'Linked by email' );
		$this->assertTrue(
			$this->newOwnership()->link( $user, 'someone-else', AccountOwnership::ORIGIN_ADMIN, 'test' )->isOK()
		);
		$api = ( new FakeApi() )->answerJson( 200, [
			'result' => 'PASS', 'user' => self::remoteUser( 'Linked by email' ),
		] );
		$res = $this->newProvider( $api )
			->beginPrimaryAuthentication( [ self::loginRequest( 'by-email@example.org' ) ] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-conflict', $res->message->getKey() );
	}

	public function testPassForALocalOnlyNameReturnedByTheApiIsRefused() {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => self::remoteUser( 'Admin' ) ] );
		$provider = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => true ] );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'Alias of admin' ) ] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'wrongpassword', $res->message->getKey() );
	}

	public function testExternalAccountIsNotLocalOnly() {
		self::newExternalAccount( 'External one' );
		$provider = $this->newProvider( new FakeApi() );
		$this->assertFalse( $provider->isLocalOnly( 'External one' ) );
		$this->assertFalse( $provider->isLocalOnly( 'Nobody here yet' ) );
	}

	public function testPassSyncsProfileAndOnlyMappedGroups() {
		$user = self::newExternalAccount( 'Sync me' );
		$remote = self::remoteUser( 'Sync me', [
			'groups' => [ 'editors', 'unmapped' ], 'email' => 'sync@example.org',
		] );
		$this->newOwnership()->link( $user, $remote['id'], AccountOwnership::ORIGIN_ADMIN, 'test' );
		$ugm = MediaWikiServices::getInstance()->getUserGroupManager();
		$ugm->addUserToGroup( $user, 'sysop' );
		$ugm->addUserToGroup( $user, 'bot' );

		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => $remote ] );
		$provider = $this->newProvider( $api );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'sync_me' ) ] );
		$this->assertSame( AuthenticationResponse::PASS, $res->status );
		$this->assertSame( 'Sync me', $res->username );
		$provider->postAuthentication( $user, $res );

		$fresh = User::newFromName( 'Sync me' );
		$fresh->load( User::READ_LATEST );
		$this->assertSame( 'sync@example.org', $fresh->getEmail() );
		$this->assertNotNull( $fresh->getEmailAuthenticationTimestamp(), 'verified email is confirmed' );
		$this->assertSame( 'Real Sync me', $fresh->getRealName() );
		$groups = $ugm->getUserGroups( $fresh, User::READ_LATEST );
		sort( $groups );
		// editor added (mapped), sysop removed (mapped, not wanted), bot kept (not in the map)
		$this->assertSame( [ 'bot', 'editor' ], $groups );

		// Next login: the website changed email (unverified), name and groups.
		$remote = [ 'email' => 'new@example.org', 'emailVerified' => false, 'realName' => 'Renamed',
			'groups' => [ 'staff' ] ] + $remote;
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => $remote ] );
		$provider = $this->newProvider( $api );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'Sync me' ) ] );
		$provider->postAuthentication( $fresh, $res );
		$fresh = User::newFromName( 'Sync me' );
		$fresh->load( User::READ_LATEST );
		$this->assertSame( 'new@example.org', $fresh->getEmail() );
		$this->assertNull( $fresh->getEmailAuthenticationTimestamp(), 'unverified new address is not confirmed' );
		$this->assertSame( 'Renamed', $fresh->getRealName() );
		$groups = $ugm->getUserGroups( $fresh, User::READ_LATEST );
		sort( $groups );
		$this->assertSame( [ 'bot', 'interface-admin', 'sysop' ], $groups );
	}

	public function testAccountLinkedToAnotherWebsiteUserIsRefused() {
		$user = self::newExternalAccount( 'Linked elsewhere' );
		$this->newOwnership()->link( $user, 'original-id', AccountOwnership::ORIGIN_ADMIN, 'test' );

		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS',
			'user' => self::remoteUser( 'Linked elsewhere', [ 'id' => 'newcomer-id' ] ) ] );
		$res = $this->newProvider( $api )->beginPrimaryAuthentication( [ self::loginRequest( 'Linked elsewhere' ) ] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-conflict', $res->message->getKey() );
	}

	public function testEmptyPasswordIsNotSent() {
		$api = new FakeApi();
		$res = $this->newProvider( $api, [ 'AuthBridgeAuthoritative' => true ] )
			->beginPrimaryAuthentication( [ self::loginRequest( 'Empty password', '' ) ] );
		$this->assertSame( 'wrongpasswordempty', $res->message->getKey() );
		$this->assertCount( 0, $api->requests );
	}

	public function testPasswordChangeOfWebsiteAccountIsRefusedWithTheUrl() {
		$user = self::newExternalAccount( 'Change my password' );
		$provider = $this->newProvider( new FakeApi() );
		$req = self::loginRequest( 'Change my password', 'new-password-123' );
		$req->retype = $req->password;
		$this->assertSame( 'ignored', $provider->providerAllowsAuthenticationDataChange( $req )->getValue(),
			'a new local account without a link gets its first password (createAndPromote.php)' );

		$this->newOwnership()->link( $user, 'website-id', AccountOwnership::ORIGIN_ADMIN, 'test' );
		$status = $provider->providerAllowsAuthenticationDataChange( $req );
		$this->assertFalse( $status->isOK() );
		$this->assertTrue( $status->hasMessage( 'authbridge-error-passwordchange' ) );
		$this->assertSame( 'https://www.example.org/account/password', Compat::firstMessage( $status )[1][0] );

		// Local-only accounts keep their local password handling
		$req->username = 'Admin';
		$this->assertSame( 'ignored', $provider->providerAllowsAuthenticationDataChange( $req )->getValue() );
	}

	public function testAccountCreationIsLeftToTheWebsite() {
		$provider = $this->newProvider( new FakeApi() );
		$this->assertSame( PrimaryAuthenticationProvider::TYPE_NONE, $provider->accountCreationType() );
		$this->assertSame( [], $provider->getAuthenticationRequests( AuthManager::ACTION_CREATE, [] ) );
		$this->assertFalse( MediaWikiServices::getInstance()->getGroupPermissionsLookup()
			->groupHasPermission( '*', 'createaccount' ) );
		$this->assertTrue( MediaWikiServices::getInstance()->getGroupPermissionsLookup()
			->groupHasPermission( '*', 'autocreateaccount' ) );
	}

	public static function provideUserExists(): iterable {
		yield 'found' => [ 200, json_encode( self::remoteUser( 'Lookup' ) ), true ];
		yield 'not found' => [ 404, '{"code":"USER_NOT_FOUND"}', false ];
		yield 'invalid name' => [ 400, '{"code":"INVALID_USERNAME"}', false ];
		yield 'server error' => [ 500, '{"code":"INTERNAL"}', false ];
		yield 'malformed user' => [ 200, '{"username":"Lookup"}', false ];
	}

	/**
	 * @dataProvider provideUserExists
	 */
	#[DataProvider( 'provideUserExists' )]
	public function testUserExistsAsksTheApi( int $status, string $body, bool $exists ) {
		$api = ( new FakeApi() )->answer( $status, $body );
		$this->assertSame( $exists, $this->newProvider( $api )->testUserExists( 'lookup' ) );
		$this->assertSame( 'http://api.test/v1/users/Lookup', $api->requests[0]['url'] );
		$this->assertSame( 'GET', $api->requests[0]['options']['method'] );
	}
}
