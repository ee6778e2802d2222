<?php
/**
 * Links existing wiki accounts to the website users of the same name, for wikis that move to
 * AuthBridge from another login extension (LDAP, OAuth, PluggableAuth…): those accounts have
 * no local password and no link, so AuthBridge refuses to let a website user log into them
 * until an administrator says they are the same person (SPEC.md, "Which wiki account a website
 * user logs into").
 *
 *   php extensions/AuthBridge/maintenance/linkAccounts.php --dry-run
 *   php extensions/AuthBridge/maintenance/linkAccounts.php [--match-email] [--user NAME …]
 *
 * Each wiki account is looked up on the website by its name (GET /v1/users/{name}, scope
 * users:read). With --match-email the wiki account's confirmed email address must also equal
 * the website user's verified address. Accounts with a local password, system users, names in
 * $wgAuthBridgeLocalOnlyUsers and temporary accounts are never linked. Prints one line per
 * account and what it did (or, with --dry-run, would do).
 *
 * @file
 * @ingroup Maintenance
 */

namespace MediaWiki\Extension\AuthBridge\Maintenance;

use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\Account\AccountStatus;
use MediaWiki\Extension\AuthBridge\AuthBridgeServices;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserNameUtils;
use Wikimedia\Rdbms\IDBAccessObject;

// @codeCoverageIgnoreStart
$IP = getenv( 'MW_INSTALL_PATH' ) ?: __DIR__ . '/../../..';
require_once "$IP/maintenance/Maintenance.php";
// MediaWiki 1.39-1.42 name the class only globally (the extension's Compat aliases come later).
if ( !class_exists( 'MediaWiki\\Maintenance\\Maintenance' ) ) {
	class_alias( 'Maintenance', 'MediaWiki\\Maintenance\\Maintenance' );
}
// @codeCoverageIgnoreEnd

class LinkAccounts extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Link existing wiki accounts to the website users of the same name '
			. '(for wikis moving to AuthBridge from another login extension)' );
		$this->addOption( 'dry-run', 'Only report what would be linked' );
		$this->addOption( 'match-email', 'Also require the wiki account\'s confirmed email to equal '
			. 'the website user\'s verified email' );
		$this->addOption( 'user', 'Only this wiki account (repeatable)', false, true, false, true );
		$this->setBatchSize( 200 );
		$this->requireExtension( 'AuthBridge' );
	}

	public function execute() {
		$bridge = AuthBridgeServices::getInstance();
		$ownership = $bridge->getAccountOwnership();
		$client = $bridge->getApiClient();
		$dryRun = $this->hasOption( 'dry-run' );
		$counts = [ 'linked' => 0, 'already' => 0, 'skipped' => 0 ];

		foreach ( $this->accountNames() as $name ) {
			$status = $ownership->explain( $name );
			[ $outcome, $line ] = $this->linkOne( $status, $ownership, $client, $dryRun );
			$counts[$outcome]++;
			$this->output( "$name: $line\n" );
		}
		$this->output( sprintf( "%d %s, %d already linked, %d skipped%s\n",
			$counts['linked'], $dryRun ? 'would be linked' : 'linked', $counts['already'], $counts['skipped'],
			$dryRun ? ' (dry run: nothing was changed)' : ''
		) );
	}

	/**
	 * @return array [ 'linked'|'already'|'skipped', the report line ]
	 */
	private function linkOne( AccountStatus $status, AccountOwnership $ownership, $client, bool $dryRun ): array {
		switch ( $status->state ) {
			case AccountStatus::NONE:
				return [ 'skipped', 'skipped: no such wiki account' ];
			case AccountStatus::LINKED:
				return [ 'already', "already linked to website user {$status->remoteId}" ];
			case AccountStatus::TEMPORARY:
				return [ 'skipped', 'skipped: a temporary account (never linked)' ];
			case AccountStatus::SYSTEM:
				return [ 'skipped', 'skipped: a system user (never linked)' ];
			case AccountStatus::LISTED:
				return [ 'skipped', 'skipped: listed in $wgAuthBridgeLocalOnlyUsers (never linked)' ];
			case AccountStatus::LOCAL_PASSWORD:
				return [ 'skipped', 'skipped: has a local wiki password (local-only, never linked)' ];
		}
		try {
			$remote = $client->getUser( $status->name );
		} catch ( UnexpectedResponseException $e ) {
			$this->fatalError( "{$status->name}: the identity API answered unexpectedly: {$e->getMessage()}" );
		}
		if ( !$remote ) {
			return [ 'skipped', 'skipped: no website user of that name' ];
		}
		if ( $remote->username !== $status->name ) {
			return [ 'skipped', "skipped: the website user is named {$remote->username}" ];
		}
		if ( $this->hasOption( 'match-email' ) ) {
			$mismatch = $this->emailMismatch( $status, $remote );
			if ( $mismatch !== null ) {
				return [ 'skipped', "skipped: $mismatch" ];
			}
		}
		$what = "website user {$remote->id}" . ( $remote->disabled ? ' (disabled on the website)' : '' );
		if ( $dryRun ) {
			$others = array_diff( $ownership->accountsLinkedTo( $remote->id ), [ $status->name ] );
			return $others
				? [ 'skipped', "skipped: $what already owns the wiki account " . reset( $others ) ]
				: [ 'linked', "would link to $what" ];
		}
		$result = $ownership->link(
			$status->identity(), $remote->id, AccountOwnership::ORIGIN_ADMIN, 'linkAccounts.php'
		);
		if ( !$result->isOK() ) {
			[ $key, $params ] = Compat::firstMessage( $result );
			return [ 'skipped', 'refused: ' . wfMessage( $key, $params )->inLanguage( 'en' )->plain() ];
		}
		return [ 'linked', "linked to $what" ];
	}

	/** @return string|null why the email addresses do not prove it is the same person */
	private function emailMismatch( AccountStatus $status, RemoteUser $remote ): ?string {
		$user = MediaWikiServices::getInstance()->getUserFactory()->newFromUserIdentity( $status->identity() );
		$user->load( IDBAccessObject::READ_LATEST );
		if ( $user->getEmail() === '' || !$user->getEmailAuthenticationTimestamp() ) {
			return 'the wiki account has no confirmed email address';
		}
		if ( $remote->email === null || !$remote->emailVerified ) {
			return 'the website user has no verified email address';
		}
		if ( mb_strtolower( $user->getEmail() ) !== mb_strtolower( $remote->email ) ) {
			return 'the email addresses differ';
		}
		return null;
	}

	/** @return iterable<string> the accounts to look at: --user, else every account, by id */
	private function accountNames(): iterable {
		$names = $this->getOption( 'user', [] );
		if ( $names ) {
			$utils = MediaWikiServices::getInstance()->getUserNameUtils();
			foreach ( $names as $name ) {
				$canonical = $utils->getCanonical( $name, UserNameUtils::RIGOR_USABLE );
				if ( $canonical === false ) {
					$this->fatalError( "Not a valid user name: $name" );
				}
				yield $canonical;
			}
			return;
		}
		$dbr = $this->getDB( DB_REPLICA );
		$last = 0;
		do {
			$rows = $dbr->newSelectQueryBuilder()
				->select( [ 'user_id', 'user_name' ] )
				->from( 'user' )
				->where( 'user_id > ' . (int)$last )
				->orderBy( 'user_id' )
				->limit( $this->getBatchSize() )
				->caller( __METHOD__ )
				->fetchResultSet();
			foreach ( $rows as $row ) {
				$last = (int)$row->user_id;
				yield (string)$row->user_name;
			}
		} while ( $rows->numRows() === $this->getBatchSize() );
	}
}

// @codeCoverageIgnoreStart
$maintClass = LinkAccounts::class;
require_once RUN_MAINTENANCE_IF_MAIN;
// @codeCoverageIgnoreEnd
