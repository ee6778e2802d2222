<?php

namespace MediaWiki\Extension\AuthBridge\Admin;

use ManualLogEntry;
use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Extension\AuthBridge\Lifecycle\LinkedAccounts;
use MediaWiki\Extension\AuthBridge\MissingScopeException;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Extension\AuthBridge\UnexpectedResponseException;
use MediaWiki\Session\SessionManagerInterface;
use MediaWiki\SpecialPage\SpecialPage;
use MediaWiki\Title\Title;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use StatusValue;

/**
 * What Special:AuthBridge reads and does, without any HTML: look website accounts up through
 * the identity API, and act on one (clear its locks, end its wiki sessions, link or unlink a
 * wiki account), each action written to Special:Log (type `authbridge`) with the acting sysop.
 *
 * Every answer is a StatusValue: good with the value, or fatal with a translated message, so
 * the page never shows an exception. A credential without a scope is a fatal
 * `authbridge-admin-missingscope` naming the scope, and the page shows the rest.
 * Links go through AccountOwnership, so the rules are those of linkAccounts.php and logins.
 */
class AccountAdmin {
	/** Longest search text: a user name is at most 255 bytes, an email 254 characters. */
	public const MAX_QUERY_LENGTH = 255;
	/** Results per page of a name search. */
	public const PAGE_SIZE = 20;
	/** Latest authentication events on an account page. */
	public const EVENT_COUNT = 10;

	public const SEARCH_NAME = 'name';
	public const SEARCH_EMAIL = 'email';

	/** @var ApiClient */
	private $api;
	/** @var AccountOwnership */
	private $ownership;
	/** @var LinkedAccounts */
	private $linkedAccounts;
	/** @var SessionManagerInterface */
	private $sessionManager;
	/** @var UserNameUtils */
	private $userNameUtils;
	/** @var array website group => wiki group or list of wiki groups */
	private $groupMap;
	/** @var string */
	private $adminUrlPattern;
	/** @var LoggerInterface */
	private $logger;

	public function __construct(
		ApiClient $api,
		AccountOwnership $ownership,
		LinkedAccounts $linkedAccounts,
		SessionManagerInterface $sessionManager,
		UserNameUtils $userNameUtils,
		array $groupMap,
		string $adminUrlPattern,
		LoggerInterface $logger
	) {
		$this->api = $api;
		$this->ownership = $ownership;
		$this->linkedAccounts = $linkedAccounts;
		$this->sessionManager = $sessionManager;
		$this->userNameUtils = $userNameUtils;
		$this->groupMap = $groupMap;
		$this->adminUrlPattern = $adminUrlPattern;
		$this->logger = $logger;
	}

	/**
	 * Why a search text or website user name cannot be sent at all (null: it can).
	 *
	 * @param string $text as typed
	 * @return string|null a message key
	 */
	public static function inputProblem( string $text ): ?string {
		if ( trim( $text ) === '' ) {
			return 'authbridge-admin-error-empty';
		}
		if ( mb_strlen( $text ) > self::MAX_QUERY_LENGTH ) {
			return 'authbridge-admin-error-toolong';
		}
		// NUL and other control characters are in no name or address; the API would refuse them.
		// MediaWiki's WebRequest hands a NUL (and bytes that are not UTF-8) over as U+FFFD.
		if ( !mb_check_encoding( $text, 'UTF-8' ) || preg_match( '/[\x00-\x1F\x7F]|\x{FFFD}/u', $text ) ) {
			return 'authbridge-admin-error-invalid';
		}
		return null;
	}

	/**
	 * @param string $by SEARCH_NAME (a prefix) or SEARCH_EMAIL
	 * @param string $text
	 * @param string|null $cursor the previous page's nextCursor (name search)
	 * @return StatusValue good with [ RemoteUser[], string|null nextCursor ]
	 */
	public function search( string $by, string $text, ?string $cursor = null ): StatusValue {
		$problem = self::inputProblem( $text );
		if ( $problem !== null ) {
			return StatusValue::newFatal( $problem );
		}
		if ( $cursor !== null && ( strlen( $cursor ) > 1400 || !preg_match( '/^[A-Za-z0-9_=-]+$/', $cursor ) ) ) {
			return StatusValue::newFatal( 'authbridge-admin-error-invalid' );
		}
		$query = $by === self::SEARCH_EMAIL
			? [ 'email' => trim( $text ), 'limit' => self::PAGE_SIZE ]
			: [ 'prefix' => trim( $text ), 'limit' => self::PAGE_SIZE, 'cursor' => $cursor ];
		return $this->call( function () use ( $query ) {
			return $this->api->listUsers( $query );
		}, 'GET /v1/users' );
	}

	/**
	 * @param string $name a website user name
	 * @return StatusValue good with the RemoteUser; fatal authbridge-admin-nosuchuser
	 */
	public function find( string $name ): StatusValue {
		$problem = self::inputProblem( $name );
		if ( $problem !== null ) {
			return StatusValue::newFatal( $problem );
		}
		$status = $this->call( function () use ( $name ) {
			return $this->api->getUser( $name );
		}, 'GET /v1/users/{username}' );
		if ( $status->isOK() && $status->getValue() === null ) {
			return StatusValue::newFatal( 'authbridge-admin-nosuchuser', $name );
		}
		return $status;
	}

	/** @return StatusValue good with the contract's AccountLock */
	public function lockState( RemoteUser $user ): StatusValue {
		return $this->call( function () use ( $user ) {
			return $this->api->getLock( $user->username );
		}, 'GET /v1/users/{username}/lock' );
	}

	/** @return StatusValue good with the latest audit events, newest first */
	public function events( RemoteUser $user ): StatusValue {
		return $this->call( function () use ( $user ) {
			return $this->api->auditEvents( $user->username, self::EVENT_COUNT );
		}, 'GET /v1/audit' );
	}

	/** @return string[] the wiki accounts linked to the website user (primary database) */
	public function linkedAccounts( RemoteUser $user ): array {
		return $this->ownership->accountsLinkedTo( $user->id );
	}

	/**
	 * @param string[] $websiteGroups
	 * @return array website group => wiki groups it maps to (empty: not mapped)
	 */
	public function groupMapping( array $websiteGroups ): array {
		$mapping = [];
		foreach ( $websiteGroups as $group ) {
			$mapping[$group] = array_values( array_map( 'strval', (array)( $this->groupMap[$group] ?? [] ) ) );
		}
		return $mapping;
	}

	/** @return string|null the website's admin page for the user ($wgAuthBridgeWebsiteAdminUrl) */
	public function adminUrl( RemoteUser $user ): ?string {
		if ( $this->adminUrlPattern === '' ) {
			return null;
		}
		return strtr( $this->adminUrlPattern, [
			'{id}' => rawurlencode( $user->id ),
			'{name}' => rawurlencode( $user->username ),
		] );
	}

	/** DELETE /v1/users/{username}/lock (scope users:write), logged. */
	public function clearLocks( RemoteUser $user, UserIdentity $performer ): StatusValue {
		$status = $this->call( function () use ( $user ) {
			$this->api->clearLock( $user->username );
			return true;
		}, 'DELETE /v1/users/{username}/lock' );
		if ( $status->isOK() ) {
			$this->log( 'clearlocks', $performer, self::pageOf( $user ), $user );
		}
		return $status;
	}

	/**
	 * Ends the sessions of the wiki accounts linked to the website user on this wiki (the same
	 * as the back channel's logout: sessions, remember-me tokens), logged.
	 *
	 * @return StatusValue good with the number of wiki accounts whose sessions ended
	 */
	public function endSessions( RemoteUser $user, UserIdentity $performer ): StatusValue {
		$accounts = $this->linkedAccounts->forWebsiteId( $user->id );
		if ( !$accounts ) {
			return StatusValue::newFatal( 'authbridge-admin-notlinked-error', $user->username );
		}
		foreach ( $accounts as $account ) {
			$this->sessionManager->invalidateSessionsForUser( $account );
		}
		$this->log( 'endsessions', $performer, self::pageOf( $user ), $user, [ '6::accounts' => count( $accounts ) ] );
		return StatusValue::newGood( count( $accounts ) );
	}

	/** Links a wiki account with AccountOwnership's rules (as linkAccounts.php), logged. */
	public function link( RemoteUser $user, string $wikiName, UserIdentity $performer ): StatusValue {
		$canonical = $this->canonicalWikiName( $wikiName );
		if ( !$canonical instanceof UserIdentity ) {
			return $canonical;
		}
		$result = $this->ownership->link(
			$canonical,
			$user->id,
			AccountOwnership::ORIGIN_ADMIN,
			'Special:AuthBridge (' . $performer->getName() . ')'
		);
		if ( $result->isOK() && $result->getValue() === 'linked' ) {
			$this->log( 'link', $performer, Title::makeTitle( NS_USER, $canonical->getName() ), $user );
		}
		return $result;
	}

	/** Removes the link of a wiki account to this website user, logged. */
	public function unlink( RemoteUser $user, string $wikiName, UserIdentity $performer ): StatusValue {
		$canonical = $this->canonicalWikiName( $wikiName );
		if ( !$canonical instanceof UserIdentity ) {
			return $canonical;
		}
		// Only this website user's own link: the form cannot be pointed at someone else's.
		if ( !$this->ownership->isLinkedTo( $canonical, $user->id ) ) {
			return StatusValue::newFatal( 'authbridge-admin-unlink-notlinked', $canonical->getName(), $user->username );
		}
		$result = $this->ownership->unlink( $canonical, 'Special:AuthBridge (' . $performer->getName() . ')' );
		if ( $result->isOK() && $result->getValue() === 'unlinked' ) {
			$this->log( 'unlink', $performer, Title::makeTitle( NS_USER, $canonical->getName() ), $user );
		}
		return $result;
	}

	/** @return UserIdentity|StatusValue the existing wiki account, or why not */
	private function canonicalWikiName( string $wikiName ) {
		$problem = self::inputProblem( $wikiName );
		if ( $problem !== null ) {
			return StatusValue::newFatal( $problem );
		}
		$canonical = $this->userNameUtils->getCanonical( $wikiName, UserNameUtils::RIGOR_USABLE );
		if ( $canonical === false ) {
			return StatusValue::newFatal( 'authbridge-admin-error-wikiname', $wikiName );
		}
		$identity = $this->ownership->explain( $canonical )->identity();
		if ( !$identity || !$identity->isRegistered() ) {
			return StatusValue::newFatal( 'authbridge-link-error-nosuchuser', $canonical );
		}
		return $identity;
	}

	/** Special:AuthBridge/<website name>: the log entry's target for actions on the website account. */
	public static function pageOf( RemoteUser $user ): Title {
		return SpecialPage::getTitleFor( 'AuthBridge', $user->username );
	}

	private function log(
		string $action, UserIdentity $performer, Title $target, RemoteUser $user, array $extra = []
	): void {
		$entry = new ManualLogEntry( 'authbridge', $action );
		$entry->setPerformer( $performer );
		$entry->setTarget( $target );
		$entry->setParameters( [ '4::website' => $user->username, '5::id' => $user->id ] + $extra );
		$entry->insert();
		$this->logger->info( 'Special:AuthBridge: {performer} did {action} for website user {id}', [
			'performer' => $performer->getName(), 'action' => $action, 'id' => $user->id,
		] );
	}

	/**
	 * @param callable $work talks to the identity API
	 * @param string $route for the log
	 * @return StatusValue
	 */
	private function call( callable $work, string $route ): StatusValue {
		try {
			return StatusValue::newGood( $work() );
		} catch ( MissingScopeException $e ) {
			$this->logger->warning( 'Special:AuthBridge: {message}', [ 'message' => $e->getMessage() ] );
			return StatusValue::newFatal( 'authbridge-admin-missingscope', $e->describeScopes(), $route );
		} catch ( UnexpectedResponseException $e ) {
			$this->logger->error( 'Special:AuthBridge: {route}: {message}', [
				'route' => $route, 'message' => $e->getMessage(),
			] );
			return StatusValue::newFatal(
				$e->getCode() === 400 ? 'authbridge-admin-error-invalid' : 'authbridge-admin-error-api'
			);
		}
	}
}
