<?php

namespace MediaWiki\Extension\AuthBridge;

/**
 * A user as the identity API describes it (the contract's "user object").
 * Immutable; built only by ApiClient after validation.
 */
class RemoteUser {
	/** @var string */
	public $id;
	/** @var string */
	public $username;
	/** @var string */
	public $realName;
	/** @var string|null */
	public $email;
	/** @var bool */
	public $emailVerified;
	/** @var string[] */
	public $groups;
	/** @var bool */
	public $disabled;

	/**
	 * @param string $id
	 * @param string $username
	 * @param string $realName
	 * @param string|null $email
	 * @param bool $emailVerified
	 * @param string[] $groups
	 * @param bool $disabled
	 */
	public function __construct(
		string $id, string $username, string $realName, ?string $email,
		bool $emailVerified, array $groups, bool $disabled
	) {
		$this->id = $id;
		$this->username = $username;
		$this->realName = $realName;
		$this->email = $email;
		$this->emailVerified = $emailVerified;
		$this->groups = $groups;
		$this->disabled = $disabled;
	}
}
