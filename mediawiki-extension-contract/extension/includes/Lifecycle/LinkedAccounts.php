<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use MediaWiki\Extension\AuthBridge\Account\AccountOwnership;
use MediaWiki\User\User;
use MediaWiki\User\UserFactory;

/**
 * The wiki accounts a website user owns: those AccountOwnership links to that user's id (read
 * on the primary database), never an account found by name, never a local-only one.
 */
class LinkedAccounts {
	/** @var AccountOwnership */
	private $ownership;
	/** @var UserFactory */
	private $userFactory;

	public function __construct( AccountOwnership $ownership, UserFactory $userFactory ) {
		$this->ownership = $ownership;
		$this->userFactory = $userFactory;
	}

	/**
	 * @param string $uid the website's user id
	 * @return User[] the registered, not local-only wiki accounts linked to it (normally one)
	 */
	public function forWebsiteId( string $uid ): array {
		$users = [];
		foreach ( $this->ownership->accountsLinkedTo( $uid ) as $name ) {
			$user = $this->userFactory->newFromName( $name );
			if ( !$user ) {
				continue;
			}
			$user->load( WebsiteState::READ_LATEST );
			if ( $user->isRegistered() && !$this->ownership->isLocalOnly( $user->getName() ) ) {
				$users[] = $user;
			}
		}
		return $users;
	}
}
