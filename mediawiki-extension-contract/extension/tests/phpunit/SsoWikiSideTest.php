<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Config\HashConfig;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\Lifecycle\WebsiteState;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Extension\AuthBridge\Special\SpecialAuthBridgeLogin;
use MediaWiki\Extension\AuthBridge\Sso\AutoLogin;
use MediaWiki\Extension\AuthBridge\Sso\BrowserNonce;
use MediaWiki\Extension\AuthBridge\Sso\JwksStore;
use MediaWiki\Extension\AuthBridge\Sso\SsoAuthenticationRequest;
use MediaWiki\Extension\AuthBridge\Sso\SsoPrimaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\Sso\TicketException;
use MediaWiki\Extension\AuthBridge\Sso\TicketLogin;
use MediaWiki\Extension\AuthBridge\Sso\UsedTickets;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\MediaWikiServices;
use MediaWiki\Request\FauxRequest;
use PHPUnit\Framework\Attributes\CoversClass;
use PHPUnit\Framework\Attributes\DataProvider;
use Psr\Log\NullLogger;
use Wikimedia\ObjectCache\HashBagOStuff;
use Wikimedia\ObjectCache\WANObjectCache;

/**
 * The wiki side of single sign-on, against real MediaWiki services: where a person may be sent
 * back to, what the SSO provider passes, how redeem answers map, who is never bounced.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Special\SpecialAuthBridgeLogin
 * @covers \MediaWiki\Extension\AuthBridge\Sso\SsoPrimaryAuthenticationProvider
 * @covers \MediaWiki\Extension\AuthBridge\Sso\SsoAuthenticationRequest
 * @covers \MediaWiki\Extension\AuthBridge\Sso\TicketLogin
 * @covers \MediaWiki\Extension\AuthBridge\Sso\JwksStore
 * @covers \MediaWiki\Extension\AuthBridge\Sso\AutoLogin
 * @covers \MediaWiki\Extension\AuthBridge\Sso\BrowserNonce
 * @covers \MediaWiki\Extension\AuthBridge\ApiClient
 */
#[CoversClass( SpecialAuthBridgeLogin::class )]
#[CoversClass( SsoPrimaryAuthenticationProvider::class )]
#[CoversClass( SsoAuthenticationRequest::class )]
#[CoversClass( TicketLogin::class )]
#[CoversClass( JwksStore::class )]
#[CoversClass( AutoLogin::class )]
#[CoversClass( BrowserNonce::class )]
#[CoversClass( ApiClient::class )]
class SsoWikiSideTest extends WikiTestCase {
	use ProviderTestHelper;

	public static function provideReturnTo(): iterable {
		yield 'a page' => [ 'Help:Contents', 'Help:Contents' ];
		yield 'underscores' => [ 'Main_Page', 'Main Page' ];
		yield 'nothing: the main page' => [ '', 'Main Page' ];
		yield 'a special page' => [ 'Special:RecentChanges', 'Special:RecentChanges' ];
		yield 'logout is never a destination' => [ 'Special:UserLogout', 'Main Page' ];
		yield 'an absolute URL' => [ 'http://evil.example/', null ];
		yield 'an https URL with a path' => [ 'https://evil.example/wiki/Main_Page', null ];
		yield 'protocol-relative' => [ '//evil.example/x', null ];
		yield 'backslashes' => [ '\\\\evil.example', null ];
		yield 'javascript' => [ 'javascript://%0aalert(1)', null ];
		yield 'an interwiki link' => [ 'wikipedia:Foo', null ];
		yield 'an invalid title' => [ 'A[b]c', null ];
		yield 'a newline' => [ "Main Page\nLocation: x", null ];
	}

	/**
	 * @dataProvider provideReturnTo
	 */
	#[DataProvider( 'provideReturnTo' )]
	public function testSafeReturnTo( string $input, ?string $expected ) {
		$title = SpecialAuthBridgeLogin::safeReturnTo( $input );
		$this->assertSame( $expected, $title ? $title->getPrefixedText() : null );
		if ( $title ) {
			$this->assertStringStartsWith( 'http://127.0.0.1', $title->getFullURL(), 'always this wiki' );
		}
	}

	private function newProvider(): SsoPrimaryAuthenticationProvider {
		$services = MediaWikiServices::getInstance();
		$provider = new SsoPrimaryAuthenticationProvider(
			new HashConfig( [ 'AuthBridgeSyncProfile' => true ] ),
			$this->newOwnership(),
			$this->newProfileSync(),
			new WebsiteState( $services->getUserOptionsManager() ),
			new NullLogger()
		);
		$provider->init( new NullLogger(), $services->getAuthManager(), $services->getHookContainer(),
			$services->getMainConfig(), $services->getUserNameUtils() );
		return $provider;
	}

	private function remote( string $name ): RemoteUser {
		return new RemoteUser( 'id-' . md5( $name ), $name, 'Real', 'x@example.org', true, [ 'editors' ], false );
	}

	public function testProviderIsNeverOfferedToFormsOrClientLogin() {
		$provider = $this->newProvider();
		foreach ( [ AuthManager::ACTION_LOGIN, AuthManager::ACTION_CREATE, AuthManager::ACTION_LINK ] as $action ) {
			$this->assertSame( [], $provider->getAuthenticationRequests( $action, [] ) );
		}
		$req = new SsoAuthenticationRequest( $this->remote( 'Somebody' ) );
		$this->assertSame( [ 'username' ], array_keys( $req->getFieldInfo() ) );
		$this->assertSame( 'hidden', $req->getFieldInfo()['username']['type'] );
		$this->assertFalse( $req->loadFromSubmission( [ 'username' => 'Admin' ] ) );
	}

	public function testProviderAbstainsOnPasswordLogins() {
		$req = new PasswordAuthenticationRequest();
		$req->username = 'Somebody';
		$req->password = 'pw';
		$this->assertSame( AuthenticationResponse::ABSTAIN,
			$this->newProvider()->beginPrimaryAuthentication( [ $req ] )->status );
	}

	public function testProviderPassesAProvenIdentity() {
		$res = $this->newProvider()->beginPrimaryAuthentication( [
			new SsoAuthenticationRequest( $this->remote( 'Sso person' ) ),
		] );
		$this->assertSame( AuthenticationResponse::PASS, $res->status );
		$this->assertSame( 'Sso person', $res->username );
	}

	public function testProviderRefusesLocalOnlyAccounts() {
		// The installer's Admin has a local password: local-only, as for the password login.
		$res = $this->newProvider()->beginPrimaryAuthentication( [
			new SsoAuthenticationRequest( $this->remote( 'Admin' ) ),
		] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-sso-error-localonly', $res->message->getKey() );
	}

	public function testProviderRefusesNamesMediaWikiCannotUse() {
		$res = $this->newProvider()->beginPrimaryAuthentication( [
			new SsoAuthenticationRequest( $this->remote( 'lower case' ) ),
		] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
	}

	private function client( FakeApi $api, ArrayLogger $log ): ApiClient {
		return new ApiClient( $api->factory(), 'http://api.test/', self::SECRET, 3, $log );
	}

	public static function provideRedeemRefusals(): iterable {
		foreach ( [ 'TICKET_REPLAYED' => 409, 'TICKET_EXPIRED' => 410, 'TICKET_INVALID' => 400,
			'ACCOUNT_DISABLED' => 403, 'USER_NOT_FOUND' => 404, 'TICKET_WRONG_CLIENT' => 403 ] as $code => $status
		) {
			yield $code => [ $status, $code ];
		}
	}

	/**
	 * @dataProvider provideRedeemRefusals
	 */
	#[DataProvider( 'provideRedeemRefusals' )]
	public function testRedeemRefusalsAreTicketExceptions( int $status, string $code ) {
		$api = ( new FakeApi() )->answerJson( $status, [ 'code' => $code, 'status' => $status ] );
		try {
			$this->client( $api, new ArrayLogger() )->redeemTicket( 'a.b.c' );
			$this->fail( 'no exception' );
		} catch ( TicketException $e ) {
			$this->assertSame( $code, $e->getTicketCode() );
		}
		$this->assertSame( 'http://api.test/v1/sso/tickets/redeem', $api->requests[0]['url'] );
		$this->assertSame( [ 'ticket' => 'a.b.c' ], $api->jsonBody() );
		$this->assertSame( 'Bearer ' . self::SECRET, $api->requests[0]['headers']['Authorization'] );
	}

	public static function provideUnexpectedRedeemAnswers(): iterable {
		$user = [ 'id' => 'u1', 'username' => 'Jane', 'realName' => '', 'email' => null, 'emailVerified' => false,
			'groups' => [], 'disabled' => false ];
		yield 'server error' => [ 500, json_encode( [ 'code' => 'INTERNAL' ] ) ];
		yield 'not JSON' => [ 200, '<html>' ];
		yield 'no user' => [ 200, json_encode( [ 'remember' => false, 'returnTo' => null, 'audience' => 'w' ] ) ];
		yield 'disabled user' => [ 200, json_encode( [ 'user' => [ 'disabled' => true ] + $user, 'remember' => false,
			'returnTo' => null, 'audience' => 'w' ] ) ];
		yield 'remember not boolean' => [ 200, json_encode( [ 'user' => $user, 'remember' => 'yes',
			'returnTo' => null, 'audience' => 'w' ] ) ];
	}

	/**
	 * @dataProvider provideUnexpectedRedeemAnswers
	 */
	#[DataProvider( 'provideUnexpectedRedeemAnswers' )]
	public function testUnexpectedRedeemAnswersNeverLogIn( int $status, string $body ) {
		$this->expectException( UnexpectedResponseException::class );
		$this->client( ( new FakeApi() )->answer( $status, $body ), new ArrayLogger() )->redeemTicket( 'a.b.c' );
	}

	private static function vectors(): array {
		return json_decode( file_get_contents( dirname( __DIR__, 3 ) . '/vectors/sso-tickets.json' ), true );
	}

	private static function vector( string $name ): array {
		return array_values( array_filter( self::vectors()['vectors'], static function ( $v ) use ( $name ) {
			return $v['name'] === $name;
		} ) )[0];
	}

	/** A TicketLogin on $api (JWKS answered first, then whatever redeem answers were queued). */
	private function ticketLogin( FakeApi $api, ArrayLogger $log ): TicketLogin {
		$doc = self::vectors();
		$client = $this->client( $api, $log );
		$stash = new HashBagOStuff();
		return new TicketLogin(
			$client,
			new JwksStore(
				$client, new WANObjectCache( [ 'cache' => new HashBagOStuff() ] ), $stash, 'http://api.test'
			),
			new UsedTickets( $stash ),
			$doc['context']['issuer'],
			'wiki-a'
		);
	}

	public function testTicketLoginRefusesAReplayBeforeAskingTheApi() {
		$doc = self::vectors();
		$valid = self::vector( 'valid-nonce' );
		$user = [ 'id' => 'u1', 'username' => 'Jane Doe', 'realName' => '', 'email' => null, 'emailVerified' => false,
			'groups' => [], 'disabled' => false ];
		$api = ( new FakeApi() )
			->answerJson( 200, $doc['context']['jwks'] )
			->answerJson( 200, [ 'user' => $user, 'remember' => false, 'returnTo' => null, 'audience' => 'wiki-a' ] );
		$log = new ArrayLogger();
		$login = $this->ticketLogin( $api, $log );
		[ $redeemed ] = $login->prove( $valid['token'], $doc['clock'], $valid['browserNonce'] );
		$this->assertSame( 'Jane Doe', $redeemed->user->username );
		try {
			$login->prove( $valid['token'], $doc['clock'], $valid['browserNonce'] );
			$this->fail( 'replayed' );
		} catch ( TicketException $e ) {
			$this->assertSame( TicketException::REPLAYED, $e->getTicketCode() );
		}
		$this->assertCount( 2, $api->requests, 'JWKS once (then cached), one redeem, nothing for the replay' );
		$this->assertStringNotContainsString( self::SECRET, $log->dump() );
		$this->assertStringNotContainsString( $valid['token'], $log->dump() );
	}

	public static function provideTicketsForAnotherBrowser(): iterable {
		yield "another browser's nonce" => [ 'nonce-other-browser', true ];
		yield 'no nonce cookie in this browser' => [ 'nonce-no-cookie', true ];
		yield 'the cookie itself as the claim' => [ 'nonce-cookie-not-hashed', true ];
		yield 'no nonce in the ticket' => [ 'nonce-missing', true ];
		yield "another browser's nonce, nonce not required" => [ 'nonce-other-browser', false ];
	}

	/**
	 * @dataProvider provideTicketsForAnotherBrowser
	 */
	#[DataProvider( 'provideTicketsForAnotherBrowser' )]
	public function testTicketLoginRefusesAnotherBrowsersTicketWithoutRedeemingIt( string $name, bool $required ) {
		$doc = self::vectors();
		$vector = self::vector( $name );
		$api = ( new FakeApi() )->answerJson( 200, $doc['context']['jwks'] );
		$log = new ArrayLogger();
		try {
			$this->ticketLogin( $api, $log )
				->prove( $vector['token'], $doc['clock'], $vector['browserNonce'], $required );
			$this->fail( 'the ticket passed in another browser' );
		} catch ( TicketException $e ) {
			$this->assertSame( TicketException::WRONG_BROWSER, $e->getTicketCode() );
			$this->assertSame( 'TICKET_NOT_FOR_THIS_BROWSER', $e->getContractCode() );
		}
		$this->assertCount( 1, $api->requests, 'the JWKS only: no redeem for a ticket of another browser' );
		$this->assertStringNotContainsString( $vector['token'], $log->dump() );
	}

	public function testTicketsWithoutNonceOnlyPassWhenNotRequired() {
		$doc = self::vectors();
		$vector = self::vector( 'nonce-missing' );
		$user = [ 'id' => 'u1', 'username' => 'Jane Doe', 'realName' => '', 'email' => null, 'emailVerified' => false,
			'groups' => [], 'disabled' => false ];
		$api = ( new FakeApi() )
			->answerJson( 200, $doc['context']['jwks'] )
			->answerJson( 200, [ 'user' => $user, 'remember' => false, 'returnTo' => null, 'audience' => 'wiki-a' ] );
		[ $redeemed ] = $this->ticketLogin( $api, new ArrayLogger() )
			->prove( $vector['token'], $doc['clock'], $vector['browserNonce'], false );
		$this->assertSame( 'Jane Doe', $redeemed->user->username );
	}

	/** A request of a browser with these cookies (none: a fresh browser), and its own wiki session. */
	private static function browser( array $cookies = [] ): FauxRequest {
		$request = new FauxRequest( [], false, null, 'https' );
		$request->setRequestURL( 'https://wiki.example.org/index.php?title=Special:AuthBridgeLogin&start=1' );
		foreach ( $cookies as $name => $value ) {
			$request->setCookie( $name, $value, '' );
		}
		return $request;
	}

	/** The browser of the same person at the next request: the cookies it was given, the same session. */
	private static function nextRequest( FauxRequest $request, array $cookies ): FauxRequest {
		$next = new FauxRequest( [], false, $request->getSession(), 'https' );
		foreach ( $cookies as $name => $value ) {
			$next->setCookie( $name, $value, '' );
		}
		return $next;
	}

	/** SameSite=Lax is not recorded by FauxResponse; the full-stack suite checks it in Chromium. */
	public function testStartSetsAHostOnlySecureCookieForOneFlowAndHandsOutOnlyItsHash() {
		$request = self::browser();
		$nonce = BrowserNonce::start( $request, time() );
		$cookie = $request->response()->getCookieData( '__Host-AuthBridgeSsoNonce' );
		$this->assertIsArray( $cookie, 'set under the __Host- name, without $wgCookiePrefix' );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $cookie['value'] );
		$this->assertTrue( $cookie['secure'], 'Secure' );
		$this->assertSame( '', $cookie['domain'], 'no Domain' );
		$this->assertSame( '/', $cookie['path'], 'Path=/' );
		$this->assertTrue( $cookie['httpOnly'] );
		$this->assertGreaterThan( time(), $cookie['expire'] );
		$this->assertLessThanOrEqual( time() + 600, $cookie['expire'], 'one flow: ten minutes at most' );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $nonce );
		$this->assertNotSame( $cookie['value'], $nonce );
		$this->assertSame( BrowserNonce::hash( $cookie['value'] ), $nonce );
		$this->assertNotSame( $nonce, BrowserNonce::start( self::browser(), time() ), 'a fresh nonce each time' );
	}

	public function testTheNonceCountsOnlyInTheSessionThatStartedTheFlowAndOnlyOnce() {
		$request = self::browser();
		BrowserNonce::start( $request, time() );
		$value = $request->response()->getCookieData( BrowserNonce::COOKIE )['value'];

		$back = self::nextRequest( $request, [ BrowserNonce::COOKIE => $value ] );
		$this->assertSame( [ $value, null ], BrowserNonce::take( $back, time() ) );
		$this->assertSame( '', $back->response()->getCookieData( BrowserNonce::COOKIE )['value'],
			'the cookie is cleared' );
		$again = self::nextRequest( $request, [ BrowserNonce::COOKIE => $value ] );
		$this->assertNull( BrowserNonce::take( $again, time() )[0], 'used once' );
	}

	public function testANoncePlantedInAVictimsBrowserBindsNobody() {
		// The attacker's own flow: their nonce, and a ticket bound to it.
		$attacker = self::browser();
		$attackerNonce = BrowserNonce::start( $attacker, time() );
		$planted = $attacker->response()->getCookieData( BrowserNonce::COOKIE )['value'];

		// The cookie planted in the victim's browser (whose wiki session never started a flow) ...
		[ $nonce, $why ] = BrowserNonce::take( self::browser( [ BrowserNonce::COOKIE => $planted ] ), time() );
		$this->assertNull( $nonce );
		$this->assertStringContainsString( 'planted', $why );
		try {
			BrowserNonce::check( [ 'nonce' => $attackerNonce ], $nonce, true, $why );
			$this->fail( "the attacker's ticket passed in the victim's browser" );
		} catch ( TicketException $e ) {
			$this->assertSame( TicketException::WRONG_BROWSER, $e->getTicketCode() );
		}

		// ... nor in a victim who started a flow of their own (another nonce in their session).
		$victim = self::browser();
		BrowserNonce::start( $victim, time() );
		$this->assertNull(
			BrowserNonce::take( self::nextRequest( $victim, [ BrowserNonce::COOKIE => $planted ] ), time() )[0]
		);
	}

	public function testAnOldNonceIsRefused() {
		$request = self::browser();
		BrowserNonce::start( $request, time() - 601 );
		$value = $request->response()->getCookieData( BrowserNonce::COOKIE )['value'];
		$this->assertNull(
			BrowserNonce::take( self::nextRequest( $request, [ BrowserNonce::COOKIE => $value ] ), time() )[0]
		);
	}

	public function testOnlyHttpsOrLoopbackCanBindABrowser() {
		foreach ( [ 'https://wiki.example.org/' => true, 'http://127.0.0.1:8080/' => true, 'http://localhost/' => true,
			'http://wiki.example.org/' => false ] as $url => $expected
		) {
			$request = new FauxRequest( [], false, null, parse_url( $url, PHP_URL_SCHEME ) );
			$request->setHeader( 'Host', parse_url( $url, PHP_URL_HOST )
				. ( parse_url( $url, PHP_URL_PORT ) ? ':' . parse_url( $url, PHP_URL_PORT ) : '' ) );
			$this->assertSame( $expected, BrowserNonce::canBindThisBrowser( $request ), $url );
		}
	}

	public static function provideUserAgents(): iterable {
		yield 'Chromium' => [
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
			false,
		];
		yield 'Firefox' => [ 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', false ];
		yield 'Googlebot' => [ 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', true ];
		yield 'Bingbot' => [ 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', true ];
		yield 'curl' => [ 'curl/8.5.0', true ];
		yield 'python' => [ 'python-requests/2.31', true ];
		yield 'none' => [ '', true ];
	}

	/**
	 * @dataProvider provideUserAgents
	 */
	#[DataProvider( 'provideUserAgents' )]
	public function testBotsAreNeverBounced( string $userAgent, bool $isBot ) {
		$this->assertSame( $isBot, AutoLogin::isBot( $userAgent ) );
	}
}
