<?php

namespace MediaWiki\Extension\AuthBridge\Account;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\Compat;
use MediaWiki\Extension\AuthBridge\RemoteUser;
use MediaWiki\Password\InvalidPassword;
use MediaWiki\Password\PasswordError;
use MediaWiki\Password\PasswordFactory;
use MediaWiki\User\Options\UserOptionsManager;
use MediaWiki\User\TempUser\TempUserConfig;
use MediaWiki\User\User;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityValue;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use StatusValue;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Who owns a wiki account: the wiki itself (local-only), or one website user (linked).
 *
 * The rule (SPEC.md, "Which wiki account a website user logs into"): a website user logs into
 * an existing wiki account only when that account is linked to the same website user id. A
 * link is made when AuthBridge creates the account at the first login, by an administrator
 * (maintenance/linkAccounts.php, later Special:AuthBridge), or was recorded by an earlier
 * version of AuthBridge (the `authbridge-id` user option, set at every login). Every other
 * existing account is refused, never adopted: a passwordless account left by LDAP, OAuth or
 * PluggableAuth, or by deleteLocalPasswords.php, belongs to whoever had it on the wiki, not to
 * whoever registers the same name on the website. Accounts with a local password, system users,
 * names in $wgAuthBridgeLocalOnlyUsers and temporary accounts are never linked at all.
 *
 * Everything that decides reads the primary database, so a replica that lags behind a link, an
 * unlink or a new local password cannot let a login through.
 */
class AccountOwnership {
	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeLocalOnlyUsers',
	];

	/** User option holding the website's stable user id (the link; kept from earlier versions). */
	public const LINK_OPTION = 'authbridge-id';
	/** User option holding how and when the link was made (JSON). */
	public const LINK_INFO_OPTION = 'authbridge-link';

	/** How a link came about. */
	public const ORIGIN_CREATED = 'created';
	public const ORIGIN_ADMIN = 'admin';
	/** Linked by AuthBridge before links carried their origin. */
	public const ORIGIN_LEGACY = 'legacy';

	/** Why a website user may not log into a wiki account (null from checkLogin(): they may). */
	public const REFUSE_LOCAL_ONLY = 'local-only';
	public const REFUSE_TEMPORARY = 'temporary';
	public const REFUSE_NOT_LINKED = 'not-linked';
	public const REFUSE_CONFLICT = 'conflict';

	/** @var ServiceOptions */
	private $options;
	/** @var ILoadBalancer */
	private $loadBalancer;
	/** @var UserNameUtils */
	private $userNameUtils;
	/** @var UserOptionsManager */
	private $userOptionsManager;
	/** @var PasswordFactory */
	private $passwordFactory;
	/** @var TempUserConfig */
	private $tempUserConfig;
	/** @var LoggerInterface */
	private $logger;
	/** @var array<int,true> users whose link options are being saved by AccountOwnership right now (any instance) */
	private static $writing = [];
	/** @var array<string,string> website users a primary provider passed in this request: wiki name => id */
	private $passedLogins = [];

	public function __construct(
		ServiceOptions $options,
		ILoadBalancer $loadBalancer,
		UserNameUtils $userNameUtils,
		UserOptionsManager $userOptionsManager,
		PasswordFactory $passwordFactory,
		TempUserConfig $tempUserConfig,
		LoggerInterface $logger
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->loadBalancer = $loadBalancer;
		$this->userNameUtils = $userNameUtils;
		$this->userOptionsManager = $userOptionsManager;
		$this->passwordFactory = $passwordFactory;
		$this->tempUserConfig = $tempUserConfig;
		$this->logger = $logger;
	}

	/**
	 * What the wiki account of this name is, as the primary database has it now.
	 *
	 * @param string $name canonical user name
	 * @return AccountStatus
	 */
	public function explain( string $name ): AccountStatus {
		if ( $this->isListed( $name ) ) {
			return new AccountStatus( $name, AccountStatus::LISTED, $this->userId( $name ) );
		}
		if ( $this->isTemporaryName( $name ) ) {
			return new AccountStatus( $name, AccountStatus::TEMPORARY, $this->userId( $name ) );
		}
		$row = $this->loadBalancer->getConnection( DB_PRIMARY )->newSelectQueryBuilder()
			->select( [ 'user_id', 'user_password', 'user_token' ] )
			->from( 'user' )
			->where( [ 'user_name' => $name ] )
			->caller( __METHOD__ )
			->fetchRow();
		if ( !$row ) {
			return new AccountStatus( $name, AccountStatus::NONE, 0 );
		}
		$id = (int)$row->user_id;
		if ( $row->user_token === User::INVALID_TOKEN ) {
			return new AccountStatus( $name, AccountStatus::SYSTEM, $id );
		}
		if ( $this->hasUsablePassword( (string)$row->user_password ) ) {
			return new AccountStatus( $name, AccountStatus::LOCAL_PASSWORD, $id );
		}
		$user = new UserIdentityValue( $id, $name );
		$remoteId = $this->readOption( $user, self::LINK_OPTION );
		if ( $remoteId === null ) {
			return new AccountStatus( $name, AccountStatus::UNLINKED, $id );
		}
		$info = json_decode( $this->readOption( $user, self::LINK_INFO_OPTION ) ?? '', true );
		$info = is_array( $info ) ? $info : [];
		return new AccountStatus(
			$name, AccountStatus::LINKED, $id, $remoteId,
			is_string( $info['origin'] ?? null ) ? $info['origin'] : self::ORIGIN_LEGACY,
			is_string( $info['by'] ?? null ) ? $info['by'] : null,
			is_string( $info['at'] ?? null ) ? $info['at'] : null
		);
	}

	/**
	 * A name the website may never log in as, and whose password is none of its business:
	 * the password login does not even ask the identity API about it.
	 *
	 * @param string $name canonical
	 * @return bool
	 */
	public function isLocalOnly( string $name ): bool {
		return $this->explain( $name )->isLocalOnly();
	}

	/**
	 * A name in the temporary-account pattern (MediaWiki 1.39+ with $wgAutoCreateTempUser, and
	 * from 1.43 also its reserved pattern): never a website user's name, never linked.
	 */
	public function isTemporaryName( string $name ): bool {
		return $this->tempUserConfig->isReservedName( $name );
	}

	/**
	 * May this website user log into the wiki account of this name?
	 *
	 * @param string $name canonical wiki name (the website user's name)
	 * @param RemoteUser $remote the user the identity API vouched for
	 * @return string|null null: yes (the account is linked to them, or does not exist yet and
	 *  will be created and linked); otherwise one of the REFUSE_* reasons
	 */
	public function checkLogin( string $name, RemoteUser $remote ): ?string {
		$status = $this->explain( $name );
		switch ( $status->state ) {
			case AccountStatus::NONE:
				return null;
			case AccountStatus::LINKED:
				return $status->remoteId === $remote->id ? null : self::REFUSE_CONFLICT;
			case AccountStatus::UNLINKED:
				return self::REFUSE_NOT_LINKED;
			case AccountStatus::TEMPORARY:
				return self::REFUSE_TEMPORARY;
			default:
				return self::REFUSE_LOCAL_ONLY;
		}
	}

	/**
	 * A primary provider passed this website user in this request; the secondary check
	 * (WebsiteLinkSecondaryAuthenticationProvider) takes the note once AuthManager has the
	 * account. Kept in memory, not in the session: both run in the same request.
	 */
	public function notePassedLogin( string $name, string $remoteId ): void {
		$this->passedLogins[$name] = $remoteId;
	}

	/** @return string|null the website user id passed for this name in this request, used up */
	public function takePassedLogin( string $name ): ?string {
		$remoteId = $this->passedLogins[$name] ?? null;
		unset( $this->passedLogins[$name] );
		return $remoteId;
	}

	/**
	 * @param UserIdentity $user
	 * @return string|null the website user id the account is linked to (primary database)
	 */
	public function linkedId( UserIdentity $user ): ?string {
		return $user->isRegistered() ? $this->readOption( $user, self::LINK_OPTION ) : null;
	}

	/** Is the account linked to exactly this website user (primary database)? */
	public function isLinkedTo( UserIdentity $user, string $remoteId ): bool {
		$linked = $this->linkedId( $user );
		return $linked !== null && hash_equals( $linked, $remoteId );
	}

	/**
	 * Link a wiki account to a website user. Refused for local-only, system and temporary
	 * accounts, for an account linked to another website user (unlink it first), and (for
	 * administrators' links) when the website user already owns another wiki account.
	 *
	 * @param UserIdentity $user an existing wiki account
	 * @param string $remoteId the website's stable user id
	 * @param string $origin ORIGIN_CREATED (AuthBridge created the account) or ORIGIN_ADMIN
	 * @param string $performer who links, for the record and the log (e.g. "linkAccounts.php")
	 * @return StatusValue good with value 'linked' or 'unchanged'; fatal with the reason's message
	 */
	public function link( UserIdentity $user, string $remoteId, string $origin, string $performer ): StatusValue {
		$status = $this->explain( $user->getName() );
		$refusal = $this->linkRefusal( $status, $remoteId, $origin );
		if ( $refusal ) {
			$this->logger->warning( 'Refused to link {user} to website user {remoteId} ({performer}): {reason}', [
				'user' => $user->getName(), 'remoteId' => $remoteId, 'performer' => $performer,
				'reason' => Compat::firstMessage( $refusal )[0],
			] );
			return $refusal;
		}
		if ( $status->state === AccountStatus::LINKED ) {
			return StatusValue::newGood( 'unchanged' );
		}
		$this->write( $status->identity(), [
			self::LINK_OPTION => $remoteId,
			self::LINK_INFO_OPTION => json_encode( [
				'origin' => $origin, 'by' => $performer, 'at' => wfTimestampNow(),
			] ),
		] );
		$this->logger->info( 'Linked {user} to website user {remoteId} ({origin}, by {performer})', [
			'user' => $user->getName(), 'remoteId' => $remoteId, 'origin' => $origin, 'performer' => $performer,
		] );
		return StatusValue::newGood( 'linked' );
	}

	/**
	 * Remove the link: the website user can no longer log into the account (until linked again).
	 *
	 * @param UserIdentity $user
	 * @param string $performer
	 * @return StatusValue good with value 'unlinked' or 'unchanged'
	 */
	public function unlink( UserIdentity $user, string $performer ): StatusValue {
		$status = $this->explain( $user->getName() );
		if ( $status->state !== AccountStatus::LINKED ) {
			return StatusValue::newGood( 'unchanged' );
		}
		$this->write( $status->identity(), [ self::LINK_OPTION => null, self::LINK_INFO_OPTION => null ] );
		$this->logger->info( 'Unlinked {user} from website user {remoteId} (by {performer})', [
			'user' => $user->getName(), 'remoteId' => $status->remoteId, 'performer' => $performer,
		] );
		return StatusValue::newGood( 'unlinked' );
	}

	/**
	 * The wiki accounts linked to this website user.
	 *
	 * @param string $remoteId
	 * @return string[]
	 */
	public function accountsLinkedTo( string $remoteId ): array {
		return $this->loadBalancer->getConnection( DB_PRIMARY )->newSelectQueryBuilder()
			->select( 'user_name' )
			->from( 'user_properties' )
			->join( 'user', null, 'user_id = up_user' )
			->where( [ 'up_property' => self::LINK_OPTION, 'up_value' => $remoteId ] )
			->caller( __METHOD__ )
			->fetchFieldValues();
	}

	/**
	 * For the SaveUserOptions guard: only this service may change the link options, so
	 * "Restore all default settings" in Preferences, action=options or another extension cannot
	 * unlink an account or link it to someone else.
	 */
	public function isWritingLinkOf( UserIdentity $user ): bool {
		return isset( self::$writing[$user->getId()] );
	}

	/** @return string[] the options only this service writes */
	public static function linkOptions(): array {
		return [ self::LINK_OPTION, self::LINK_INFO_OPTION ];
	}

	private function linkRefusal( AccountStatus $status, string $remoteId, string $origin ): ?StatusValue {
		switch ( $status->state ) {
			case AccountStatus::NONE:
				return StatusValue::newFatal( 'authbridge-link-error-nosuchuser', $status->name );
			case AccountStatus::TEMPORARY:
				return StatusValue::newFatal( 'authbridge-link-error-temporary', $status->name );
			case AccountStatus::SYSTEM:
				return StatusValue::newFatal( 'authbridge-link-error-system', $status->name );
			case AccountStatus::LISTED:
			case AccountStatus::LOCAL_PASSWORD:
				return StatusValue::newFatal( 'authbridge-link-error-localonly', $status->name );
			case AccountStatus::LINKED:
				return $status->remoteId === $remoteId
					? null
					: StatusValue::newFatal( 'authbridge-link-error-linked', $status->name, $status->remoteId );
		}
		if ( $origin === self::ORIGIN_ADMIN ) {
			$others = array_diff( $this->accountsLinkedTo( $remoteId ), [ $status->name ] );
			if ( $others ) {
				return StatusValue::newFatal( 'authbridge-link-error-owned', $remoteId, reset( $others ) );
			}
		}
		return null;
	}

	/** Set (or, with null, remove) the link options and save them past the guard. */
	private function write( UserIdentity $user, array $values ): void {
		self::$writing[$user->getId()] = true;
		try {
			foreach ( $values as $key => $value ) {
				$this->userOptionsManager->setOption( $user, $key, $value );
			}
			$this->userOptionsManager->saveOptions( $user );
		} finally {
			unset( self::$writing[$user->getId()] );
		}
	}

	/**
	 * Straight from the primary database, past UserOptionsManager's in-process cache, which
	 * would also answer a value some code set but the SaveUserOptions guard kept out of it.
	 */
	private function readOption( UserIdentity $user, string $key ): ?string {
		$value = $this->loadBalancer->getConnection( DB_PRIMARY )->newSelectQueryBuilder()
			->select( 'up_value' )
			->from( 'user_properties' )
			->where( [ 'up_user' => $user->getId(), 'up_property' => $key ] )
			->caller( __METHOD__ )
			->fetchField();
		return is_string( $value ) && $value !== '' ? $value : null;
	}

	private function isListed( string $name ): bool {
		foreach ( (array)$this->options->get( 'AuthBridgeLocalOnlyUsers' ) as $listed ) {
			if ( $this->userNameUtils->getCanonical( (string)$listed, UserNameUtils::RIGOR_NONE ) === $name ) {
				return true;
			}
		}
		return false;
	}

	private function userId( string $name ): int {
		return (int)$this->loadBalancer->getConnection( DB_PRIMARY )->newSelectQueryBuilder()
			->select( 'user_id' )
			->from( 'user' )
			->where( [ 'user_name' => $name ] )
			->caller( __METHOD__ )
			->fetchField();
	}

	/**
	 * AuthBridge creates accounts without a local password and refuses to give one to a linked
	 * account, so a usable password means the account was made on the wiki.
	 */
	private function hasUsablePassword( string $hash ): bool {
		try {
			return !(
				$this->passwordFactory->newFromCiphertext( $hash === '' ? null : $hash ) instanceof InvalidPassword
			);
		} catch ( PasswordError $e ) {
			return false;
		}
	}
}
