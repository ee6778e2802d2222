<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Config\HashConfig;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Account\AccountStatus;
use MediaWiki\Extension\AuthBridge\Account\WebsiteLinkSecondaryAuthenticationProvider;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\TempUser\RealTempUserConfig;
use MediaWiki\User\User;
use PHPUnit\Framework\Attributes\CoversClass;
use Psr\Log\NullLogger;
use Wikimedia\Rdbms\IDBAccessObject;

/**
 * Which wiki account a website user may log into, against a real wiki database: no silent
 * adoption of existing accounts (the takeover of accounts left by other login extensions).
 *
 * @covers \MediaWiki\Extension\AuthBridge\Account\AccountOwnership
 * @covers \MediaWiki\Extension\AuthBridge\Account\AccountStatus
 * @covers \MediaWiki\Extension\AuthBridge\Account\WebsiteLinkSecondaryAuthenticationProvider
 * @covers \MediaWiki\Extension\AuthBridge\Account\AccountHooks
 * @covers \MediaWiki\Extension\AuthBridge\AuthBridgePrimaryAuthenticationProvider
 */
#[CoversClass( AccountOwnership::class )]
#[CoversClass( AccountStatus::class )]
#[CoversClass( WebsiteLinkSecondaryAuthenticationProvider::class )]
class AccountOwnershipTest extends WikiTestCase {
	use ProviderTestHelper;

	private static function remote( string $name, string $id ): RemoteUser {
		return new RemoteUser( $id, $name, "Real $name", strtolower( $name ) . '@example.org', true, [], false );
	}

	/** As LDAP, OAuth and PluggableAuth leave accounts (and deleteLocalPasswords.php): no local password, no link. */
	private static function passwordlessAccount( string $name, array $groups = [] ): User {
		$user = User::createNew( $name );
		self::assertNotNull( $user, "created $name" );
		foreach ( $groups as $group ) {
			MediaWikiServices::getInstance()->getUserGroupManager()->addUserToGroup( $user, $group );
		}
		return $user;
	}

	private static function loginRequest( string $name ): PasswordAuthenticationRequest {
		$req = new PasswordAuthenticationRequest();
		$req->username = $name;
		$req->password = self::PASSWORD;
		return $req;
	}

	public function testAPasswordlessSysopIsNotTakenOverByAWebsiteUserOfTheSameName() {
		$alice = self::passwordlessAccount( 'Takeover alice', [ 'sysop' ] );
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => [
			'id' => 'website-alice', 'username' => 'Takeover alice', 'realName' => '', 'email' => null,
			'emailVerified' => false, 'groups' => [], 'disabled' => false,
		] ] );
		$res = $this->newProvider( $api )->beginPrimaryAuthentication( [ self::loginRequest( 'takeover_alice' ) ] );

		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-notlinked', $res->message->getKey() );
		$this->assertStringContainsString( 'not linked', $this->log->dump(), 'a log line for the admin' );
		$this->assertNull( $this->newOwnership()->linkedId( $alice ), 'nothing was linked' );
	}

	public function testCheckLogin() {
		$ownership = $this->newOwnership();
		$this->assertNull(
			$ownership->checkLogin( 'Nobody has this name', self::remote( 'Nobody has this name', 'x' ) ),
			'a new name: created and linked at the first login'
		);

		$unlinked = self::passwordlessAccount( 'Unlinked bob' );
		$this->assertSame( AccountOwnership::REFUSE_NOT_LINKED,
			$ownership->checkLogin( 'Unlinked bob', self::remote( 'Unlinked bob', 'b' ) ) );

		$this->assertTrue( $ownership->link( $unlinked, 'b', AccountOwnership::ORIGIN_ADMIN, 'test' )->isOK() );
		$this->assertNull( $ownership->checkLogin( 'Unlinked bob', self::remote( 'Unlinked bob', 'b' ) ) );
		$this->assertSame( AccountOwnership::REFUSE_CONFLICT,
			$ownership->checkLogin( 'Unlinked bob', self::remote( 'Unlinked bob', 'someone-else' ) ) );

		$this->assertSame( AccountOwnership::REFUSE_LOCAL_ONLY,
			$ownership->checkLogin( 'Admin', self::remote( 'Admin', 'a' ) ),
			'the installer\'s Admin has a local password' );
		User::newSystemUser( 'AuthBridge test system user', [ 'steal' => true ] );
		$this->assertSame( AccountOwnership::REFUSE_LOCAL_ONLY,
			$ownership->checkLogin(
				'AuthBridge test system user', self::remote( 'AuthBridge test system user', 's' )
			) );
	}

	public function testAccountsLinkedBeforeThisVersionKeepLoggingIn() {
		// Earlier versions recorded only the authbridge-id option, at every login: the row they left.
		$user = self::passwordlessAccount( 'Legacy carol' );
		MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY )->insert( 'user_properties',
			[
				'up_user' => $user->getId(),
				'up_property' => AccountOwnership::LINK_OPTION,
				'up_value' => 'carol-id',
			], __METHOD__ );

		$ownership = $this->newOwnership();
		$status = $ownership->explain( 'Legacy carol' );
		$this->assertSame( AccountStatus::LINKED, $status->state );
		$this->assertSame( 'carol-id', $status->remoteId );
		$this->assertSame( AccountOwnership::ORIGIN_LEGACY, $status->origin );
		$this->assertNull( $ownership->checkLogin( 'Legacy carol', self::remote( 'Legacy carol', 'carol-id' ) ) );
	}

	public function testLinkRecordsWhoAndUnlinkEndsIt() {
		$user = self::passwordlessAccount( 'Linked dave' );
		$ownership = $this->newOwnership();
		$this->assertSame( 'linked',
			$ownership->link( $user, 'dave-id', AccountOwnership::ORIGIN_ADMIN, 'linkAccounts.php' )->getValue() );
		$this->assertSame( 'unchanged',
			$ownership->link( $user, 'dave-id', AccountOwnership::ORIGIN_ADMIN, 'again' )->getValue() );
		$status = $ownership->explain( 'Linked dave' );
		$this->assertSame( [ AccountStatus::LINKED, 'dave-id', AccountOwnership::ORIGIN_ADMIN, 'linkAccounts.php' ],
			[ $status->state, $status->remoteId, $status->origin, $status->linkedBy ] );
		$this->assertMatchesRegularExpression( '/^\d{14}$/', $status->linkedAt );
		$this->assertSame( [ 'Linked dave' ], $ownership->accountsLinkedTo( 'dave-id' ) );

		$refused = $ownership->link( $user, 'other-id', AccountOwnership::ORIGIN_ADMIN, 'test' );
		$this->assertSame( 'authbridge-link-error-linked', Compat::firstMessage( $refused )[0], 'unlink first' );

		$this->assertSame( 'unlinked', $ownership->unlink( $user, 'test' )->getValue() );
		$this->assertSame( AccountStatus::UNLINKED, $ownership->explain( 'Linked dave' )->state );
		$this->assertSame( AccountOwnership::REFUSE_NOT_LINKED,
			$ownership->checkLogin( 'Linked dave', self::remote( 'Linked dave', 'dave-id' ) ) );
	}

	public function testAWebsiteUserOwnsOneAccountWhenAnAdministratorLinks() {
		$ownership = $this->newOwnership();
		$ownership->link(
			self::passwordlessAccount( 'Owned erin' ), 'erin-id', AccountOwnership::ORIGIN_ADMIN, 'test'
		);
		$refused = $ownership->link(
			self::passwordlessAccount( 'Second erin' ), 'erin-id', AccountOwnership::ORIGIN_ADMIN, 'test'
		);
		$this->assertSame( [ 'authbridge-link-error-owned', [ 'erin-id', 'Owned erin' ] ],
			Compat::firstMessage( $refused ) );
	}

	public function testLocalOnlySystemAndTemporaryAccountsAreNeverLinked() {
		$ownership = $this->newOwnership( [ 'AuthBridgeLocalOnlyUsers' => [ 'listed_frank' ] ] );
		$system = User::newSystemUser( 'AuthBridge system two', [ 'steal' => true ] );
		$listed = self::passwordlessAccount( 'Listed frank' );
		$admin = User::newFromName( 'Admin' );
		$cases = [
			'authbridge-link-error-localonly' => $admin,
			'authbridge-link-error-system' => $system,
		];
		foreach ( $cases as $key => $user ) {
			$this->assertSame( $key,
				Compat::firstMessage( $ownership->link( $user, 'x', AccountOwnership::ORIGIN_ADMIN, 'test' ) )[0] );
			$this->assertNull( $ownership->linkedId( $user ) );
		}
		$this->assertSame( 'authbridge-link-error-localonly',
			Compat::firstMessage( $ownership->link( $listed, 'x', AccountOwnership::ORIGIN_ADMIN, 'test' ) )[0] );

		$temporary = $this->withTemporaryAccounts();
		$tempUser = self::passwordlessAccount( '~2026-17' );
		$this->assertSame( AccountStatus::TEMPORARY, $temporary->explain( '~2026-17' )->state );
		$this->assertSame( 'authbridge-link-error-temporary',
			Compat::firstMessage( $temporary->link( $tempUser, 'x', AccountOwnership::ORIGIN_ADMIN, 'test' ) )[0] );
		$this->assertSame( AccountOwnership::REFUSE_TEMPORARY,
			$temporary->checkLogin( '~2026-17', self::remote( '~2026-17', 'x' ) ) );
		$this->assertSame( AccountOwnership::REFUSE_TEMPORARY,
			$temporary->checkLogin( '~2026-99', self::remote( '~2026-99', 'y' ) ),
			'a website name in the pattern, even without such an account' );
	}

	/** The ownership service on a wiki with temporary accounts ($wgAutoCreateTempUser) on. */
	private function withTemporaryAccounts(): AccountOwnership {
		$services = MediaWikiServices::getInstance();
		return new AccountOwnership(
			new ServiceOptions(
				AccountOwnership::CONSTRUCTOR_OPTIONS, new HashConfig( [ 'AuthBridgeLocalOnlyUsers' => [] ] )
			),
			$services->getDBLoadBalancer(), $services->getUserNameUtils(), $services->getUserOptionsManager(),
			$services->getPasswordFactory(),
			new RealTempUserConfig( [
				'enabled' => true, 'actions' => [ 'edit' ], 'genPattern' => '~$1', 'matchPattern' => '~$1',
				'reservedPattern' => '~$1', 'serialProvider' => [ 'type' => 'local' ],
				'serialMapping' => [ 'type' => 'plain-numeric' ],
			] ),
			new NullLogger()
		);
	}

	public function testNewAccountsAreLinkedWhenAuthBridgeCreatesThem() {
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => [
			'id' => 'new-gina', 'username' => 'New gina', 'realName' => '', 'email' => null,
			'emailVerified' => false, 'groups' => [], 'disabled' => false,
		] ] );
		$provider = $this->newProvider( $api );
		$res = $provider->beginPrimaryAuthentication( [ self::loginRequest( 'New gina' ) ] );
		$this->assertSame( AuthenticationResponse::PASS, $res->status );
		// As AuthManager::autoCreateUser() does next
		$user = User::createNew( 'New gina' );
		$provider->autoCreatedAccount( $user, 'some other provider' );
		$this->assertNull( $this->newOwnership()->linkedId( $user ), 'only for the accounts this provider passed' );
		$provider->autoCreatedAccount( $user, $provider->getUniqueId() );
		$status = $this->newOwnership()->explain( 'New gina' );
		$this->assertSame( [ AccountStatus::LINKED, 'new-gina', AccountOwnership::ORIGIN_CREATED ],
			[ $status->state, $status->remoteId, $status->origin ] );
	}

	public function testTheSecondaryCheckRefusesAnAccountThatIsNotLinkedToTheWebsiteUserThatPassed() {
		$services = MediaWikiServices::getInstance();
		$ownership = $this->newOwnership();
		$gate = new WebsiteLinkSecondaryAuthenticationProvider( $ownership, new NullLogger() );
		$gate->init( new NullLogger(), $services->getAuthManager(), $services->getHookContainer(),
			$services->getMainConfig(), $services->getUserNameUtils() );

		// An account that appeared between the primary's check and AuthManager's look-up
		$appeared = self::passwordlessAccount( 'Race henry' );
		$ownership->notePassedLogin( 'Race henry', 'henry-id' );
		$res = $gate->beginSecondaryAuthentication( $appeared, [] );
		$this->assertSame( AuthenticationResponse::FAIL, $res->status );
		$this->assertSame( 'authbridge-error-notlinked', $res->message->getKey() );

		$ownership->link( $appeared, 'henry-id', AccountOwnership::ORIGIN_ADMIN, 'test' );
		$ownership->notePassedLogin( 'Race henry', 'henry-id' );
		$this->assertSame( AuthenticationResponse::PASS, $gate->beginSecondaryAuthentication( $appeared, [] )->status );
		$this->assertSame( AuthenticationResponse::ABSTAIN,
			$gate->beginSecondaryAuthentication( $appeared, [] )->status,
			'the note is used once; logins that are not a website user\'s are none of its business' );
	}

	public function testThePrimaryProviderNotesTheWebsiteUserItPassed() {
		$user = self::passwordlessAccount( 'Noted ian' );
		$this->newOwnership()->link( $user, 'ian-id', AccountOwnership::ORIGIN_ADMIN, 'test' );
		$api = ( new FakeApi() )->answerJson( 200, [ 'result' => 'PASS', 'user' => [
			'id' => 'ian-id', 'username' => 'Noted ian', 'realName' => '', 'email' => null,
			'emailVerified' => false, 'groups' => [], 'disabled' => false,
		] ] );
		$ownership = $this->newOwnership();
		$provider = $this->newProvider( $api, [], $ownership );
		$this->assertSame( AuthenticationResponse::PASS,
			$provider->beginPrimaryAuthentication( [ self::loginRequest( 'Noted ian' ) ] )->status );
		$this->assertSame( 'ian-id', $ownership->takePassedLogin( 'Noted ian' ) );
	}

	public function testPreferencesResetAndOtherCodeCannotUnlinkOrRelink() {
		$user = self::passwordlessAccount( 'Guarded ivy' );
		$this->newOwnership()->link( $user, 'ivy-id', AccountOwnership::ORIGIN_ADMIN, 'test' );
		$options = MediaWikiServices::getInstance()->getUserOptionsManager();
		// What "Restore all default settings" and action=options&change=… come down to
		$options->setOption( $user, AccountOwnership::LINK_OPTION, null );
		$options->setOption( $user, 'gender', 'female' );
		$options->saveOptions( $user );
		$options->setOption( $user, AccountOwnership::LINK_OPTION, 'mallory-id' );
		$options->saveOptions( $user );

		$this->assertSame( 'ivy-id', $this->newOwnership()->linkedId( $user ) );
		$this->assertSame( 'female', $options->getOption( $user, 'gender', null, false, IDBAccessObject::READ_LATEST ),
			'other options are saved as usual' );
	}
}
