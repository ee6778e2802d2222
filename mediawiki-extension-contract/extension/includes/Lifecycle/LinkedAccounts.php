<?php

namespace MediaWiki\Extension\AuthBridge\Lifecycle;

use MediaWiki\Extension\AuthBridge\ProfileSync;
use MediaWiki\User\UserFactory;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * The wiki accounts a website user owns: those whose link (`authbridge-id`) is that user's id,
 * never an account found by name, never a local-only one (the password provider decides).
 */
class LinkedAccounts {
	/** @var ILoadBalancer */
	private $loadBalancer;
	/** @var UserFactory */
	private $userFactory;
	/** @var callable(string):bool canonical name => local-only */
	private $isLocalOnly;

	/**
	 * @param ILoadBalancer $loadBalancer
	 * @param UserFactory $userFactory
	 * @param callable $isLocalOnly fn( string $name ): bool
	 */
	public function __construct( ILoadBalancer $loadBalancer, UserFactory $userFactory, callable $isLocalOnly ) {
		$this->loadBalancer = $loadBalancer;
		$this->userFactory = $userFactory;
		$this->isLocalOnly = $isLocalOnly;
	}

	/**
	 * @param string $uid the website's user id
	 * @return \User[] the registered, not local-only wiki accounts linked to it (normally one)
	 */
	public function forWebsiteId( string $uid ): array {
		// The primary: who may be logged out, or is locked, is never decided on a lagging replica.
		$ids = $this->loadBalancer->getConnection( DB_PRIMARY )->selectFieldValues(
			'user_properties',
			'up_user',
			[ 'up_property' => ProfileSync::LINK_OPTION, 'up_value' => $uid ],
			__METHOD__
		);
		$users = [];
		foreach ( $ids as $id ) {
			$user = $this->userFactory->newFromId( (int)$id );
			$user->load( WebsiteState::READ_LATEST );
			if ( $user->isRegistered() && !( $this->isLocalOnly )( $user->getName() ) ) {
				$users[] = $user;
			}
		}
		return $users;
	}
}
