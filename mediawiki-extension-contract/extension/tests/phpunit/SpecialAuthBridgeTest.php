<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Context\RequestContext;
use MediaWiki\Extension\AuthBridge\Admin\AccountAdmin;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\Special\SpecialAuthBridge;
use MediaWiki\MediaWikiServices;
use MediaWiki\Request\FauxRequest;
use MediaWiki\Session\SessionManager;
use MediaWiki\SpecialPage\SpecialPage;
use MediaWiki\User\User;
use PHPUnit\Framework\Attributes\CoversClass;

/**
 * Special:AuthBridge rendered for a sysop against a FakeApi: bad input and a forged token are
 * translated messages on the page (never an exception), nothing is sent for them, and a part the
 * credential has no scope for says so while the rest of the page is shown.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Special\SpecialAuthBridge
 */
#[CoversClass( SpecialAuthBridge::class )]
class SpecialAuthBridgeTest extends WikiTestCase {
	use ProviderTestHelper;

	/** @var User */
	private static $sysop;

	private function render( FakeApi $api, ?string $par, array $params, bool $posted = false ): string {
		$services = MediaWikiServices::getInstance();
		if ( !self::$sysop ) {
			self::$sysop = User::createNew( 'Special page sysop ' . bin2hex( random_bytes( 3 ) ) );
			$services->getUserGroupManager()->addUserToGroup( self::$sysop, 'sysop' );
		}
		$ownership = $this->newOwnership();
		$admin = new AccountAdmin(
			new ApiClient( $api->factory(), 'http://api.test', self::SECRET, 3, $this->log ),
			$ownership, new LinkedAccounts( $ownership, $services->getUserFactory() ), SessionManager::singleton(),
			$services->getUserNameUtils(), [ 'editors' => 'editor' ], '', $this->log
		);
		$context = new RequestContext();
		$context->setRequest( new FauxRequest( $params, $posted ) );
		$context->setUser( self::$sysop );
		$context->setTitle( SpecialPage::getTitleFor( 'AuthBridge', $par ?? false ) );
		$context->setLanguage( 'en' );
		$page = new SpecialAuthBridge( $admin );
		$page->setContext( $context );
		$page->execute( $par );
		return $context->getOutput()->getHTML();
	}

	private static function text( string $key, ...$params ): string {
		return wfMessage( $key, ...$params )->inLanguage( 'en' )->escaped();
	}

	private static function userJson( string $name ): array {
		return [ 'id' => 'w-42', 'username' => $name, 'realName' => 'Dana L. Ocked', 'email' => 'dana@example.org',
			'emailVerified' => true, 'groups' => [ 'editors' ], 'disabled' => false,
			'createdAt' => '2026-12-01T00:00:00.000Z', 'updatedAt' => '2026-12-01T00:00:00.000Z' ];
	}

	public static function provideBadSearches(): array {
		return [
			'empty' => [ '', 'authbridge-admin-error-empty' ],
			'10,000 characters' => [ str_repeat( 'x', 10000 ), 'authbridge-admin-error-toolong' ],
			'NUL' => [ "Dana\0Locked", 'authbridge-admin-error-invalid' ],
		];
	}

	/** @dataProvider provideBadSearches */
	#[\PHPUnit\Framework\Attributes\DataProvider( 'provideBadSearches' )]
	public function testABadSearchIsATranslatedMessageAndNothingIsSent( string $q, string $key ) {
		$api = new FakeApi();
		$html = $this->render( $api, null, [ 'by' => 'email', 'q' => $q, 'wpFormIdentifier' => 'search' ] );
		$this->assertStringContainsString( self::text( $key ), $html );
		$this->assertSame( [], $api->requests );
	}

	public function testTheSearchFormAloneDoesNotComplain() {
		$html = $this->render( new FakeApi(), null, [] );
		$this->assertStringContainsString( self::text( 'authbridge-admin-search-legend' ), $html );
		$this->assertStringNotContainsString( self::text( 'authbridge-admin-error-empty' ), $html );
	}

	public function testAForgedTokenDoesNothingAndSaysWhy() {
		$lock = [ 'username' => 'Dana', 'locked' => true,
			'account' => [ 'failures' => 5, 'lockedUntil' => null, 'retryAfterSeconds' => 0 ],
			'addresses' => [ [
				'address' => '192.0.2.7', 'failures' => 5,
				'lockedUntil' => '2026-12-02T09:00:00.000Z', 'retryAfterSeconds' => 290,
			] ] ];
		$api = ( new FakeApi() )
			->answerJson( 200, self::userJson( 'Dana' ) )
			->answerJson( 200, $lock )
			->answerJson( 200, [ 'items' => [], 'nextCursor' => null ] );
		$html = $this->render( $api, 'Dana', [
			'wpFormIdentifier' => 'clearlocks', 'wpclearlocksconfirm' => '1', 'wpEditToken' => 'forged+\\',
		], true );
		$this->assertStringContainsString( self::text( 'authbridge-admin-error-token' ), $html );
		$this->assertSame( [ 'GET', 'GET', 'GET' ], array_map( static function ( $r ) {
			return $r['options']['method'];
		}, $api->requests ), 'no DELETE of the lock' );
		// The lock is shown with its time left
		$this->assertStringContainsString( '192.0.2.7', $html );
		$this->assertStringContainsString( self::text(
			'authbridge-admin-lock-locked',
			MediaWikiServices::getInstance()->getLanguageFactory()->getLanguage( 'en' )->formatDuration( 290 )
		), $html );
	}

	/** Renders Dana's page with the given lock answer's extra fields (no events). */
	private function renderLock( array $extra ): string {
		$lock = [ 'username' => 'Dana', 'locked' => false, 'addresses' => [],
			'account' => [ 'failures' => 0, 'lockedUntil' => null, 'retryAfterSeconds' => 0 ] ];
		$api = ( new FakeApi() )
			->answerJson( 200, self::userJson( 'Dana' ) )
			->answerJson( 200, $extra + $lock )
			->answerJson( 200, [ 'items' => [], 'nextCursor' => null ] );
		return $this->render( $api, 'Dana', [] );
	}

	public function testTheCeilingShowsChecksInTheLastHourOfTheLimit() {
		$html = $this->renderLock( [ 'checks' => [ 'lastHour' => 37, 'limit' => 100, 'retryAfterSeconds' => 0 ] ] );
		$this->assertStringContainsString( '<p class="authbridge-admin-ceiling">'
			. self::text( 'authbridge-admin-lock-checks', 37, 100 ) . '</p>', $html );
		$this->assertStringContainsString( 'Password checks in the last hour: 37 of 100.', $html );
	}

	public function testAFullCeilingSaysHowLongNewAddressesWaitAndThatKnownOnesGetIn() {
		$html = $this->renderLock( [ 'locked' => true,
			'checks' => [ 'lastHour' => 100, 'limit' => 100, 'retryAfterSeconds' => 1743 ] ] );
		$wait = MediaWikiServices::getInstance()->getLanguageFactory()->getLanguage( 'en' )->formatDuration( 1743 );
		$this->assertStringContainsString( '<p class="authbridge-admin-ceiling">'
			. self::text( 'authbridge-admin-lock-checks', 100, 100 ) . ' '
			. self::text( 'authbridge-admin-lock-checks-full', $wait ) . '</p>', $html );
		$this->assertStringContainsString( 'new addresses wait 29 minutes and 3 seconds;', $html );
		// Only the ceiling holds: "locked out" would tell the sysop the user cannot get in at all.
		$this->assertStringContainsString( self::text( 'authbridge-admin-locked-ceiling' ), $html );
		$this->assertStringNotContainsString( self::text( 'authbridge-admin-locked-yes' ), $html );
	}

	public function testALockBesideAFullCeilingStillSaysLockedOut() {
		$html = $this->renderLock( [ 'locked' => true,
			'account' => [ 'failures' => 30, 'lockedUntil' => '2026-12-02T12:00:00Z', 'retryAfterSeconds' => 60 ],
			'checks' => [ 'lastHour' => 100, 'limit' => 100, 'retryAfterSeconds' => 1743 ] ] );
		$this->assertStringContainsString( self::text( 'authbridge-admin-locked-yes' ), $html );
		$this->assertStringNotContainsString( self::text( 'authbridge-admin-locked-ceiling' ), $html );
	}

	public function testAnApiWithoutTheCeilingShowsTheLocksAndNoCeiling() {
		$html = $this->renderLock( [] );
		$this->assertStringContainsString( 'authbridge-admin-locks', $html );
		$this->assertStringNotContainsString( 'authbridge-admin-ceiling', $html );
		$this->assertStringNotContainsString( 'Password checks', $html );
	}

	public function testAMalformedCeilingIsAWarningInPlaceOfTheLocksAndTheRestIsShown() {
		$html = $this->renderLock( [ 'checks' => [ 'lastHour' => '37<script>', 'limit' => 100,
			'retryAfterSeconds' => 0 ] ] );
		$this->assertStringContainsString(
			wfMessage( 'authbridge-admin-error-api' )->inLanguage( 'en' )->parse(), $html );
		$this->assertStringNotContainsString( 'authbridge-admin-locks', $html );
		$this->assertStringNotContainsString( '37<script>', $html );
		$this->assertStringContainsString( 'w-42', $html );
	}

	public function testAMissingScopeShowsWhatIsUnavailableAndTheRest() {
		$api = ( new FakeApi() )
			->answerJson( 200, self::userJson( 'Dana' ) )
			->answerJson( 200, [
				'username' => 'Dana', 'locked' => false,
				'account' => [ 'failures' => 0, 'lockedUntil' => null, 'retryAfterSeconds' => 0 ],
				'addresses' => [],
			] )
			->answerJson( 403, [ 'code' => 'FORBIDDEN', 'missingScopes' => [ 'audit:read' ] ] );
		$html = $this->render( $api, 'Dana', [] );
		$this->assertStringContainsString(
			wfMessage( 'authbridge-admin-missingscope', 'audit:read', 'GET /v1/audit' )->inLanguage( 'en' )->parse(),
			$html
		);
		$this->assertStringContainsString( 'w-42', $html );
		$this->assertStringContainsString( self::text( 'authbridge-admin-group-mapped', 'editors', 'editor' ), $html );
		$this->assertStringContainsString( self::text( 'authbridge-admin-notlinked' ), $html );
	}

	public function testAnUnknownNameIsAMessageWithTheSearchForm() {
		$api = ( new FakeApi() )->answerJson( 404, [ 'code' => 'USER_NOT_FOUND' ] );
		$html = $this->render( $api, 'Nobody', [] );
		$this->assertStringContainsString(
			wfMessage( 'authbridge-admin-nosuchuser', 'Nobody' )->inLanguage( 'en' )->parse(), $html
		);
		$this->assertStringContainsString( self::text( 'authbridge-admin-search-legend' ), $html );
		// and the search form there searches, rather than opening the same account again
		$this->assertDoesNotMatchRegularExpression( '/action=\'[^\']*Special:AuthBridge\/Nobody/', $html );
		$this->assertDoesNotMatchRegularExpression( '/value="Special:AuthBridge\/Nobody" name="title"/', $html );
	}
}
