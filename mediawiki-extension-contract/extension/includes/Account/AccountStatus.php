<?php

namespace MediaWiki\Extension\AuthBridge\Account;

use MediaWiki\User\UserIdentityValue;

/**
 * What a wiki account is to AuthBridge, as AccountOwnership::explain() found it in the primary
 * database: for logins, maintenance/linkAccounts.php and the administrators' page.
 */
class AccountStatus {
	/** No wiki account of that name yet: a website user of that name gets one at first login. */
	public const NONE = 'none';
	/** Named in $wgAuthBridgeLocalOnlyUsers. */
	public const LISTED = 'listed';
	/** A system user (MediaWiki default, Maintenance script, …). */
	public const SYSTEM = 'system';
	/** A temporary account, or a name in the temporary-account pattern. */
	public const TEMPORARY = 'temporary';
	/** Has a usable local password: an account of the wiki itself. */
	public const LOCAL_PASSWORD = 'local-password';
	/** Linked to a website user, who logs into it. */
	public const LINKED = 'linked';
	/** No local password and no link (e.g. left by another login extension): nobody from the website logs into it. */
	public const UNLINKED = 'unlinked';

	/** @var string canonical name */
	public $name;
	/** @var string one of the constants */
	public $state;
	/** @var int 0 when there is no account */
	public $userId;
	/** @var string|null the website user id, when linked */
	public $remoteId;
	/** @var string|null AccountOwnership::ORIGIN_*, when linked */
	public $origin;
	/** @var string|null who linked it, when known */
	public $linkedBy;
	/** @var string|null when (MediaWiki timestamp), when known */
	public $linkedAt;

	public function __construct(
		string $name, string $state, int $userId, ?string $remoteId = null,
		?string $origin = null, ?string $linkedBy = null, ?string $linkedAt = null
	) {
		$this->name = $name;
		$this->state = $state;
		$this->userId = $userId;
		$this->remoteId = $remoteId;
		$this->origin = $origin;
		$this->linkedBy = $linkedBy;
		$this->linkedAt = $linkedAt;
	}

	/** The wiki keeps this account to itself: the password login does not ask the website about it. */
	public function isLocalOnly(): bool {
		return in_array( $this->state, [ self::LISTED, self::SYSTEM, self::LOCAL_PASSWORD ], true );
	}

	public function exists(): bool {
		return $this->userId > 0;
	}

	public function identity(): UserIdentityValue {
		return new UserIdentityValue( $this->userId, $this->name );
	}
}
