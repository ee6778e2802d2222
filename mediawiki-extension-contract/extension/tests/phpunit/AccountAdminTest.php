<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Extension\AuthBridge\Admin\AccountAdmin;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionManager;
use MediaWiki\User\User;
use MediaWiki\User\UserIdentityValue;
use PHPUnit\Framework\Attributes\CoversClass;
use StatusValue;

/**
 * Special:AuthBridge's logic (AccountAdmin) against a real wiki database and a FakeApi:
 * bad input never reaches the API and becomes a message key, a missing scope is a message
 * naming it, actions go through AccountOwnership's rules and are logged with the performer.
 *
 * @covers \MediaWiki\Extension\AuthBridge\Admin\AccountAdmin
 * @covers \MediaWiki\Extension\AuthBridge\ApiClient
 */
#[CoversClass( AccountAdmin::class )]
#[CoversClass( ApiClient::class )]
class AccountAdminTest extends WikiTestCase {
	use ProviderTestHelper;

	private function newAdmin( FakeApi $api, string $adminUrl = '' ): AccountAdmin {
		$services = MediaWikiServices::getInstance();
		$ownership = $this->newOwnership();
		return new AccountAdmin(
			new ApiClient( $api->factory(), 'http://api.test', self::SECRET, 3, $this->log ),
			$ownership,
			new LinkedAccounts( $ownership, $services->getUserFactory() ),
			SessionManager::singleton(),
			$services->getUserNameUtils(),
			[ 'editors' => 'editor', 'staff' => [ 'sysop', 'interface-admin' ] ],
			$adminUrl,
			$this->log
		);
	}

	private static function remote( string $name, string $id ): RemoteUser {
		return new RemoteUser(
			$id, $name, "Real $name", strtolower( $name ) . '@example.org', true, [ 'editors', 'other' ], false
		);
	}

	private static function userJson( string $name, string $id ): array {
		return [ 'id' => $id, 'username' => $name, 'realName' => "Real $name", 'email' => 'x@example.org',
			'emailVerified' => true, 'groups' => [], 'disabled' => false,
			'createdAt' => '2026-12-01T00:00:00.000Z', 'updatedAt' => '2026-12-01T00:00:00.000Z' ];
	}

	private static function messageKey( StatusValue $status ): string {
		return Compat::firstMessage( $status )[0];
	}

	/** @return array[] the authbridge log rows of a website user id: action, performer name */
	private static function logRows( string $id ): array {
		$db = MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY );
		$rows = [];
		foreach ( $db->newSelectQueryBuilder()
			->select( [ 'log_action', 'log_params', 'actor_name' ] )
			->from( 'logging' )->join( 'actor', null, 'actor_id = log_actor' )
			->where( [ 'log_type' => 'authbridge' ] )->orderBy( 'log_id' )
			->caller( __METHOD__ )->fetchResultSet() as $row
		) {
			$params = unserialize( $row->log_params );
			if ( ( $params['5::id'] ?? null ) === $id ) {
				$rows[] = [ $row->log_action, $row->actor_name ];
			}
		}
		return $rows;
	}

	public static function provideBadInput(): array {
		return [
			'empty' => [ '', 'authbridge-admin-error-empty' ],
			'blanks' => [ "  \t ", 'authbridge-admin-error-empty' ],
			'10,000 characters' => [ str_repeat( 'x', 10000 ), 'authbridge-admin-error-toolong' ],
			'256 characters' => [ str_repeat( 'é', 256 ), 'authbridge-admin-error-toolong' ],
			'NUL' => [ "Dana\0Locked", 'authbridge-admin-error-invalid' ],
			'NUL as WebRequest hands it over' => [ "Dana\u{FFFD}Locked", 'authbridge-admin-error-invalid' ],
			'newline' => [ "Dana\nLocked", 'authbridge-admin-error-invalid' ],
			'not UTF-8' => [ "Dana\xC3", 'authbridge-admin-error-invalid' ],
		];
	}

	/** @dataProvider provideBadInput */
	#[\PHPUnit\Framework\Attributes\DataProvider( 'provideBadInput' )]
	public function testBadInputNeverReachesTheApiAndIsAMessage( string $text, string $key ) {
		$api = new FakeApi();
		$admin = $this->newAdmin( $api );
		$this->assertSame( $key, AccountAdmin::inputProblem( $text ) );
		foreach ( [
			$admin->search( AccountAdmin::SEARCH_NAME, $text ),
			$admin->search( AccountAdmin::SEARCH_EMAIL, $text ),
			$admin->find( $text ),
		] as $status ) {
			$this->assertFalse( $status->isOK() );
			$this->assertSame( $key, self::messageKey( $status ) );
		}
		$this->assertSame( [], $api->requests );
	}

	public function testSearchByEmailAsksForTheAddressAndByNameForThePrefixWithItsCursor() {
		$api = ( new FakeApi() )
			->answerJson( 200, [ 'items' => [ self::userJson( 'Dana', 'w-1' ) ], 'nextCursor' => null ] )
			->answerJson( 200, [ 'items' => [], 'nextCursor' => 'abc_-=' ] );
		$admin = $this->newAdmin( $api );
		$byEmail = $admin->search( AccountAdmin::SEARCH_EMAIL, ' Dana@Example.org ' );
		$this->assertTrue( $byEmail->isOK() );
		[ $users, $next ] = $byEmail->getValue();
		$this->assertSame( [ 'Dana' ], array_map( static function ( RemoteUser $u ) {
			return $u->username;
		}, $users ) );
		$this->assertNull( $next );
		$this->assertSame( 'http://api.test/v1/users?email=Dana%40Example.org&limit=20', $api->requests[0]['url'] );

		$byName = $admin->search( AccountAdmin::SEARCH_NAME, 'Da', 'cur_sor' );
		$this->assertSame( [ [], 'abc_-=' ], $byName->getValue() );
		$this->assertSame( 'http://api.test/v1/users?prefix=Da&limit=20&cursor=cur_sor', $api->requests[1]['url'] );
	}

	public function testAForgedCursorIsRefusedBeforeTheApi() {
		$api = new FakeApi();
		$status = $this->newAdmin( $api )->search( AccountAdmin::SEARCH_NAME, 'Da', "forged!\0" );
		$this->assertSame( 'authbridge-admin-error-invalid', self::messageKey( $status ) );
		$this->assertSame( [], $api->requests );
	}

	public function testAMissingScopeIsAMessageNamingTheScopeAndTheRoute() {
		$forbidden = [ 'type' => 'about:blank', 'title' => 'Forbidden', 'status' => 403, 'code' => 'FORBIDDEN',
			'detail' => 'x', 'missingScopes' => [ 'audit:read' ] ];
		$api = ( new FakeApi() )->answerJson( 403, $forbidden );
		$status = $this->newAdmin( $api )->events( self::remote( 'Dana', 'w-1' ) );
		$this->assertFalse( $status->isOK() );
		$this->assertSame( [ 'authbridge-admin-missingscope', [ 'audit:read', 'GET /v1/audit' ] ],
			Compat::firstMessage( $status ) );
		$this->assertSame( 'http://api.test/v1/audit?username=Dana&limit=10', $api->requests[0]['url'] );
	}

	public function testAnUnknownUserAndAnApiThatDoesNotAnswerAreMessages() {
		$api = ( new FakeApi() )
			->answerJson( 404, [ 'code' => 'USER_NOT_FOUND' ] )
			->noAnswer();
		$admin = $this->newAdmin( $api );
		$this->assertSame( [ 'authbridge-admin-nosuchuser', [ 'Nobody' ] ],
			Compat::firstMessage( $admin->find( 'Nobody' ) ) );
		$this->assertSame( 'authbridge-admin-error-api',
			self::messageKey( $admin->lockState( self::remote( 'Dana', 'w-1' ) ) ) );
	}

	public function testALockAnswerOutsideTheContractIsNotShown() {
		$api = ( new FakeApi() )->answerJson( 200, [
			'username' => 'Dana', 'locked' => true, 'account' => [ 'failures' => 'many' ], 'addresses' => [],
		] );
		$this->assertSame( 'authbridge-admin-error-api',
			self::messageKey( $this->newAdmin( $api )->lockState( self::remote( 'Dana', 'w-1' ) ) ) );
	}

	private static function lockJson( array $extra ): array {
		return [ 'username' => 'Dana', 'locked' => false, 'addresses' => [],
			'account' => [ 'failures' => 0, 'lockedUntil' => null, 'retryAfterSeconds' => 0 ] ] + $extra;
	}

	public function testTheCeilingIsPassedOnAndAnOlderApiWithoutItIsFine() {
		$checks = [ 'lastHour' => 37, 'limit' => 100, 'retryAfterSeconds' => 0 ];
		$api = ( new FakeApi() )
			->answerJson( 200, self::lockJson( [ 'checks' => $checks ] ) )
			->answerJson( 200, self::lockJson( [] ) );
		$admin = $this->newAdmin( $api );
		$this->assertSame( $checks, $admin->lockState( self::remote( 'Dana', 'w-1' ) )->getValue()['checks'] );
		$older = $admin->lockState( self::remote( 'Dana', 'w-1' ) );
		$this->assertTrue( $older->isOK() );
		$this->assertArrayNotHasKey( 'checks', $older->getValue() );
	}

	public static function provideMalformedCeilings(): array {
		$good = [ 'lastHour' => 37, 'limit' => 100, 'retryAfterSeconds' => 0 ];
		return [
			'null' => [ null ],
			'a number' => [ 37 ],
			'a list' => [ [ 37, 100, 0 ] ],
			'empty' => [ [] ],
			'count as a string' => [ [ 'lastHour' => '37' ] + $good ],
			'negative count' => [ [ 'lastHour' => -1 ] + $good ],
			'limit 0' => [ [ 'limit' => 0 ] + $good ],
			'limit as a float' => [ [ 'limit' => 100.5 ] + $good ],
			'negative wait' => [ [ 'retryAfterSeconds' => -5 ] + $good ],
			'wait as a boolean' => [ [ 'retryAfterSeconds' => true ] + $good ],
			'no wait' => [ [ 'lastHour' => 37, 'limit' => 100 ] ],
			'no limit' => [ [ 'lastHour' => 37, 'retryAfterSeconds' => 0 ] ],
		];
	}

	/** @dataProvider provideMalformedCeilings */
	#[\PHPUnit\Framework\Attributes\DataProvider( 'provideMalformedCeilings' )]
	public function testALockAnswerWithAMalformedCeilingIsNotShown( $checks ) {
		$api = ( new FakeApi() )->answerJson( 200, self::lockJson( [ 'checks' => $checks ] ) );
		$status = $this->newAdmin( $api )->lockState( self::remote( 'Dana', 'w-1' ) );
		$this->assertSame( 'authbridge-admin-error-api', self::messageKey( $status ) );
		// The sysop sees the translated message; the wiki's log says what was wrong.
		$this->assertStringContainsString( 'lock answer does not match the contract', $this->log->dump() );
	}

	public function testClearingLocksCallsTheApiAndIsLoggedWithThePerformer() {
		$api = ( new FakeApi() )->answer( 204, '' );
		$sysop = User::createNew( 'Admin page sysop ' . bin2hex( random_bytes( 3 ) ) );
		$id = 'w-clear-' . bin2hex( random_bytes( 3 ) );
		$status = $this->newAdmin( $api )->clearLocks( self::remote( 'Dana Locked', $id ), $sysop );
		$this->assertTrue( $status->isOK() );
		$this->assertSame( 'DELETE', $api->requests[0]['options']['method'] );
		$this->assertSame( 'http://api.test/v1/users/Dana%20Locked/lock', $api->requests[0]['url'] );
		$this->assertSame( [ [ 'clearlocks', $sysop->getName() ] ], self::logRows( $id ) );
	}

	public function testARefusedClearIsNotLogged() {
		$api = ( new FakeApi() )->answerJson( 403, [ 'code' => 'FORBIDDEN', 'missingScopes' => [ 'users:write' ] ] );
		$id = 'w-refused-' . bin2hex( random_bytes( 3 ) );
		$status = $this->newAdmin( $api )
			->clearLocks( self::remote( 'Dana', $id ), new UserIdentityValue( 1, 'Admin' ) );
		$this->assertSame( 'authbridge-admin-missingscope', self::messageKey( $status ) );
		$this->assertSame( [], self::logRows( $id ) );
	}

	public function testLinkAndUnlinkFollowAccountOwnershipsRulesAndAreLogged() {
		$suffix = bin2hex( random_bytes( 3 ) );
		$wiki = User::createNew( "Admin page wiki $suffix" );
		$sysop = new UserIdentityValue( 1, 'Admin' );
		$id = "w-link-$suffix";
		$remote = self::remote( "Admin page web $suffix", $id );
		$admin = $this->newAdmin( new FakeApi() );

		$this->assertSame( 'linked', $admin->link( $remote, "admin_page_wiki_$suffix", $sysop )->getValue() );
		$this->assertSame( [ $wiki->getName() ], $admin->linkedAccounts( $remote ) );
		// Someone else's link cannot be removed through this account's page ...
		$other = self::remote( 'Someone else', "w-other-$suffix" );
		$this->assertSame( 'authbridge-admin-unlink-notlinked',
			self::messageKey( $admin->unlink( $other, $wiki->getName(), $sysop ) ) );
		// ... nor the account given to another website user (unlink first), as in linkAccounts.php
		$this->assertSame( 'authbridge-link-error-linked',
			self::messageKey( $admin->link( $other, $wiki->getName(), $sysop ) ) );
		$this->assertSame( 'unlinked', $admin->unlink( $remote, $wiki->getName(), $sysop )->getValue() );
		$this->assertSame( [], $admin->linkedAccounts( $remote ) );
		$this->assertSame( [ [ 'link', 'Admin' ], [ 'unlink', 'Admin' ] ], self::logRows( $id ) );
	}

	public function testAccountsWithALocalPasswordAndMissingOnesAreNeverLinked() {
		$admin = $this->newAdmin( new FakeApi() );
		$remote = self::remote( 'Admin page web', 'w-local-' . bin2hex( random_bytes( 3 ) ) );
		$sysop = new UserIdentityValue( 1, 'Admin' );
		// The installer's Admin has a local password
		$this->assertSame( 'authbridge-link-error-localonly',
			self::messageKey( $admin->link( $remote, 'Admin', $sysop ) ) );
		$this->assertSame( 'authbridge-link-error-nosuchuser',
			self::messageKey( $admin->link( $remote, 'No such wiki account', $sysop ) ) );
		$this->assertSame( 'authbridge-admin-error-wikiname',
			self::messageKey( $admin->link( $remote, 'Talk:Bad', $sysop ) ) );
		$this->assertSame( 'authbridge-admin-error-invalid',
			self::messageKey( $admin->link( $remote, "Bad\0name", $sysop ) ) );
	}

	public function testEndingSessionsNeedsALinkedAccount() {
		$admin = $this->newAdmin( new FakeApi() );
		$status = $admin->endSessions( self::remote( 'Nobody linked', 'w-none' ), new UserIdentityValue( 1, 'Admin' ) );
		$this->assertSame( 'authbridge-admin-notlinked-error', self::messageKey( $status ) );
	}

	public function testGroupMappingAndTheWebsiteAdminUrl() {
		$admin = $this->newAdmin( new FakeApi(), 'https://www.example.org/admin?id={id}&name={name}' );
		$remote = new RemoteUser( 'a/b 1', 'Dana & Co', '', null, false, [ 'editors', 'staff', 'other' ], false );
		$this->assertSame(
			[ 'editors' => [ 'editor' ], 'staff' => [ 'sysop', 'interface-admin' ], 'other' => [] ],
			$admin->groupMapping( $remote->groups )
		);
		$this->assertSame( 'https://www.example.org/admin?id=a%2Fb%201&name=Dana%20%26%20Co',
			$admin->adminUrl( $remote ) );
		$this->assertNull( $this->newAdmin( new FakeApi() )->adminUrl( $remote ) );
	}
}
