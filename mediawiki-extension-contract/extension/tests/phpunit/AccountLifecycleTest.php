<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use BotPassword;
use HashBagOStuff;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle;
use MediaWiki\Extension\AuthBridge\Lifecycle\BackChannelToken;
use MediaWiki\Extension\AuthBridge\Lifecycle\LifecycleHooks;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\Sso\JwksStore;
use MediaWiki\Extension\AuthBridge\Sso\TicketVerifier;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionManager;
use InvalidPassword;
use PasswordFactory;
use Psr\Log\NullLogger;
use User;
use WANObjectCache;
use PHPUnit\Framework\Attributes\CoversClass;
use MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider;

/**
 * The wiki side of "the account's life follows the website", on real MediaWiki services and
 * database: which account a token acts on, what it ends, what it records, and what the locked
 * and blocked state then refuses.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Lifecycle\AccountLifecycle
 * @covers \MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts
 * @covers \MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState
 * @covers \MediaWiki\Extension\AuthBridge\Lifecycle\LifecycleHooks
 * @covers \MediaWiki\Extension\AuthBridge\Sso\JwksStore
 * @covers \MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider
 */
#[CoversClass( AccountLifecycle::class )]
#[CoversClass( LinkedAccounts::class )]
#[CoversClass( WebsiteState::class )]
#[CoversClass( LifecycleHooks::class )]
#[CoversClass( JwksStore::class )]
#[CoversClass( AuthBridgePrimaryAuthenticationProvider::class )]
class AccountLifecycleTest extends WikiTestCase {
	use ProviderTestHelper;

	private const BOT_PASSWORD = 'botpassword0123456789abcdefghijk';

	private static function uid(): string {
		return 'uid-' . bin2hex( random_bytes( 6 ) );
	}

	/** A website account's wiki account: no local password, linked to $uid, with a bot password. */
	private function linkedAccount( string $name, string $uid ): User {
		$user = User::createNew( $name );
		self::assertNotNull( $user, "created $name" );
		$linked = $this->newOwnership()->link( $user, $uid, AccountOwnership::ORIGIN_ADMIN, 'test' );
		self::assertTrue( $linked->isOK(), "linked $name" );
		$bp = BotPassword::newUnsaved( [ 'user' => $user, 'appId' => 'bot', 'grants' => [ 'basic' ] ] );
		$status = $bp->save( 'insert', ( new PasswordFactory(
			MediaWikiServices::getInstance()->getMainConfig()->get( 'PasswordConfig' ), 'pbkdf2'
		) )->newFromPlaintext( self::BOT_PASSWORD ) );
		self::assertTrue( $status->isGood(), 'bot password saved' );
		return $user;
	}

	private function lifecycle(): AccountLifecycle {
		$services = MediaWikiServices::getInstance();
		return new AccountLifecycle(
			new LinkedAccounts( $this->newOwnership(), $services->getUserFactory() ),
			new WebsiteState( $services->getUserOptionsManager() ),
			SessionManager::singleton(),
			$services->getBotPasswordStore(),
			new NullLogger()
		);
	}

	private static function token( string $uid, string $sub, ?array $account = null ): BackChannelToken {
		$events = [ BackChannelToken::LOGOUT_EVENT => (object)[] ];
		if ( $account ) {
			$events[BackChannelToken::ACCOUNT_EVENT] = $account;
		}
		// As the JSON decoder hands the verified claims over.
		return BackChannelToken::fromClaims( json_decode( json_encode( [
			'uid' => $uid, 'sub' => $sub, 'events' => $events,
		] ), true ) );
	}

	private static function userToken( User $user ): string {
		$fresh = User::newFromId( $user->getId() );
		$fresh->load( User::READ_LATEST );
		return $fresh->getToken( false );
	}

	private static function botPasswordHash( User $user ): string {
		return (string)MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY )->selectField(
			'bot_passwords', 'bp_password', [ 'bp_user' => $user->getId(), 'bp_app_id' => 'bot' ], __METHOD__ );
	}

	private static function fresh( User $user ): User {
		$fresh = User::newFromId( $user->getId() );
		$fresh->load( User::READ_LATEST );
		return $fresh;
	}

	private static function botLogin( User $user ): string {
		$status = BotPassword::login( $user->getName() . '@bot', self::BOT_PASSWORD, new \FauxRequest() );
		return $status->isOK() ? 'ok' : $status->getErrors()[0]['message'];
	}

	public function testDisabledEndsSessionsAndBotPasswordsOfTheLinkedAccountOnly() {
		$uid = self::uid();
		$linked = $this->linkedAccount( 'Life linked ' . $uid, $uid );
		// Same name as the token's sub, linked to nobody: a name is never enough.
		$namesake = $this->linkedAccount( 'Life namesake ' . $uid, self::uid() );
		$before = [
			self::userToken( $linked ),
			self::userToken( $namesake ),
			self::botPasswordHash( $namesake ),
			self::botPasswordHash( $linked ),
		];
		$this->assertSame( 'ok', self::botLogin( $linked ) );

		$acted = $this->lifecycle()->apply( self::token( $uid, $namesake->getName(), [
			'change' => 'disabled', 'state' => 'disabled', 'seq' => 10,
		] ) );

		$this->assertSame( 1, $acted );
		$this->assertNotSame( $before[0], self::userToken( $linked ),
			'sessions and remember-me tokens of the linked account ended' );
		$this->assertNotSame( $before[3], self::botPasswordHash( $linked ) );
		$this->assertInstanceOf( InvalidPassword::class, MediaWikiServices::getInstance()->getPasswordFactory()
			->newFromCiphertext( self::botPasswordHash( $linked ) ?: null ), 'bot passwords invalidated' );
		$this->assertSame(
			[ $before[1], $before[2] ],
			[ self::userToken( $namesake ), self::botPasswordHash( $namesake ) ],
			'the namesake is untouched'
		);
		$this->assertSame( [ 'state' => 'disabled', 'seq' => 10 ],
			( new WebsiteState( MediaWikiServices::getInstance()->getUserOptionsManager() ) )->get( $linked, true ) );
	}

	public function testADisabledAccountIsLockedForBotPasswordsAndBlocked() {
		$uid = self::uid();
		$user = $this->linkedAccount( 'Life locked ' . $uid, $uid );
		$this->lifecycle()->apply( self::token( $uid, $user->getName(), [
			'change' => 'disabled', 'state' => 'disabled', 'seq' => 3,
		] ) );
		$fresh = self::fresh( $user );
		$this->assertTrue( $fresh->isLocked(), 'UserIsLocked' );
		$this->assertSame( 'botpasswords-locked', self::botLogin( $fresh ) );
		$block = MediaWikiServices::getInstance()->getBlockManager()->getUserBlock( $fresh, null, false );
		$this->assertNotNull( $block, 'GetUserBlock' );
		$this->assertTrue( $block->isSitewide() );
		$types = array_map( static function ( $b ) {
			return $b->getSystemBlockType();
		}, $block instanceof \MediaWiki\Block\CompositeBlock ? $block->getOriginalBlocks() : [ $block ] );
		$this->assertContains( LifecycleHooks::BLOCK_TYPE, $types );
		$this->assertFalse( MediaWikiServices::getInstance()->getPermissionManager()
			->userCan( 'edit', $fresh, \Title::newMainPage() ) );

		// Enabled again: not locked, not blocked, sessions kept.
		$token = self::userToken( $user );
		$this->lifecycle()->apply( self::token( $uid, $user->getName(), [
			'change' => 'enabled', 'state' => 'active', 'seq' => 4,
		] ) );
		$fresh = self::fresh( $user );
		$this->assertFalse( $fresh->isLocked() );
		$this->assertNull( MediaWikiServices::getInstance()->getBlockManager()->getUserBlock( $fresh, null, false ) );
		$this->assertSame( $token, self::userToken( $user ), 'enabling ends nothing' );
	}

	public function testALateOlderChangeNeverUndoesANewerOne() {
		$uid = self::uid();
		$user = $this->linkedAccount( 'Life ordered ' . $uid, $uid );
		$this->lifecycle()->apply( self::token( $uid, 'x', [
			'change' => 'enabled', 'state' => 'active', 'seq' => 8,
		] ) );
		$token = self::userToken( $user );
		// The disable (seq 7) was retried and arrives after the enable (seq 8).
		$this->assertSame( 0, $this->lifecycle()->apply( self::token( $uid, 'x', [
			'change' => 'disabled', 'state' => 'disabled', 'seq' => 7,
		] ) ) );
		$this->assertFalse( self::fresh( $user )->isLocked() );
		$this->assertSame( $token, self::userToken( $user ), 'no sessions ended by the stale change' );
		// The same token twice (at least once delivery): idempotent.
		$this->lifecycle()->apply( self::token( $uid, 'x', [
			'change' => 'deleted', 'state' => 'deleted', 'seq' => 9,
		] ) );
		$this->lifecycle()->apply( self::token( $uid, 'x', [
			'change' => 'deleted', 'state' => 'deleted', 'seq' => 9,
		] ) );
		$this->assertTrue( self::fresh( $user )->isLocked() );
	}

	public function testLocalOnlyAccountsAreNeverTouchedEvenWhenLinked() {
		$uid = self::uid();
		// A linked account that an administrator gave a local password: the wiki's own now.
		$user = $this->linkedAccount( 'Life local ' . $uid, $uid );
		self::localPassword( $user );
		$this->assertTrue( $this->newProvider( new FakeApi() )->isLocalOnly( $user->getName() ),
			'set up as local-only' );
		$token = self::userToken( $user );
		$this->assertSame( 0, $this->lifecycle()->apply( self::token( $uid, $user->getName(), [
			'change' => 'disabled', 'state' => 'disabled', 'seq' => 1,
		] ) ) );
		$this->assertSame( $token, self::userToken( $user ) );
		$this->assertFalse( self::fresh( $user )->isLocked() );
	}

	private static function localPassword( User $user ): void {
		// Written straight into the row, as changePassword.php's LocalPasswordPrimaryAuthenticationProvider would.
		$hash = ( new PasswordFactory(
			MediaWikiServices::getInstance()->getMainConfig()->get( 'PasswordConfig' ), 'pbkdf2'
		) )
			->newFromPlaintext( 'a local password 123' )->toString();
		MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY )->update(
			'user', [ 'user_password' => $hash ], [ 'user_id' => $user->getId() ], __METHOD__ );
	}

	public function testAPasswordLoginRechecksTheState() {
		$uid = self::uid();
		$name = 'Life recheck ' . substr( $uid, 4 );
		$user = $this->linkedAccount( $name, $uid );
		$state = new WebsiteState( MediaWikiServices::getInstance()->getUserOptionsManager() );
		$state->applyEvent( $user, WebsiteState::ACTIVE, 20 );

		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'FAIL', 'code' => 'ACCOUNT_DISABLED' ] );
		$res = $this->newProvider( $api )->beginPrimaryAuthentication( [ self::loginRequest( $name ) ] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-disabled', $res->message->getKey() );
		$this->assertSame( [ 'state' => 'disabled', 'seq' => 20 ], $state->get( $user, true ),
			'ACCOUNT_DISABLED sets it, the seq stays' );
		$this->assertTrue( self::fresh( $user )->isLocked() );

		$remote = [ 'id' => $uid, 'username' => $name, 'realName' => '', 'email' => null, 'emailVerified' => false,
			'groups' => [], 'disabled' => false,
			'createdAt' => '2026-01-01T00:00:00Z', 'updatedAt' => '2026-01-01T00:00:00Z' ];
		$provider = $this->newProvider(
			( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => $remote ] )
		);
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( $name ) ] );
		$this->assertSame( AuthenticationResponse::PASS, $res->status );
		$provider->postAuthentication( self::fresh( $user ), $res );
		$this->assertSame( [ 'state' => 'active', 'seq' => 20 ], $state->get( $user, true ), 'a PASS clears it' );
		$this->assertFalse( self::fresh( $user )->isLocked() );
		// A back-channel change still on its way is newer than what the login heard.
		$this->assertTrue( $state->applyEvent( $user, WebsiteState::DISABLED, 21 ) );
	}

	private static function loginRequest( string $name ): PasswordAuthenticationRequest {
		$req = new PasswordAuthenticationRequest();
		$req->username = $name;
		$req->password = self::PASSWORD;
		return $req;
	}

	public function testAnAccountWithoutALinkIsNothingToDo() {
		$this->assertSame( 0, $this->lifecycle()->apply( self::token( self::uid(), 'Admin' ) ) );
	}

	/**
	 * A rotation: the API publishes the retired key for 65 s and says max-age 30; the wiki keeps
	 * the set for no longer, so the old key verifies nowhere 95 s after `sso keys rotate`
	 * (SPEC.md, "Keys"), even when no token with the new key ever arrives to trigger a refetch.
	 */
	public function testTheJwksCacheHonoursTheRotationWindow() {
		$this->assertSame( 30, TicketVerifier::JWKS_MAX_AGE, 'the API says max-age=30 (test/e2e/sso.e2e-spec.ts)' );
		$this->assertSame( 95, TicketVerifier::ROTATION_WINDOW, 'SPEC.md: 65 s published + 30 s cached' );
		$jwk = static function ( string $kid ): array {
			return [ 'kty' => 'OKP', 'crv' => 'Ed25519', 'alg' => 'EdDSA', 'use' => 'sig', 'kid' => $kid,
				'x' => sodium_bin2base64( str_repeat( $kid[-1], 32 ), SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING ) ];
		};
		$now = 1795000000.0;
		$rotatedAt = $now + 100;
		// What the API serves at a time: the old key alone, then both for 65 s, then the new one alone.
		$served = static function () use ( &$now, $rotatedAt, $jwk ): array {
			if ( $now < $rotatedAt ) {
				return [ 'keys' => [ $jwk( 'k1' ) ] ];
			}
			return [ 'keys' => $now < $rotatedAt + TicketVerifier::RETIRED_KEY_PUBLISHED
				? [ $jwk( 'k2' ), $jwk( 'k1' ) ]
				: [ $jwk( 'k2' ) ] ];
		};
		$client = $this->getMockBuilder( ApiClient::class )
			->disableOriginalConstructor()
			->onlyMethods( [ 'fetchJwks' ] )
			->getMock();
		$client->method( 'fetchJwks' )->willReturnCallback( $served );
		$cache = new WANObjectCache( [ 'cache' => new HashBagOStuff() ] );
		$cache->setMockTime( $now );
		$stash = new HashBagOStuff();
		$stash->setMockTime( $now );
		$store = new JwksStore( $client, $cache, $stash, 'http://api.test' );

		// Just before the rotation the wiki fetches (and caches) the old set.
		$now = $rotatedAt - 1;
		$this->assertArrayHasKey( 'k1', $store->keys( 'k1' ) );
		// Tokens still name only k1 (a stolen key's holder never uses k2).
		$latestK1 = null;
		for ( $now = $rotatedAt; $now <= $rotatedAt + 200; $now += 1 ) {
			if ( isset( $store->keys( 'k1' )['k1'] ) ) {
				$latestK1 = $now;
			}
		}
		$this->assertNotNull( $latestK1 );
		$this->assertLessThanOrEqual( $rotatedAt + 95, $latestK1, 'k1 stops verifying within the rotation window' );
		$this->assertGreaterThanOrEqual( $rotatedAt + 64, $latestK1,
			'tokens in flight still verify while the API publishes k1' );
		// A token naming the new key is verified at once after the rotation (refetch on an unseen kid).
		$now = $rotatedAt + 1;
		$fresh = new JwksStore(
			$client,
			new WANObjectCache( [ 'cache' => new HashBagOStuff() ] ),
			new HashBagOStuff(),
			'http://api.test'
		);
		$this->assertArrayHasKey( 'k2', $fresh->keys( 'k2' ) );
	}
}
